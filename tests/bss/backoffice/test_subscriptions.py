"""Subscriptions in the back office: what they are, what happened to them, and every action on them."""

import re

import pytest
from sqlalchemy import func, select

from core.models.provisioning import ProvisioningRequest
from core.models.subscriptions import SubscriptionEvent, SubscriptionStatus
from plugin_kit.testing import text_of
from tests.bss.backoffice.conftest import sign_out
from tests.bss.backoffice.test_teams import _unlabelled

FORMS = {
    "change": "Change the subscription",
    "cancel": "Cancel the subscription",
    "undo-cancellation": "Undo the cancellation",
    "renew": "Renew for another period",
    "end-trial": "End the trial now",
    "suspend": "Suspend the subscription",
    "resume": "Resume the subscription",
    "terminate": "Terminate the subscription",
    "retry": "Try the ",
}


def _offered(page):
    """The actions whose forms a subscription page offers."""
    return {action for action, button in FORMS.items() if button in page}


def _history_size(db, subscription):
    db.expire_all()
    return (db.scalar(select(func.count()).select_from(SubscriptionEvent)
                      .where(SubscriptionEvent.subscription_id == subscription.id)),
            db.scalar(select(func.count()).select_from(ProvisioningRequest)
                      .where(ProvisioningRequest.subscription_id == subscription.id)))


def test_the_seller_suspends_resumes_changes_cancels_and_terminates(client, db, frozen_clock, login_as, post,
                                                                    subscribe, provision_all):
    subscription = subscribe()
    url = f"/bss/subscriptions/{subscription.id}"
    login_as("owner@bright.example")
    page = client.get(url).get_data(as_text=True)
    assert _offered(page) == {"change", "cancel", "suspend", "terminate"}
    assert _unlabelled(page) == []

    suspended = post(f"{url}/suspend", {"note": "Unpaid invoice"})
    assert suspended.status_code == 302 and suspended.headers["Location"] == url
    page = text_of(client.get(url))
    assert "Suspending: the vendor confirms in a moment." in page
    assert "A suspend is under way" in page and _offered(page) == set()
    assert subscription.status is SubscriptionStatus.ACTIVE  # not before the vendor confirms
    provision_all()
    page = text_of(client.get(url))
    assert "Suspended by the seller" in page
    assert "Owner at Bright Suspended active → suspended Unpaid invoice" in page
    assert _offered(page) == {"resume", "cancel", "terminate"}

    post(f"{url}/resume", {"note": "Paid"})
    assert "Resuming: the vendor confirms in a moment." in text_of(client.get(url))
    provision_all()
    assert subscription.status is SubscriptionStatus.ACTIVE

    post(f"{url}/change", {"plan_id": subscription.plan_id, "quantity": 3})
    assert "Changing it: the vendor confirms in a moment." in text_of(client.get(url))
    provision_all()
    page = text_of(client.get(url))
    assert subscription.quantity == 3 and "Quantity 3" in page
    assert "Changed active Quantity: 1 → 3" in page

    post(f"{url}/cancel", {"when": "end_of_term", "note": "Moving away"})
    page = text_of(client.get(url))
    assert "It will be cancelled at the end of the term, on 2 Apr 2026. Until then, you can undo" in page
    assert "Pending cancellation" in page
    assert _offered(page) == {"undo-cancellation", "cancel", "suspend", "terminate"}

    post(f"{url}/undo-cancellation")
    page = text_of(client.get(url))
    assert "The cancellation is undone: it keeps running." in page and subscription.status is SubscriptionStatus.ACTIVE

    asked = post(f"{url}/terminate", {"note": "Fraud"})  # a destructive action asks first, changing nothing
    assert asked.status_code == 200 and "Terminate Fake product Small for Harbour Dental?" in text_of(asked)
    assert "It cannot be undone." in text_of(asked) and 'name="note" value="Fraud"' in asked.get_data(as_text=True)
    assert subscription.status is SubscriptionStatus.ACTIVE and "Terminating" not in text_of(client.get(url))
    post(f"{url}/terminate", {"note": "Fraud", "confirmed": "1"})
    assert "Terminating: the vendor confirms in a moment." in text_of(client.get(url))
    provision_all()
    page = text_of(client.get(url))
    assert "Terminated" in page and "Terminated active → terminated Fraud" in page
    assert _offered(page) == set() and "What you can do" not in page


def test_the_owner_cancels_but_never_suspends(client, db, frozen_clock, login_as, post, subscribe,
                                              provision_all):
    subscription = subscribe()
    url = f"/bss/subscriptions/{subscription.id}"
    login_as("owner@harbour.example")
    assert _offered(client.get(url).get_data(as_text=True)) == {"change", "cancel"}

    before = _history_size(db, subscription)
    refused = post(f"{url}/suspend", {"note": "please"})
    assert refused.status_code == 403 and "Only the seller of Fake product can suspend it." in text_of(refused)
    assert _history_size(db, subscription) == before

    asked = post(f"{url}/cancel", {"when": "now"})
    assert "Cancel Fake product Small for Harbour Dental now? The service stops today." in text_of(asked)
    post(f"{url}/cancel", {"when": "now", "confirmed": "1"})
    assert "Cancelling: the vendor confirms in a moment." in text_of(client.get(url))
    provision_all()
    page = text_of(client.get(url))
    assert "Cancelled" in page and "Owner at Harbour Cancelled active → cancelled" in page
    assert "Ended 2 Mar 2026, 09:30 UTC" in page


def test_a_trial_ends_early_and_a_downgrade_waits_for_the_end_of_the_term(client, db, frozen_clock, fake_catalog,
                                                                        login_as, post, subscribe,
                                                                        provision_all):
    subscription = subscribe(plan="large")
    url = f"/bss/subscriptions/{subscription.id}"
    login_as("owner@harbour.example")
    page = text_of(client.get(url))
    assert "Trial" in page and "Trial ends 1 Apr 2026" in page
    assert _offered(page) == {"change", "cancel", "end-trial"}

    post(f"{url}/change", {"plan_id": fake_catalog["small"].id, "quantity": 1})
    page = text_of(client.get(url))
    assert "The change is scheduled for the end of the term, on 1 Apr 2026." in page
    assert "Scheduled change to Small, 1 unit, on 1 Apr 2026" in page

    post(f"{url}/end-trial")
    assert "Ending the trial: the vendor confirms in a moment." in text_of(client.get(url))
    provision_all()
    page = text_of(client.get(url))
    assert subscription.status is SubscriptionStatus.ACTIVE
    assert "Trial ended trial → active Current period end: 1 Apr 2026 → 2 Mar 2027" in page


@pytest.mark.parametrize(("quantity", "field", "message"), [
    ("lots", "quantity", "Quantity: Write a whole number from 1 to 100000."),
    ("0", "quantity", "Quantity: Choose between 1 and 100000 units."),
    ("1", "plan_id", "Plan: That is what the subscription has already."),
])
def test_a_wrong_change_names_the_field_and_changes_nothing(client, db, frozen_clock, login_as, post, subscribe,
                                                           quantity, field, message):
    subscription = subscribe()
    login_as("owner@harbour.example")
    before = _history_size(db, subscription)
    refused = post(f"/bss/subscriptions/{subscription.id}/change",
                   {"plan_id": subscription.plan_id, "quantity": quantity})
    assert refused.status_code == 422
    assert f"Nothing was changed: {message}" in text_of(refused)
    page = refused.get_data(as_text=True)
    assert re.search(rf'id="{field}" name="{field}"[^>]* aria-invalid="true"', page)
    assert f'name="quantity" type="number" min="1" size="6" value="{quantity}"' in page  # as typed
    assert _history_size(db, subscription) == before and subscription.quantity == 1


def test_a_customer_never_sees_what_its_reseller_pays(client, db, frozen_clock, fake_catalog, login_as, post,
                                                      subscribe, provision_all):
    # Bright IT buys for Harbour Dental and pays its wholesale price, 11.50; then upgrades it (115.00).
    subscription = subscribe(buyer="bright", payer="buyer")
    url = f"/bss/subscriptions/{subscription.id}"
    login_as("owner@bright.example")
    post(f"{url}/change", {"plan_id": fake_catalog["large"].id, "quantity": 1})
    provision_all()
    bright_view = text_of(client.get(url))
    assert "Unit price: €11.50 → €115.00" in bright_view and "€115.00 per unit" in bright_view
    assert "€115.00" in text_of(client.get("/bss/subscriptions"))
    sign_out(client)

    login_as("owner@harbour.example")
    for shown in (url, "/bss/subscriptions", "/bss/orders"):
        page = text_of(client.get(shown))
        assert "EUR" not in page and "11.50" not in page and "115" not in page and "Unit price" not in page
    assert "Paid by Bright IT" in text_of(client.get(url))
    assert "paid by Bright IT" in text_of(client.get("/bss/subscriptions"))
    assert "No orders yet." in text_of(client.get("/bss/orders"))


def test_the_list_filters_by_account_product_and_status(client, demo, fake_catalog, frozen_clock, login_as,
                                                        subscribe):
    harbours, maples = subscribe("harbour"), subscribe("maple")
    login_as("owner@bright.example")
    everything = client.get("/bss/subscriptions")
    assert _unlabelled(everything.get_data(as_text=True)) == []
    listed = text_of(everything)
    row = f"Subscription {harbours.id} Harbour Dental Fake product Small 1 Active renews 2 Apr 2026 €14.38"
    assert row in listed
    assert f"Subscription {maples.id} Maple Bakery" in listed

    only_maple = text_of(client.get(f"/bss/subscriptions?account={demo['maple'].id}"))
    assert f"Subscription {maples.id}" in only_maple and f"Subscription {harbours.id}" not in only_maple
    product = fake_catalog["small"].product_id
    assert f"Subscription {harbours.id}" in text_of(client.get(f"/bss/subscriptions?product={product}&status=active"))
    assert "No subscriptions match." in text_of(client.get("/bss/subscriptions?status=cancelled"))
    assert client.get("/bss/subscriptions?status=sleeping").status_code == 422
