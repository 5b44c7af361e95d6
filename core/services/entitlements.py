"""What an account's plans allow it: the features switched on in the plans it runs.

A plan's features are data its plugin declares. The core reads a few of them by name:
``own_storefront`` opens the seller's storefront, ``api_access`` lets a reseller use the API.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.models.accounts import Account
from core.models.subscriptions import Subscription, SubscriptionStatus

#: The feature that gives a seller a storefront of its own.
OWN_STOREFRONT = "own_storefront"
#: The feature that lets a reseller build the platform into its own website through the API.
API_ACCESS = "api_access"

#: Subscriptions whose plan's features the account holds.
ENTITLING = (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIAL, SubscriptionStatus.PENDING_CANCELLATION)


def entitlements_of(session: Session, account: Account) -> frozenset[str]:
    """The features switched on in the plans the account's running subscriptions are on."""
    subscriptions = session.scalars(
        select(Subscription).where(Subscription.owner_id == account.id, Subscription.status.in_(ENTITLING))
        .options(joinedload(Subscription.plan))
    )
    return frozenset(name for subscription in subscriptions for name, on in subscription.plan.features.items() if on is True)
