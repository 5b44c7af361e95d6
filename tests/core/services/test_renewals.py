"""Period ends, with a frozen clock: renewals, scheduled downgrades and cancellations, trials, reminders."""

from datetime import timedelta

from sqlalchemy import select

from core.models.outbox import OutboxEmail
from core.models.subscriptions import SubscriptionStatus, SuspendReason
from core.services.orders import LineRequest, place_order
from core.services.renewals import run_period_ends, send_renewal_reminders
from core.services.subscriptions import act_on_subscription
from plugin_kit.testing import provision_due

S = SubscriptionStatus


def _period_end(db, frozen_clock, subscription):
    """Move time just past the subscription's period end and let the scheduler and workers run."""
    frozen_clock.advance(subscription.current_period_end - frozen_clock.now() + timedelta(minutes=1))
    run_period_ends(db)
    db.commit()
    provision_due(db)


def test_a_subscription_renews_at_period_end_for_another_period(frozen_clock, db, subscribe):
    subscription = subscribe()
    start, end = subscription.current_period_start, subscription.current_period_end
    assert (start.month, end.month) == (3, 4) and start.day == end.day
    assert run_period_ends(db) == 0
    _period_end(db, frozen_clock, subscription)
    assert subscription.status is S.ACTIVE
    assert (subscription.current_period_start, subscription.current_period_end.month) == (end, 5)
    assert subscription.events[-1].action == "renewed"
    assert run_period_ends(db) == 0  # once per period


def test_a_downgrade_is_applied_at_the_end_of_the_term(frozen_clock, db, fake_catalog, actor_for, subscribe):
    subscription = subscribe(plan="large")
    act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="end-trial")
    db.commit()
    provision_due(db)
    assert subscription.status is S.ACTIVE
    term_end = subscription.term_end
    assert (term_end - subscription.current_period_start).days in (365, 366)
    act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="change",
                        plan_id=fake_catalog["small"].id)
    db.commit()
    frozen_clock.advance(timedelta(days=200))
    run_period_ends(db)
    provision_due(db)
    assert subscription.plan.code == "large"
    _period_end(db, frozen_clock, subscription)  # the change first ...
    assert subscription.plan.code == "small" and subscription.scheduled_plan is None
    assert str(subscription.unit_price) == "14.38 EUR"
    run_period_ends(db)  # ... then the renewal, on the new plan's monthly period
    db.commit()
    provision_due(db)
    assert subscription.current_period_start == term_end
    assert subscription.current_period_end.month == (term_end.month % 12) + 1
    assert [e.action for e in subscription.events][-3:] == ["change_scheduled", "changed", "renewed"]


def test_a_cancellation_at_the_end_of_the_term_happens_then(frozen_clock, db, actor_for, subscribe):
    subscription = subscribe()
    act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="cancel", when="end_of_term")
    db.commit()
    _period_end(db, frozen_clock, subscription)
    assert subscription.status is S.CANCELLED
    confirmations = db.scalars(select(OutboxEmail).where(OutboxEmail.subject == "Fake product is cancelled")).all()
    assert {(email.to_address, email.sender_name) for email in confirmations} == {
        ("owner@harbour.example", "Bright IT"), ("sam@books.example", "Bright IT")}


def test_a_trial_becomes_paid_at_its_end(frozen_clock, db, subscribe):
    subscription = subscribe(plan="large")
    assert subscription.status is S.TRIAL
    trial_end = subscription.trial_end
    _period_end(db, frozen_clock, subscription)
    assert subscription.status is S.ACTIVE
    assert subscription.current_period_start == trial_end
    assert subscription.events[-1].action == "trial_ended"


def test_a_subscription_renewed_by_hand_is_suspended_when_nobody_renews_it(frozen_clock, db, demo, plans, actor_for):
    order = place_order(db, actor=actor_for("bright"), lines=[LineRequest(plans["domain-name/com"].id, params={"domain_name": "harbour-dental.com"})],
                        payment_method="on_account")
    db.commit()
    provision_due(db)
    domain = order.lines[0].subscription
    assert domain.auto_renew is False
    _period_end(db, frozen_clock, domain)
    assert (domain.status, domain.suspend_reason) == (S.SUSPENDED, SuspendReason.EXPIRED)
    act_on_subscription(db, actor=actor_for("bright"), subscription_id=domain.id, action="renew")
    db.commit()
    provision_due(db)
    assert domain.status is S.ACTIVE
    assert domain.current_period_start == frozen_clock.now()
    assert (domain.current_period_end - domain.current_period_start).days in (365, 366)


def test_renewal_reminders_go_out_once_at_each_reminder_day(frozen_clock, db, demo, plans, actor_for):
    order = place_order(db, actor=actor_for("bright"), lines=[LineRequest(plans["domain-name/com"].id, params={"domain_name": "harbour-dental.com"})],
                        payment_method="on_account")
    db.commit()
    provision_due(db)
    end = order.lines[0].subscription.current_period_end

    def reminders():
        return db.scalars(select(OutboxEmail).where(OutboxEmail.subject.like("%due for renewal%"))
                          .order_by(OutboxEmail.id)).all()

    sent_at = []
    for day in range(366):
        frozen_clock.advance(timedelta(days=1) if day else timedelta(0))
        if send_renewal_reminders(db):
            sent_at.append(round((end - frozen_clock.now()) / timedelta(days=1)))
    assert sent_at == [30, 7, 1]
    subjects = [email.subject for email in reminders()]
    assert subjects == ["Domain name is due for renewal in 30 days", "Domain name is due for renewal in 7 days",
                        "Domain name is due for renewal in 1 day"]
    assert "The renewal costs €9.20." in reminders()[0].text_body


def test_a_customer_whose_reseller_pays_is_reminded_to_see_its_reseller(frozen_clock, db, demo, plans, actor_for):
    order = place_order(db, actor=actor_for("bright"), owner_id=demo["harbour"].id, payer="buyer",
                        lines=[LineRequest(plans["domain-name/com"].id, params={"domain_name": "harbour-dental.com"})], payment_method="on_account")
    db.commit()
    provision_due(db)
    frozen_clock.advance(order.lines[0].subscription.current_period_end - frozen_clock.now() - timedelta(days=7))
    send_renewal_reminders(db)
    emails = {email.to_address: email for email in db.scalars(select(OutboxEmail).where(OutboxEmail.subject.like("%renewal%")))}
    customer, reseller = emails["owner@harbour.example"], emails["owner@bright.example"]
    assert "renew it with Bright IT" in customer.text_body and "€" not in customer.text_body
    assert "Northwind" not in customer.text_body + customer.subject + (customer.sender_name or "")
    assert "renew it with Northwind Distribution" in reseller.text_body and "€9.20" in reseller.text_body


def test_reminders_reach_the_teams_that_receive_them_in_the_sellers_name(frozen_clock, db, demo, subscribe):
    subscription = subscribe()
    frozen_clock.advance(subscription.current_period_end - frozen_clock.now() - timedelta(days=6))
    assert send_renewal_reminders(db) == 1
    emails = db.scalars(select(OutboxEmail).where(OutboxEmail.subject == "Fake product renews in 6 days")).all()
    # Harbour Dental's owner team receives reminders; its bookkeeper Sam is in it too.
    assert {(email.to_address, email.sender_name) for email in emails} == {
        ("owner@harbour.example", "Bright IT"), ("sam@books.example", "Bright IT")}
    assert all("Northwind" not in email.text_body for email in emails)
    assert send_renewal_reminders(db) == 0


def test_a_monthly_plan_is_not_reminded_a_month_ahead(frozen_clock, db, subscribe):
    subscription = subscribe()
    end = subscription.current_period_end
    reminded = []
    while frozen_clock.now() < end:
        frozen_clock.advance(timedelta(hours=6))
        if send_renewal_reminders(db):
            reminded.append(end - frozen_clock.now())
    assert [round(left / timedelta(days=1)) for left in reminded] == [7, 1]
