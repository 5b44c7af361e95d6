"""What an account's plans allow it: the features switched on in the plans it runs.

A plan's features are data its plugin declares. The core reads a few of them by name:
``own_storefront`` opens the seller's storefront, ``api_access`` lets a reseller use the API,
``theme_choice`` lets it choose its storefront's theme, ``custom_domain`` gives the storefront a
domain of the seller's own, ``own_sender_name`` a sender name of its own on customer emails,
``fast_track_support`` puts its escalated support tickets first in its seller's queue.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.languages import say
from core.models.accounts import Account, AccountKind
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.services.pricing import purchasable_plans

#: The feature that gives a seller a storefront of its own.
OWN_STOREFRONT = "own_storefront"
#: The feature that lets a reseller build the platform into its own website through the API.
API_ACCESS = "api_access"
#: The feature that lets a seller dress its storefront in a theme other than the default.
THEME_CHOICE = "theme_choice"

#: The feature that lets a seller's storefront answer on a domain of its own.
CUSTOM_DOMAIN = "custom_domain"
#: The feature that lets a seller send its customers' emails under a name of its choice.
OWN_SENDER_NAME = "own_sender_name"
#: The feature that puts a seller's escalations first on its own seller's support desk (the seed's "fast-tracked support").
FAST_TRACK_SUPPORT = "fast_track_support"
#: What a distributor holds without a plan: the platform is its own, storefront and all.
DISTRIBUTOR_ENTITLEMENTS = frozenset({OWN_STOREFRONT, API_ACCESS, THEME_CHOICE, CUSTOM_DOMAIN, OWN_SENDER_NAME})

#: Subscriptions whose plan's features the account holds.
ENTITLING = (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIAL, SubscriptionStatus.PENDING_CANCELLATION)


def entitlements_of(session: Session, account: Account) -> frozenset[str]:
    """The features switched on in the plans the account's running subscriptions are on (a distributor's own, besides)."""
    own = DISTRIBUTOR_ENTITLEMENTS if account.kind is AccountKind.DISTRIBUTOR else frozenset()
    subscriptions = session.scalars(
        select(Subscription).where(Subscription.owner_id == account.id, Subscription.status.in_(ENTITLING))
        .options(joinedload(Subscription.plan))
    )
    return own | {name for subscription in subscriptions for name, on in subscription.plan.features.items() if on is True}


def api_refusal(session: Session, account: Account) -> str | None:
    """Why ``account`` may not use the API, or ``None`` when it may.

    A reseller needs a plan with API access, where its tree sells such a plan (the reseller
    plans' Standard); distributors and customers always may.
    """
    if account.kind is not AccountKind.RESELLER or API_ACCESS in entitlements_of(session, account):
        return None
    offering = sorted({plan.name for plan in purchasable_plans(session, account) if plan.features.get(API_ACCESS) is True})
    if not offering:
        return None
    return say("The plan %(account)s is on does not include API access: %(plans)s does.", account=account.name,
               plans=" or ".join(offering))
