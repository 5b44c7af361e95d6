"""Microsoft's commerce rules: seats added at once; seats removed or the subscription cancelled at
once only within the window after purchase or renewal, otherwise at the end of the term."""

from datetime import timedelta

import pytest

from core.i18n import day_text
from core.models.subscriptions import SubscriptionStatus
from core.services.renewals import run_period_ends
from core.services.subscriptions import act_on_subscription
from core.wording import worded_in
from plugin_kit.testing import provision_due

S = SubscriptionStatus


@pytest.fixture
def harbour_seats(frozen_clock, db, buy_seats):
    """Harbour Dental's 8 Business Basic seats, bought at the frozen moment."""
    return buy_seats("harbour", 8, tenant_prefix="harbourdental")


@pytest.fixture
def act(db, actor_for):
    def act(subscription, action, **arguments):
        act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action=action, **arguments)
        db.commit()
        provision_due(db)

    return act


def _seats_at_microsoft(microsoft):
    (tenant,) = microsoft.customers().values()
    return [(s["quantity"], s["status"]) for s in tenant["subscriptions"]]


def test_seats_added_months_after_the_purchase_count_at_once(frozen_clock, harbour_seats, act, microsoft):
    frozen_clock.advance(timedelta(days=100))
    act(harbour_seats, "change", quantity=12)
    assert (harbour_seats.quantity, harbour_seats.has_scheduled_change) == (12, False)
    assert _seats_at_microsoft(microsoft) == [(12, "active")]


def test_seats_removed_within_the_window_go_at_once(frozen_clock, harbour_seats, act, microsoft):
    frozen_clock.advance(timedelta(days=6, hours=23))
    act(harbour_seats, "change", quantity=5)
    assert (harbour_seats.quantity, harbour_seats.has_scheduled_change) == (5, False)
    assert _seats_at_microsoft(microsoft) == [(5, "active")]


def test_seats_removed_after_the_window_go_at_the_end_of_the_term(frozen_clock, db, harbour_seats, act, microsoft):
    term_end = harbour_seats.term_end
    frozen_clock.advance(timedelta(days=7, minutes=1))
    act(harbour_seats, "change", quantity=5)
    assert (harbour_seats.quantity, harbour_seats.scheduled_quantity) == (8, 5)
    scheduled = harbour_seats.events[-1]
    assert scheduled.action == "change_scheduled"
    assert scheduled.reason == f"takes effect at the end of the term, on {day_text(term_end, 'en')}"
    assert worded_in(scheduled.reason, scheduled.wording, "fr") == (
        f"prend effet à la fin de l'engagement, le {day_text(term_end, 'fr')}")
    assert _seats_at_microsoft(microsoft) == [(8, "active")]
    while harbour_seats.quantity == 8:  # month by month it renews, at 8 seats, until the term ends
        assert frozen_clock.now() < term_end + timedelta(days=1)
        frozen_clock.advance(harbour_seats.current_period_end - frozen_clock.now() + timedelta(minutes=1))
        run_period_ends(db)
        db.commit()
        provision_due(db)
    assert frozen_clock.now() > term_end and harbour_seats.scheduled_quantity is None
    assert _seats_at_microsoft(microsoft) == [(5, "active")]


def test_the_window_is_the_distributors_to_set(frozen_clock, monkeypatch, harbour_seats, act, microsoft):
    monkeypatch.setenv("CASCADE_OFFICE365_CHANGE_WINDOW_DAYS", "14")
    frozen_clock.advance(timedelta(days=10))
    act(harbour_seats, "change", quantity=5)
    assert harbour_seats.quantity == 5


def test_cancelling_within_the_window_ends_it_at_microsoft_at_once(frozen_clock, harbour_seats, act, microsoft):
    frozen_clock.advance(timedelta(days=2))
    act(harbour_seats, "cancel", when="now")
    assert harbour_seats.status is S.CANCELLED
    assert _seats_at_microsoft(microsoft) == [(8, "deleted")]


def test_cancelling_after_the_window_waits_for_the_end_of_the_term(frozen_clock, harbour_seats, act, microsoft):
    frozen_clock.advance(timedelta(days=30))
    act(harbour_seats, "cancel", when="now")
    assert (harbour_seats.status, harbour_seats.cancel_at) == (S.PENDING_CANCELLATION, harbour_seats.term_end)
    assert _seats_at_microsoft(microsoft) == [(8, "active")]


def test_a_lower_plan_waits_for_the_end_of_the_term_even_within_the_window(frozen_clock, harbour_seats, act, m365):
    act(harbour_seats, "change", plan_id=m365["exchange-online"].id)
    assert (harbour_seats.plan.code, harbour_seats.scheduled_plan.code) == ("business-basic", "exchange-online")


def test_a_higher_plan_is_at_once(frozen_clock, harbour_seats, act, m365, microsoft):
    frozen_clock.advance(timedelta(days=60))
    act(harbour_seats, "change", plan_id=m365["business-premium"].id)
    assert harbour_seats.plan.code == "business-premium"
    (tenant,) = microsoft.customers().values()
    assert [(s["offerId"], s["quantity"]) for s in tenant["subscriptions"]] == [("CFQ7TTC0LCHC:0001", 8)]


def test_the_seller_suspends_and_resumes_it_at_microsoft(db, harbour_seats, actor_for, microsoft):
    for action, status in (("suspend", "suspended"), ("resume", "active")):
        act_on_subscription(db, actor=actor_for("bright"), subscription_id=harbour_seats.id, action=action, note="")
        db.commit()
        provision_due(db)
        assert _seats_at_microsoft(microsoft) == [(8, status)]
    assert harbour_seats.status is S.ACTIVE


def test_a_monthly_commitment_is_held_to_its_month(frozen_clock, db, buy_seats, act, microsoft):
    subscription = buy_seats("harbour", 4, "business-basic-monthly", tenant_prefix="harbourdental")
    assert subscription.term_end == subscription.current_period_end
    (tenant,) = microsoft.customers().values()
    assert [(s["quantity"], s["termDuration"]) for s in tenant["subscriptions"]] == [(4, "P1M")]
    frozen_clock.advance(timedelta(days=10))
    act(subscription, "change", quantity=2)
    assert (subscription.quantity, subscription.scheduled_quantity) == (4, 2)  # at the month's end


def test_committing_for_the_year_is_at_once_and_giving_it_up_waits(frozen_clock, buy_seats, act, m365, microsoft):
    subscription = buy_seats("harbour", 4, "business-basic-monthly", tenant_prefix="harbourdental")
    act(subscription, "change", plan_id=m365["business-basic"].id)
    assert subscription.plan.code == "business-basic"
    (tenant,) = microsoft.customers().values()
    assert [s["termDuration"] for s in tenant["subscriptions"]] == ["P1Y"]
    act(subscription, "change", plan_id=m365["business-basic-monthly"].id)
    assert subscription.scheduled_plan.code == "business-basic-monthly"
