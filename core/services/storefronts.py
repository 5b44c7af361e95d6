"""A seller's storefront follows its plan: ``own_storefront`` among its entitlements opens it.

Losing the entitlement closes the storefront without deleting anything, and getting it back
opens the same storefront again, as it was.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.clock import utcnow
from core.models.accounts import Account
from core.models.catalog import Plan, Product
from core.models.storefronts import Storefront, StorefrontStatus
from core.models.subscriptions import LIVE_STATUSES, Subscription
from core.services.entitlements import OWN_STOREFRONT, entitlements_of
from core.services.notifications import notify_storefront_open
from core.services.pricing import purchasable_plans


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


def storefront_catalog(session: Session, seller: Account) -> dict[Product, list[Plan]]:
    """What ``seller``'s storefront offers its customers: the plans on sale in its tree, by
    product, leaving out the plans that decide a seller's own storefront (those are for sellers)."""
    catalog: dict[Product, list[Plan]] = {}
    for plan in purchasable_plans(session, seller):
        if OWN_STOREFRONT not in plan.features:
            catalog.setdefault(plan.product, []).append(plan)
    return catalog
