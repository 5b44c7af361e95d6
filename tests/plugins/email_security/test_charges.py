"""Add-ons and extra domains are charged through the core's ledger, prorated, at every level of the
tree: an add-on switched on mid-period is the plan with it from that day, its difference charged to
the customer by its reseller and to the reseller by the distributor for the days left."""

from datetime import timedelta

from sqlalchemy import select

from core.models.charges import Charge, ChargeKind
from core.services.subscriptions import act_on_subscription
from plugin_kit.testing import BRIGHT, provision_due


def _charges(db, *subscriptions):
    """Each charge of the subscriptions as ``(kind, issuer, recipient, amount)``, oldest first."""
    return [(charge.kind, charge.issuer.slug, charge.recipient.slug, str(charge.money)) for charge in db.scalars(
        select(Charge).where(Charge.subscription_id.in_([s.id for s in subscriptions])).order_by(Charge.id))]


def test_an_add_on_switched_on_mid_period_is_charged_for_the_days_left_at_every_level(
        frozen_clock, db, shops, account, client, shop_sign_in, shop_post, service):
    subscription = account("maple", "maple-bakery.example", 6, "filtering")  # 2 March: the period ends on 2 April
    assert _charges(db, subscription) == [
        (ChargeKind.RECURRING, "bright", "maple", "9.00 EUR"),  # 6 x 1.50, Bright IT's own price of filtering
        (ChargeKind.RECURRING, "northwind", "bright", "6.90 EUR"),  # 6 x 1.15, its wholesale cost
    ]
    frozen_clock.advance(timedelta(days=10))  # 12 March: 21 of the period's 31 days are left
    shop_sign_in("owner@maple.example")
    page = client.get(f"/email-security/{subscription.id}", base_url=BRIGHT).get_data(as_text=True)
    assert "+€1.38 per user a month" in page  # Bright IT marks the plan with archiving up 25 % over 2.30

    switched = shop_post(f"/email-security/{subscription.id}/services/archiving", {"on": "yes"})
    assert switched.status_code == 303
    provision_due(db)

    assert service.accounts()["maple-bakery.example"]["services"] == ["filtering", "archiving"]
    assert (subscription.plan.code, str(subscription.unit_price)) == ("filtering-archiving", "2.88 EUR")
    assert _charges(db, subscription)[2:] == [
        (ChargeKind.PRORATION, "bright", "maple", "5.61 EUR"),  # 6 x (2.88 - 1.50) x 21/31 = 5.6090
        (ChargeKind.PRORATION, "northwind", "bright", "4.67 EUR"),  # 6 x (2.30 - 1.15) x 21/31 = 4.6742
    ]

    frozen_clock.advance(timedelta(days=7))  # 19 March: 14 days left, and archiving goes off again
    shop_sign_in("owner@maple.example")  # a week later: a new visit
    off = shop_post(f"/email-security/{subscription.id}/services/archiving", {"on": "no"})
    assert off.status_code == 303
    provision_due(db)
    assert service.accounts()["maple-bakery.example"]["services"] == ["filtering"]
    assert _charges(db, subscription)[4:] == [
        (ChargeKind.PRORATION, "bright", "maple", "-3.74 EUR"),  # -6 x 1.38 x 14/31 = -3.7394
        (ChargeKind.PRORATION, "northwind", "bright", "-3.12 EUR"),  # -6 x 1.15 x 14/31 = -3.1161
    ]


def test_extra_domains_are_charged_per_domain_and_more_of_them_for_the_days_left(
        frozen_clock, db, demo, order_account, actor_for, service):
    order = order_account("maple", "maple-bakery.example", 6, extra_domains=["maple-cakes.example"])
    extra = order.lines[1].subscription
    assert _charges(db, extra) == [
        (ChargeKind.RECURRING, "bright", "maple", "2.88 EUR"),  # 1 x 2.30 marked up 25 %
        (ChargeKind.RECURRING, "northwind", "bright", "2.30 EUR"),  # 1 x 2.00 marked up 15 %
    ]
    frozen_clock.advance(timedelta(days=10))
    act_on_subscription(db, actor=actor_for("maple"), subscription_id=extra.id, action="change", quantity=2)
    db.commit()
    provision_due(db)
    assert service.accounts()["maple-bakery.example"]["extra_domain_limit"] == 2
    assert _charges(db, extra)[2:] == [
        (ChargeKind.PRORATION, "bright", "maple", "1.95 EUR"),  # 2.88 x 21/31 = 1.9510
        (ChargeKind.PRORATION, "northwind", "bright", "1.56 EUR"),  # 2.30 x 21/31 = 1.5581
    ]


def test_cancelling_now_credits_the_days_left_at_every_level(frozen_clock, db, demo, account, actor_for):
    subscription = account("maple", "maple-bakery.example", 6, "filtering")
    frozen_clock.advance(timedelta(days=21))  # 23 March: 10 days left
    act_on_subscription(db, actor=actor_for("maple"), subscription_id=subscription.id, action="cancel", when="now")
    db.commit()
    provision_due(db)
    assert _charges(db, subscription)[2:] == [
        (ChargeKind.PRORATION, "bright", "maple", "-2.90 EUR"),  # -9.00 x 10/31 = -2.9032
        (ChargeKind.PRORATION, "northwind", "bright", "-2.23 EUR"),  # -6.90 x 10/31 = -2.2258
    ]
