"""The back-office home: what needs the acting account today, each item one click from done."""

from datetime import timedelta

from core.models.subscriptions import SubscriptionStatus
from core.product_lifecycle import LifecycleAction, ManualStep, Result
from plugin_kit.testing import text_of
from tests.bss.backoffice.test_teams import _unlabelled
from tests.fakes import FakeProduct

CALM = "Nothing needs you today."


class RenewedByHand(FakeProduct):
    manual_renewal = True


def test_a_quiet_day_is_calm(client, demo, login_as):
    login_as("owner@bright.example")
    assert CALM in text_of(client.get("/bss/"))


def test_a_failed_provisioning_is_retried_from_the_home(client, db, fake_plugin, frozen_clock, login_as, post,
                                                        subscribe, provision_all):
    fake_plugin.vendor.answer(LifecycleAction.ACTIVATE, Result.failed("The vendor is out of widgets."))
    subscription = subscribe()
    assert subscription.status is SubscriptionStatus.FAILED
    login_as("owner@bright.example")
    home = text_of(client.get("/bss/"))
    assert ("Provisioning that failed 1 Fake product Small of Harbour Dental : the activate failed. "
            "The vendor is out of widgets.") in home
    assert CALM not in home

    retried = post(f"/bss/subscriptions/{subscription.id}/retry", {"next": "/bss/"})
    assert retried.status_code == 302 and retried.headers["Location"] == "/bss/"
    home = text_of(client.get("/bss/"))
    assert "Trying again: the vendor confirms in a moment." in home and CALM in home
    provision_all()
    assert subscription.status is SubscriptionStatus.ACTIVE
    page = text_of(client.get(f"/bss/subscriptions/{subscription.id}"))
    assert "Automatic Activate failed pending → failed The vendor is out of widgets." in page
    assert "Owner at Bright Retried failed → pending" in page


def test_a_manual_task_is_done_from_the_home(client, db, fake_plugin, frozen_clock, login_as, post, subscribe,
                                             provision_all):
    fake_plugin.vendor.answer(LifecycleAction.ACTIVATE, Result.manual(ManualStep(key="confirm", title="Confirm it")))
    subscription = subscribe()
    login_as("owner@bright.example")
    response = client.get("/bss/")
    assert "Tasks to do 1 Confirm it For Fake product Small of Harbour Dental" in text_of(response)
    assert _unlabelled(response.get_data(as_text=True)) == []
    task_id = response.get_data(as_text=True).split('action="/bss/tasks/')[1].split("/")[0]

    done = post(f"/bss/tasks/{task_id}/complete", {"note": "checked", "next": "/bss/"})
    assert done.status_code == 302 and done.headers["Location"] == "/bss/"
    home = text_of(client.get("/bss/"))
    assert "Done: Confirm it. Fake product for Harbour Dental goes on." in home and CALM in home
    provision_all()
    assert subscription.status is SubscriptionStatus.ACTIVE


def test_a_renewal_due_is_made_from_the_home(client, db, fake_plugin, frozen_clock, login_as, post, subscribe,
                                             provision_all):
    fake_plugin.product_types = [RenewedByHand(fake_plugin.vendor)]
    subscription = subscribe()  # renewed by hand on 2 Apr 2026
    login_as("owner@bright.example")
    assert CALM in text_of(client.get("/bss/"))  # more than 30 days away

    frozen_clock.advance(timedelta(days=3))
    login_as("owner@bright.example")  # a session lasts 12 hours
    home = text_of(client.get("/bss/"))
    assert "Renewals due in the next 30 days 1 Fake product Small of Harbour Dental : to renew by 2 Apr 2026" in home
    renewed = post(f"/bss/subscriptions/{subscription.id}/renew", {"next": "/bss/"})
    assert renewed.headers["Location"] == "/bss/"
    assert "Renewing: the vendor confirms in a moment." in text_of(client.get("/bss/"))
    provision_all()
    assert "Current period 2 Apr 2026 to 2 May 2026" in text_of(client.get(f"/bss/subscriptions/{subscription.id}"))
    assert CALM in text_of(client.get("/bss/"))


def test_a_next_address_off_the_site_is_ignored(client, db, fake_plugin, frozen_clock, login_as, post,
                                                subscribe):
    fake_plugin.vendor.answer(LifecycleAction.ACTIVATE, Result.failed("No widgets."))
    subscription = subscribe()
    login_as("owner@bright.example")
    retried = post(f"/bss/subscriptions/{subscription.id}/retry", {"next": "/\\evil.example/"})
    assert retried.headers["Location"] == f"/bss/subscriptions/{subscription.id}"
