"""Websites from trial to live: a free trial on the hosting panel, going live only on paid hosting,
trials that expire with reminders before, and sites that follow their hosting; through the panel simulator."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bss.tasks import run_scheduled_jobs
from core.errors import ConflictError, PermissionDeniedError, ValidationError
from core.models.subscriptions import SubscriptionStatus
from core.services.orders import LineRequest, place_order
from core.services.subscriptions import act_on_subscription
from core.services.vendor_names import set_vendor_names
from plugin_kit.testing import provision_due
from plugins.hosting.models import Website, WebsiteStatus
from plugins.hosting.trials import run_website_upkeep
from plugins.hosting.websites import control_panel_link, create_website, take_live
from tests.plugins.hosting.conftest import vendor

S = SubscriptionStatus
W = WebsiteStatus


@pytest.fixture
def trial_site(db, demo, plans, actor_for):
    """Bright IT starts a free trial of Web hosting Starter for Harbour Dental, from its back office."""

    def start(domain="www.harbour-dental.com", plan="web-hosting/starter"):
        website = create_website(db, actor=actor_for("bright"), account_id=demo["harbour"].id, domain=domain,
                                 plan_id=plans[plan].id)
        db.commit()
        provision_due(db)
        return website

    return start


def _account(panel, website):
    return vendor(panel, "GET", f"/accounts/{website.subscription.provisioning_data['panel_username']}")


def test_a_reseller_starts_a_customers_free_trial_on_the_hosting_panel(frozen_clock, trial_site, panel):
    website = trial_site()
    hosting = website.subscription
    assert website.status is W.TRIAL and website.account.name == "Harbour Dental"
    assert website.trial_ends_at == frozen_clock.now() + timedelta(days=14)
    assert hosting.status is S.TRIAL and hosting.current_period_end is None, "a free trial: nothing renews or is billed"
    assert (hosting.payer.slug, hosting.seller.slug, str(hosting.unit_price)) == ("harbour", "bright", "4.99 EUR")
    assert _account(panel, website) == {"username": f"bright{hosting.id}", "domain": "www.harbour-dental.com",  # its seller's
                                        "package": "starter", "status": "active", "suspend_reason": ""}


def test_panel_logins_are_under_the_prefix_bright_chose_from_then_on(db, shops, actor_for, trial_site, panel):
    before = trial_site()
    set_vendor_names(db, actor=actor_for("bright"), handle_prefix="BRT", nameservers=[])
    db.commit()
    after = trial_site("www.harbour-smiles.com")
    assert _account(panel, after)["username"] == f"brt{after.subscription.id}"
    assert _account(panel, before)["username"] == f"bright{before.subscription.id}"  # opened before: as it was


def test_a_site_goes_live_only_once_it_is_on_a_paying_plan(db, actor_for, trial_site, panel):
    website = trial_site()
    with pytest.raises(ConflictError) as refused:
        take_live(db, actor=actor_for("bright"), website_id=website.id)  # refused before anything is written
    assert refused.value.detail == (
        "www.harbour-dental.com is on a free trial of Web hosting Starter, not on a paying hosting plan: it can go "
        "live only once it is. When Harbour Dental has paid, move it to the right plan and end its trial, then "
        "switch it live.")
    with pytest.raises(PermissionDeniedError, match="Bright IT switches www.harbour-dental.com live"):
        take_live(db, actor=actor_for("harbour"), website_id=website.id)

    act_on_subscription(db, actor=actor_for("bright"), subscription_id=website.subscription.id, action="end-trial")
    db.commit()
    provision_due(db)
    assert website.subscription.status is S.ACTIVE and website.subscription.current_period_end is not None
    take_live(db, actor=actor_for("bright"), website_id=website.id)
    db.commit()
    assert website.status is W.LIVE and website.live_at is not None and website.next_reminder_at is None


def test_a_trial_moved_to_the_right_plan_keeps_its_panel_account(db, actor_for, plans, trial_site, panel):
    website = trial_site()
    act_on_subscription(db, actor=actor_for("bright"), subscription_id=website.subscription.id, action="change",
                        plan_id=plans["web-hosting/business-yearly"].id)
    db.commit()
    provision_due(db)
    assert website.subscription.plan.code == "business-yearly"
    assert _account(panel, website)["package"] == "business"


def test_a_paid_hosting_order_starts_paid_at_once_not_in_a_trial(db, demo, plans, actor_for, panel):
    order = place_order(db, actor=actor_for("harbour"), payment_method="card",
                        lines=[LineRequest(plans["web-hosting/pro"].id, params={"domain": "shop.harbour-dental.com"})])
    db.commit()
    provision_due(db)
    hosting = order.lines[0].subscription
    assert hosting.status is S.ACTIVE and hosting.trial_end is None
    assert (hosting.current_period_end - hosting.current_period_start).days in (28, 29, 30, 31)
    website = create_website(db, actor=actor_for("bright"), account_id=demo["harbour"].id, subscription_id=hosting.id)
    db.commit()
    assert website.domain == "shop.harbour-dental.com" and website.trial_ends_at is None
    take_live(db, actor=actor_for("bright"), website_id=website.id)
    assert website.status is W.LIVE


def test_a_site_names_what_is_wrong_with_it_and_writes_nothing(db, demo, plans, actor_for, trial_site):
    trial_site()
    bright = actor_for("bright")
    with pytest.raises(ValidationError) as taken:
        create_website(db, actor=bright, account_id=demo["maple"].id, domain="WWW.Harbour-Dental.com",
                       plan_id=plans["web-hosting/starter"].id)
    assert taken.value.fields == {"domain": ["www.harbour-dental.com is the address of another site already."]}
    with pytest.raises(ValidationError) as bad:
        create_website(db, actor=bright, account_id=demo["maple"].id, domain="maple bakery",
                       plan_id=plans["web-hosting/starter"].id)
    assert list(bad.value.fields) == ["domain"]
    with pytest.raises(ValidationError) as not_hosting:
        create_website(db, actor=bright, account_id=demo["maple"].id, domain="www.maple.example",
                       plan_id=plans["domain-name/com"].id)
    assert not_hosting.value.fields == {"plan_id": ["Choose a Web hosting plan."]}
    assert db.scalar(select(Website).where(Website.account_id == demo["maple"].id)) is None


def test_a_trial_nobody_took_live_expires_with_reminders_before(db, frozen_clock, trial_site, panel, emails):
    website = trial_site()
    reminded_at = []
    for _ in range(15):
        frozen_clock.advance(timedelta(days=1))
        before = len(emails("free trial"))
        run_website_upkeep(db)
        db.commit()
        provision_due(db)
        if len(emails("free trial")) > before:
            reminded_at.append(round((website.trial_ends_at - frozen_clock.now()) / timedelta(days=1)))
    assert reminded_at == [7, 3, 1, 0], "three reminders, then the news that it ended"
    customer = [email for email in emails("free trial") if email.to_address == "owner@harbour.example"]
    assert [email.subject for email in customer] == [
        "Your free trial of www.harbour-dental.com ends in 7 days", "Your free trial of www.harbour-dental.com ends in 3 days",
        "Your free trial of www.harbour-dental.com ends in 1 day", "Your free trial of www.harbour-dental.com has ended"]
    assert {email.sender_name for email in customer} == {"Bright IT"}
    assert "ask Bright IT to put it on a hosting plan" in customer[0].text_body
    assert "Northwind" not in "".join(email.text_body for email in customer)
    assert "Harbour Dental's free trial of www.harbour-dental.com ends in 7 days" in [
        email.subject for email in emails() if email.to_address == "owner@bright.example"]

    assert website.status is W.TERMINATED and "free trial ended on 16 March 2026" in website.end_reason
    assert website.subscription.status is S.CANCELLED
    assert _account(panel, website)["status"] == "terminated"


def test_a_trial_ended_and_paid_does_not_expire(db, frozen_clock, actor_for, trial_site):
    website = trial_site()
    act_on_subscription(db, actor=actor_for("bright"), subscription_id=website.subscription.id, action="end-trial")
    db.commit()
    provision_due(db)
    frozen_clock.advance(timedelta(days=15))
    run_website_upkeep(db)
    assert website.status is W.TRIAL and website.subscription.status is S.ACTIVE


def test_a_site_follows_its_hosting_when_it_is_suspended_resumed_and_ended(
        db, app, actor_for, trial_site, panel):
    website = trial_site()
    act_on_subscription(db, actor=actor_for("bright"), subscription_id=website.subscription.id, action="suspend",
                        note="unpaid")
    db.commit()
    provision_due(db)
    run_scheduled_jobs()  # as beat runs it, every minute
    db.expire_all()
    assert website.status is W.SUSPENDED and _account(panel, website)["status"] == "suspended"
    act_on_subscription(db, actor=actor_for("bright"), subscription_id=website.subscription.id, action="resume")
    db.commit()
    provision_due(db)
    run_scheduled_jobs()
    db.expire_all()
    assert website.status is W.TRIAL and _account(panel, website)["status"] == "active"
    act_on_subscription(db, actor=actor_for("bright"), subscription_id=website.subscription.id, action="terminate")
    db.commit()
    provision_due(db)
    run_scheduled_jobs()
    db.expire_all()
    assert website.status is W.TERMINATED and website.end_reason == "Its hosting was terminated."
    assert _account(panel, website)["status"] == "terminated"


def test_the_control_panel_opens_with_a_one_time_link_from_the_panel(db, demo, trial_site, panel):
    website = trial_site()
    link = control_panel_link(db, demo["harbour"], website.id)
    assert link.startswith(f"{panel.url}/sso/")
    from urllib.request import urlopen

    with urlopen(link, timeout=5) as page:
        assert "Control panel of www.harbour-dental.com" in page.read().decode()
    with pytest.raises(Exception, match="404"):
        urlopen(link, timeout=5)


def test_a_panel_refusal_fails_the_hosting_with_its_reason(db, demo, plans, actor_for, trial_site, emails):
    trial_site()
    order = place_order(db, actor=actor_for("maple"), payment_method="card",
                        lines=[LineRequest(plans["web-hosting/starter"].id, params={"domain": "www.harbour-dental.com"})])
    db.commit()
    provision_due(db)
    hosting = order.lines[0].subscription
    assert hosting.status is S.FAILED
    assert hosting.events[-1].reason == "The hosting panel refused: www.harbour-dental.com is hosted in another account."
    assert [email.to_address for email in emails("Could not activate Web hosting for Maple Bakery")] == ["owner@bright.example"]
