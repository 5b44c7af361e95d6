"""The ledger: every money event charges the payer its seller's price, and each seller above its own
cost, once (``core.services.charges``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.models.charges import Charge, ChargeKind
from core.models.prices import PriceListKind
from core.products import Timing
from core.services.charges import charge_period
from core.services.demo import demo_price_list
from core.services.price_lists import set_price
from core.services.renewals import run_period_ends
from core.services.subscriptions import act_on_subscription
from plugin_kit.testing import provision_due
from tests.fakes import FakeProduct


def _charges(db, subscription):
    """Each charge of the subscription as ``(kind, issuer, recipient, amount)``, oldest first."""
    return [(charge.kind, charge.issuer.slug, charge.recipient.slug, str(charge.money))
            for charge in db.scalars(select(Charge).where(Charge.subscription_id == subscription.id).order_by(Charge.id))]


def test_a_resellers_customer_buying_is_charged_by_the_reseller_who_is_charged_by_the_distributor(
        frozen_clock, db, subscribe):
    subscription = subscribe("harbour", quantity=3)
    assert _charges(db, subscription) == [
        (ChargeKind.RECURRING, "bright", "harbour", "43.14 EUR"),  # 3 x 14.38, Bright IT's price
        (ChargeKind.RECURRING, "northwind", "bright", "34.50 EUR"),  # 3 x 11.50, its wholesale cost
    ]
    retail = db.scalars(select(Charge).where(Charge.recipient_id == subscription.owner_id)).one()
    assert (retail.period_start, retail.period_end) == (subscription.current_period_start, subscription.current_period_end)
    assert (retail.quantity, retail.unit_amount, retail.description) == (3, Decimal("14.38"), "3 x Fake product Small")


def test_a_direct_customer_and_a_reseller_paying_for_itself_are_charged_by_the_distributor_alone(frozen_clock, db,
                                                                                                 subscribe):
    assert _charges(db, subscribe("solo")) == [(ChargeKind.RECURRING, "northwind", "solo", "14.00 EUR")]
    assert _charges(db, subscribe("bright")) == [(ChargeKind.RECURRING, "northwind", "bright", "11.50 EUR")]


def test_a_setup_fee_is_charged_once_at_each_level_at_that_levels_fee(frozen_clock, db, demo, fake_catalog, subscribe):
    small = fake_catalog["small"]
    for seller, unit_price, setup_fee in (("northwind", "11.50", "5"), ("bright", "15", "9")):
        kind = PriceListKind.WHOLESALE if seller == "northwind" else PriceListKind.RETAIL
        set_price(db, price_list=demo_price_list(db, demo[seller], kind), plan=small, by=None, unit_price=unit_price,
                  setup_fee=setup_fee)
    subscription = subscribe("harbour")
    assert _charges(db, subscription) == [
        (ChargeKind.RECURRING, "bright", "harbour", "15.00 EUR"),
        (ChargeKind.RECURRING, "northwind", "bright", "11.50 EUR"),
        (ChargeKind.SETUP, "bright", "harbour", "9.00 EUR"),
        (ChargeKind.SETUP, "northwind", "bright", "5.00 EUR"),
    ]

def test_each_renewal_charges_its_period_once(frozen_clock, db, subscribe):
    subscription = subscribe("harbour")
    frozen_clock.advance(subscription.current_period_end - frozen_clock.now() + timedelta(minutes=1))
    run_period_ends(db)
    db.commit()
    provision_due(db)
    periods = db.execute(select(Charge.period_start, Charge.period_end).where(
        Charge.recipient_id == subscription.owner_id).order_by(Charge.id)).all()
    assert [(start.month, end.month) for start, end in periods] == [(3, 4), (4, 5)]
    charge_period(db, subscription, subscription.current_period_start, subscription.current_period_end)  # again
    assert db.scalar(select(func.count()).select_from(Charge).where(Charge.subscription_id == subscription.id)) == 4


def test_a_change_mid_period_is_charged_by_the_day_left_at_each_level(frozen_clock, db, actor_for, fake_catalog,
                                                                       subscribe):
    subscription = subscribe("harbour")  # 2 Mar to 2 Apr: 31 days
    frozen_clock.advance(timedelta(days=15))  # 17 Mar: 16 days left
    act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="change",
                        plan_id=fake_catalog["small"].id, quantity=3)
    db.commit()
    provision_due(db)
    assert subscription.quantity == 3
    prorations = [charge for charge in _charges(db, subscription) if charge[0] is ChargeKind.PRORATION]
    assert prorations == [
        (ChargeKind.PRORATION, "bright", "harbour", "14.84 EUR"),  # 2 x 14.38 x 16/31 = 14.8439
        (ChargeKind.PRORATION, "northwind", "bright", "11.87 EUR"),  # 2 x 11.50 x 16/31 = 11.8710
    ]


def test_a_downgrade_made_now_is_a_credit(frozen_clock, db, monkeypatch, actor_for, fake_catalog, subscribe):
    monkeypatch.setattr(FakeProduct, "change_timing", lambda _product, _change: Timing.NOW)
    subscription = subscribe("solo", quantity=4)
    frozen_clock.advance(timedelta(days=27))  # 29 Mar: 4 of 31 days left
    act_on_subscription(db, actor=actor_for("solo"), subscription_id=subscription.id, action="change",
                        plan_id=fake_catalog["small"].id, quantity=1)
    db.commit()
    provision_due(db)
    assert [charge for charge in _charges(db, subscription) if charge[0] is ChargeKind.PRORATION] == [
        (ChargeKind.PRORATION, "northwind", "solo", "-5.42 EUR")]  # -3 x 14.00 x 4/31 = -5.4194


def test_a_product_that_refunds_unused_time_credits_the_days_left_when_cancelled_now(frozen_clock, db, monkeypatch,
                                                                                   actor_for, subscribe):
    monkeypatch.setattr(FakeProduct, "refunds_unused_time", True)
    subscription = subscribe("harbour", quantity=2)  # 2 Mar to 2 Apr: 31 days
    frozen_clock.advance(timedelta(days=21))  # 23 Mar: 10 days left
    act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="cancel", when="now")
    db.commit()
    provision_due(db)
    assert [charge for charge in _charges(db, subscription) if charge[0] is ChargeKind.PRORATION] == [
        (ChargeKind.PRORATION, "bright", "harbour", "-9.28 EUR"),  # -2 x 14.38 x 10/31 = -9.2774
        (ChargeKind.PRORATION, "northwind", "bright", "-7.42 EUR"),  # -2 x 11.50 x 10/31 = -7.4194
    ]
    assert db.scalar(select(Charge.description).where(Charge.kind == ChargeKind.PRORATION)) == (
        "Refund of 2 x Fake product Small, 10 of 31 days unused")


def test_cancelling_a_product_that_does_not_refund_leaves_the_period_spent(frozen_clock, db, actor_for, subscribe):
    subscription = subscribe("harbour")
    frozen_clock.advance(timedelta(days=21))
    act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="cancel", when="now")
    db.commit()
    provision_due(db)
    assert [charge[0] for charge in _charges(db, subscription)] == [ChargeKind.RECURRING, ChargeKind.RECURRING]


@pytest.mark.parametrize(("bought", "changed", "charged"), [
    (datetime(2027, 1, 31, 9, 0, tzinfo=UTC), datetime(2027, 2, 14, 9, 0, tzinfo=UTC), "14.00 EUR"),  # 14 of 28 days
    (datetime(2028, 1, 31, 9, 0, tzinfo=UTC), datetime(2028, 2, 15, 9, 0, tzinfo=UTC), "13.52 EUR"),  # 14 of 29 days
])
def test_a_period_ending_in_february_is_prorated_by_its_own_days(frozen_clock, db, actor_for, fake_catalog, subscribe,
                                                                  bought, changed, charged):
    frozen_clock.advance(bought - frozen_clock.now())
    subscription = subscribe("solo")  # 31 Jan to the last day of February
    assert subscription.current_period_end.day in (28, 29)
    frozen_clock.advance(changed - bought)
    act_on_subscription(db, actor=actor_for("solo"), subscription_id=subscription.id, action="change",
                        plan_id=fake_catalog["small"].id, quantity=3)
    db.commit()
    provision_due(db)
    assert [charge for charge in _charges(db, subscription) if charge[0] is ChargeKind.PRORATION] == [
        (ChargeKind.PRORATION, "northwind", "solo", charged)]  # 2 x 14.00 x days left / days
