"""Domains after registration: where each stands (active, expired, in redemption, released),
renewing by themselves when their reseller says so, and their nameservers.

A domain is a Domain name subscription. Not renewed by its period's end, the core suspends it
as expired: the name has expired at the registry. It stays renewable through the registry's
grace period, then in redemption it can still be restored, and after that it is released and
its subscription cancelled by the scheduler (``release_lapsed_domains``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, joinedload

from core.clock import utcnow
from core.code_words import status_said
from core.db import end_before_outside_call
from core.domain_names import DomainNameError, to_ascii
from core.errors import ConflictError, PermissionDeniedError, ValidationError
from core.languages import say
from core.models.accounts import Account, AccountKind
from core.models.catalog import Product
from core.models.provisioning import OPEN_REQUEST_STATUSES, ProvisioningRequest
from core.models.subscriptions import Subscription, SubscriptionStatus, SuspendReason
from core.permissions import Permission
from core.product_lifecycle import LifecycleAction
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.lifecycle import record_change
from core.services.provisioning import request_provisioning
from core.services.subscriptions import get_subscription
from plugins.hosting.domain_registration import KEY, installed
from plugins.hosting.registrar import GRACE_PERIOD, REDEMPTION_PERIOD, DomainRecord

S = SubscriptionStatus


class DomainState(StrEnum):
    #: Ordered: waiting for its seller's payment confirmation or for the registrar.
    REGISTERING = "registering"
    ACTIVE = "active"
    #: Past its expiry date: renewable as usual until ``renewable_until``.
    EXPIRED = "expired"
    #: Past its grace period: it can still be restored until ``redemption_until``.
    REDEMPTION = "redemption"
    #: Let go: anyone may register it now.
    RELEASED = "released"
    #: Cancelled, or its registration failed.
    ENDED = "ended"


@dataclass(frozen=True)
class DomainStanding:
    """Where a domain stands, with the dates its people need."""

    state: DomainState
    expires_on: datetime | None
    renewable_until: datetime | None
    redemption_until: datetime | None


def standing(subscription: Subscription, now: datetime | None = None) -> DomainStanding:
    """Where the domain of ``subscription`` stands at ``now``."""
    now = now or utcnow()
    expires = subscription.current_period_end
    grace_end = expires + GRACE_PERIOD if expires else None
    redemption_end = grace_end + REDEMPTION_PERIOD if grace_end else None
    lapsed = subscription.status is S.SUSPENDED and subscription.suspend_reason is SuspendReason.EXPIRED
    if subscription.status is S.PENDING:
        state = DomainState.REGISTERING
    elif lapsed and grace_end and redemption_end:
        state = (DomainState.EXPIRED if now < grace_end else
                 DomainState.REDEMPTION if now < redemption_end else DomainState.RELEASED)
    elif subscription.status in (S.ACTIVE, S.PENDING_CANCELLATION, S.SUSPENDED):
        state = DomainState.ACTIVE
    elif redemption_end and subscription.ended_at and subscription.ended_at >= redemption_end:
        state = DomainState.RELEASED  # cancelled once its redemption was over
    else:
        state = DomainState.ENDED
    return DomainStanding(state, expires, grace_end, redemption_end)


def release_lapsed_domains(session: Session, limit: int = 500) -> int:
    """Cancel the domains whose redemption period is over: the registry has let them go."""
    cutoff = utcnow() - GRACE_PERIOD - REDEMPTION_PERIOD
    busy = exists().where(ProvisioningRequest.subscription_id == Subscription.id,
                          ProvisioningRequest.status.in_(OPEN_REQUEST_STATUSES))
    lapsed = list(session.scalars(
        select(Subscription).join(Product, Product.id == Subscription.product_id)
        .where(Product.key == KEY, Subscription.status == S.SUSPENDED,
               Subscription.suspend_reason == SuspendReason.EXPIRED, Subscription.current_period_end <= cutoff, ~busy)
        .order_by(Subscription.id).limit(limit).with_for_update(skip_locked=True, of=Subscription)
    ))
    for subscription in lapsed:
        request_provisioning(session, subscription, LifecycleAction.CANCEL,
                             payload={"note": "released: not renewed by the end of its redemption period"})
    session.flush()
    return len(lapsed)


def set_auto_renew(session: Session, *, actor: Actor, subscription_id: int, auto_renew: bool) -> Subscription:
    """Let a domain renew by itself at its expiry, or not: its reseller decides, not its customer."""
    actor.require(Permission.MANAGE_SUBSCRIPTIONS)
    subscription = _domain(session, actor, subscription_id)
    if actor.account.id == subscription.owner_id and actor.account.kind is AccountKind.CUSTOMER:
        raise PermissionDeniedError(say("%(seller)s decides whether your domains renew by themselves.",
                                        seller=subscription.seller.name))
    if subscription.status not in (S.PENDING, S.ACTIVE, S.PENDING_CANCELLATION):
        status = status_said(subscription.status)
        raise ConflictError(say("An %(status)s domain cannot be set to renew: renew it first.", status=status)
                            if subscription.status[0] in "aeiou"
                            else say("A %(status)s domain cannot be set to renew: renew it first.", status=status))
    if subscription.auto_renew != auto_renew:
        record_change(session, subscription, action="auto_renew_set" if auto_renew else "auto_renew_unset",
                      by=actor.user, changes={"auto_renew": [subscription.auto_renew, auto_renew]})
        record_event(session, account=actor.account, by=actor.user, action="domain.auto_renew", target=subscription,
                     changes={"auto_renew": [subscription.auto_renew, auto_renew]})
        subscription.auto_renew = auto_renew
    return subscription


def registrar_record(session: Session, *, actor: Actor, subscription_id: int) -> DomainRecord:
    """The domain as the registrar has it now (asked now: the pages show it live)."""
    subscription = _registered(session, actor, subscription_id)
    end_before_outside_call(session)
    return installed().registrar().info(subscription.params["domain_name"])


def set_nameservers(session: Session, *, actor: Actor, subscription_id: int, nameservers: list[str]) -> DomainRecord:
    """Point a registered domain at other nameservers (two to thirteen host names)."""
    actor.require(Permission.MANAGE_SUBSCRIPTIONS)
    subscription = _registered(session, actor, subscription_id)
    servers = [server for server in (value.strip() for value in nameservers) if server]
    try:
        checked = tuple(dict.fromkeys(to_ascii(server) for server in servers))
    except DomainNameError as error:
        raise ValidationError({"nameservers": [str(error)]}) from None
    if not 2 <= len(checked) <= 13:
        raise ValidationError({"nameservers": [say("Give between 2 and 13 different nameservers, one a line.")]})
    end_before_outside_call(session)
    record = installed().registrar().set_nameservers(subscription.params["domain_name"], checked,
                                                     key=secrets.token_hex(16))
    record_event(session, account=actor.account, by=actor.user, action="domain.nameservers", target=subscription,
                 changes={"nameservers": list(checked)})
    return record


def list_domains(session: Session, actor: Actor) -> list[tuple[Subscription, DomainStanding]]:
    """The domains of the actor's account and those below it, each with where it stands."""
    now = utcnow()
    domains = session.scalars(
        select(Subscription).join(Product, Product.id == Subscription.product_id)
        .join(Account, Account.id == Subscription.owner_id)
        .where(Product.key == KEY, Account.path.startswith(actor.account.path, autoescape=True))
        .options(joinedload(Subscription.owner), joinedload(Subscription.plan), joinedload(Subscription.payer))
        .order_by(Subscription.current_period_end.is_(None), Subscription.current_period_end, Subscription.id)
    ).unique()
    return [(subscription, standing(subscription, now)) for subscription in domains]


def _domain(session: Session, actor: Actor, subscription_id: int) -> Subscription:
    subscription = get_subscription(session, actor.account, subscription_id, for_update=True)
    if subscription.product.key != KEY:
        raise ConflictError(say("Subscription %(id)s is not a domain name.", id=subscription_id))
    return subscription


def _registered(session: Session, actor: Actor, subscription_id: int) -> Subscription:
    subscription = _domain(session, actor, subscription_id)
    if "registrar" not in subscription.provisioning_data or subscription.status in (S.CANCELLED, S.TERMINATED):
        raise ConflictError(say("%(domain)s is not registered now.", domain=subscription.params["domain_name"]))
    return subscription
