"""A seller's storefront follows its plan: ``own_storefront`` among its entitlements opens it.

Losing the entitlement closes the storefront without deleting anything, and getting it back
opens the same storefront again, as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.clock import utcnow
from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan, Product
from core.models.storefronts import Storefront, StorefrontStatus
from core.models.subscriptions import LIVE_STATUSES, Subscription
from core.plugins import product_types
from core.services.catalog_cache import CatalogCache, kept_catalog
from core.services.eligibility import purchase_blockers
from core.services.entitlements import OWN_STOREFRONT, entitlements_of
from core.services.notifications import notify_storefront_open
from core.services.pricing import ResolvedPrice, prospect_prices, purchasable_plans, resolve_prices


def storefront_of(session: Session, account: Account) -> Storefront | None:
    return session.scalar(select(Storefront).where(Storefront.account_id == account.id))


def sync_storefront(session: Session, account: Account) -> Storefront | None:
    """Open, update or close the account's storefront to match its entitlements.

    Opening it (the first time, or again) emails the account's owners an invitation to
    customise it.
    """
    entitled = entitlements_of(session, account)
    storefront = storefront_of(session, account)
    if OWN_STOREFRONT not in entitled:
        if storefront is not None and storefront.is_live:
            storefront.status = StorefrontStatus.CLOSED
            storefront.closed_at = utcnow()
        return storefront
    if storefront is None:
        storefront = Storefront(account=account, status=StorefrontStatus.CLOSED, opened_at=utcnow())
        session.add(storefront)
    storefront.entitlements = sorted(entitled - {OWN_STOREFRONT})
    if not storefront.is_live:
        storefront.status = StorefrontStatus.LIVE
        storefront.opened_at, storefront.closed_at = utcnow(), None
        session.flush()
        notify_storefront_open(session, storefront)
    return storefront


def storefront_plans(session: Session, account: Account) -> list[Plan]:
    """The plans on sale to ``account`` that decide whether it has a storefront (the reseller plans), by rank."""
    return [plan for plan in purchasable_plans(session, account) if OWN_STOREFRONT in plan.features]


def storefront_subscription(session: Session, account: Account) -> Subscription | None:
    """The account's running subscription of a plan that decides its storefront, if any."""
    return next(
        (subscription for subscription in session.scalars(
            select(Subscription).where(Subscription.owner_id == account.id, Subscription.status.in_(LIVE_STATUSES))
            .options(joinedload(Subscription.plan)).order_by(Subscription.id)
        ) if OWN_STOREFRONT in subscription.plan.features),
        None,
    )


@dataclass(frozen=True)
class Offer:
    """A plan a storefront offers its viewer, at the viewer's own price."""

    #: Kept for every viewer (``core.services.catalog_cache``): read it, never change it or put it in a session.
    plan: Plan
    price: ResolvedPrice
    #: The buyer runs this plan already, of a product it holds once (its reseller plan): nothing to order.
    held: bool = False
    #: Why the buyer may not buy the plan yet (the product's prerequisites); a visitor is told at checkout.
    blockers: tuple[str, ...] = ()


def storefront_prices(
    session: Session, seller: Account, buyer: Account | None, plans: Iterable[Plan], quantity: int = 1
) -> dict[int, ResolvedPrice]:
    """What ``buyer``, one of ``seller``'s customers, pays for ``plans`` at ``quantity`` units; for a
    visitor (``None``), what ``seller`` charges a new customer. Never any price but the buyer's own."""
    if buyer is None:
        return prospect_prices(session, seller, plans, quantity)
    assert buyer.parent_id == seller.id, "a storefront prices its own seller's customers only"
    return resolve_prices(session, buyer, plans, quantity)


def storefront_catalog(
    session: Session, kept: CatalogCache, seller: Account, buyer: Account | None = None, *, with_blockers: bool = True
) -> dict[Product, list[Offer]]:
    """What ``seller``'s storefront offers ``buyer`` (``None``: a visitor), by product, at the buyer's prices.

    A plan with no price for the buyer is not offered. The plans that decide a seller's own
    storefront (the reseller plans) are for resellers, so only a signed-in reseller sees them, on
    its distributor's storefront. Prices come from ``kept`` catalogs: for showing, never for an order.
    ``with_blockers=False`` leaves each offer's ``blockers`` empty, for a page that does not show them.
    """
    assert buyer is None or buyer.parent_id == seller.id, "a storefront offers its own seller's customers only"
    catalog = kept_catalog(session, kept, seller, buyer)
    for_sellers = buyer is not None and buyer.kind is AccountKind.RESELLER
    plans = [plan for plan in catalog.plans if for_sellers or OWN_STOREFRONT not in plan.features]
    held: set[int] = set()
    blockers: dict[int, list[str]] = {}
    if buyer is not None:
        held = _held_plan_ids(session, buyer, plans)
        blockers = purchase_blockers(session, buyer, plans) if with_blockers else {}
    offers: dict[Product, list[Offer]] = {}
    for plan in plans:
        offer = Offer(plan, catalog.prices[plan.id], plan.id in held, tuple(blockers.get(plan.id, ())))
        offers.setdefault(plan.product, []).append(offer)
    return offers


def _held_plan_ids(session: Session, buyer: Account, plans: Iterable[Plan]) -> set[int]:
    """The plans among ``plans`` the buyer runs, of products an account holds at most once."""
    declared = product_types()
    singletons = {plan.product_id for plan in plans
                  if (found := declared.get(plan.product.key)) is not None and found[1].one_subscription_per_account}
    if not singletons:
        return set()
    return set(session.scalars(select(Subscription.plan_id).where(
        Subscription.owner_id == buyer.id, Subscription.product_id.in_(singletons),
        Subscription.status.in_(LIVE_STATUSES))))
