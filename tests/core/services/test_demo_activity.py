"""The demo's orders and subscriptions give each seller something to do on its first day."""

from sqlalchemy import select

from core.models.orders import Order, OrderStatus
from core.models.storefronts import Storefront, StorefrontStatus
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.plugins import product_types
from core.services.attention import needs_attention
from core.services.demo_activity import load_demo_activity
from core.services.tickets import Side, awaiting_answer

#: The plugins shipped with Cascade; an installed one (the example plugin) adds demo orders of its own.
SHIPPED = {"reseller_plans", "office365", "hosting"}


def test_the_demo_shows_a_resellers_day(db, demo, actor_for):
    load_demo_activity(db)
    db.commit()
    subscriptions = {(s.owner.slug, s.product.key): s for s in db.scalars(select(Subscription))
                     if product_types()[s.product.key][0] in SHIPPED}
    assert {key: s.status for key, s in subscriptions.items()} == {
        ("bright", "reseller-plan"): SubscriptionStatus.ACTIVE,
        ("corner", "reseller-plan"): SubscriptionStatus.ACTIVE,
        ("harbour", "domain-name"): SubscriptionStatus.ACTIVE,
        ("harbour", "microsoft-365"): SubscriptionStatus.ACTIVE,
        ("atlas", "microsoft-365"): SubscriptionStatus.ACTIVE,
    }
    (waiting,) = db.scalars(select(Order).where(Order.status == OrderStatus.AWAITING_PAYMENT)).all()
    assert (waiting.owner.slug, waiting.seller.slug, str(waiting.amount_due)) == ("maple", "bright", "23.99 EUR")
    assert (subscriptions[("bright", "reseller-plan")].plan.code, subscriptions[("corner", "reseller-plan")].plan.code) == (
        "standard", "basic")
    storefronts = {storefront.account.slug: storefront for storefront in db.scalars(select(Storefront))}
    assert set(storefronts) == {"northwind", "bright"}  # the distributor's own, and Bright IT's on Standard
    assert (storefronts["bright"].status, storefronts["bright"].primary_colour) == (StorefrontStatus.LIVE, "#0f7b6c")
    today = needs_attention(db, actor_for("bright"))
    assert today.awaiting_payment == [waiting]
    assert today.renewals_due == [subscriptions[("harbour", "domain-name")]]


def test_the_demo_has_support_requests_waiting_on_both_desks(db, demo, actor_for):
    load_demo_activity(db)
    db.commit()
    bright = [(view.ticket.requester.slug, view.ticket.subject) for view in awaiting_answer(db, actor_for("bright"))]
    assert bright == [("maple", "Our invoices should go to accounts@")]
    northwind = [(view.ticket.requester.slug, view.side) for view in awaiting_answer(db, actor_for("northwind"))]
    assert northwind == [("harbour", Side.UPSTREAM), ("solo", Side.SELLER)]  # Bright IT's escalation is fast-tracked
