"""An email security account as its customer and its sellers see it, and what changes its price.

Every function takes the acting account (or the actor) and reaches only subscriptions the core
lets it see (``core.services.subscriptions.get_subscription``: the account's own and those below
it); any other id is not found. What the service holds (its domains, its DNS records, its
services) is read with no transaction open. Switching an add-on on or off is a change of plan,
and buying extra domains a change of quantity (or a first order of them): both go through the
core's subscriptions and orders, which charge them, prorated, at every level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from core.db import end_before_outside_call
from core.errors import ConflictError, NotFoundError, ValidationError
from core.languages import answering, quoted
from core.models.accounts import Account
from core.models.catalog import Plan, Product
from core.models.orders import Order
from core.models.subscriptions import LIVE_STATUSES, Subscription, SubscriptionStatus
from core.money import Money
from core.products import text_in
from core.services.actors import Actor
from core.services.orders import MAX_QUANTITY, LineRequest, Payer, place_order
from core.services.pricing import resolve_prices
from core.services.subscriptions import act_on_subscription, get_subscription, list_subscriptions, shows_price_to
from plugin_kit.vendor_http import VendorError
from plugins.email_security.addons import (
    ACCOUNT_PRODUCT,
    ADDONS,
    BY_KEY,
    DOMAINS_PRODUCT,
    Service,
    addons_of,
    plan_code,
)
from plugins.email_security.connector import EmailSecurityClient, MxRecord, VendorAccount
from plugins.email_security.dns_records import spf_record
from plugins.email_security.domain_names import to_unicode
from plugins.email_security.models import DnsStatus, ProtectedDomain
from plugins.email_security.reservations import live_subscription
from plugins.email_security.texts import said

#: Why the service's side of an account is missing from its page (the storefront translates them).
NOT_SET_UP = "The account is not set up at the email security service yet."
NOT_ANSWERING = "The email security service is not answering just now: try again in a minute."
#: Statuses in which an account's settings can be changed at the service.
RUNNING = frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIAL, SubscriptionStatus.PENDING_CANCELLATION})


@dataclass(frozen=True)
class DomainView:
    """One domain of an account: where it stands at the service and in the DNS."""

    name: str
    primary: bool
    #: The service has it; otherwise it waits for a free extra domain.
    at_service: bool
    dns_status: DnsStatus
    reason: str
    other_hosts: tuple[str, ...]
    checked_at: datetime | None

    @property
    def shown(self) -> str:
        return to_unicode(self.name)


@dataclass(frozen=True)
class ServiceView:
    """An add-on, whether the account has it, and what switching it costs the viewer per user a month."""

    service: Service
    on: bool
    #: What switching it changes in the price of a user, for those who see prices (``None`` otherwise).
    price_change: Money | None

    @property
    def key(self) -> str:
        return self.service.key


@dataclass(frozen=True)
class AccountView:
    subscription: Subscription
    domains: list[DomainView]
    services: list[ServiceView]
    #: The account's extra domains subscription, if it has one.
    extra_domains: Subscription | None
    #: What the service holds (``None``: not set up yet, or the service did not answer: ``unavailable`` says).
    vendor: VendorAccount | None = None
    unavailable: str = ""
    mx_records: tuple[MxRecord, ...] = field(default=())
    spf_record: str = ""

    @property
    def domain(self) -> str:
        return self.subscription.params["domain"]

    @property
    def running(self) -> bool:
        return self.subscription.status in RUNNING

    @property
    def free_extra_domains(self) -> int:
        return self.vendor.free_domain_slots if self.vendor else 0

    @property
    def waiting(self) -> list[DomainView]:
        return [domain for domain in self.domains if not domain.at_service]


def account_subscription(session: Session, viewer: Account, subscription_id: int) -> Subscription:
    """The email security account ``subscription_id`` if ``viewer`` may see it; any other is not found."""
    subscription = get_subscription(session, viewer, subscription_id)
    if subscription.product.key != ACCOUNT_PRODUCT:
        raise NotFoundError(said("No email security account %(id)s.", id=subscription_id))
    return subscription


def domains_of(session: Session, subscription: Subscription) -> list[ProtectedDomain]:
    """The domains the platform holds for the account, the primary one first."""
    return list(session.scalars(
        select(ProtectedDomain).where(ProtectedDomain.owner_id == subscription.owner_id,
                                      ProtectedDomain.account_domain == subscription.params["domain"])
        .order_by(ProtectedDomain.is_primary.desc(), ProtectedDomain.name)
    ))


def extra_domains_subscription(session: Session, subscription: Subscription) -> Subscription | None:
    """The account's live extra domains subscription, if it has one."""
    return live_subscription(session, subscription.owner_id, DOMAINS_PRODUCT, subscription.params["domain"])


def account_view(session: Session, viewer: Account, subscription_id: int) -> AccountView:
    """The account as ``viewer`` sees it, with what the service holds (asked with no transaction open)."""
    subscription = account_subscription(session, viewer, subscription_id)
    rows = domains_of(session, subscription)
    services = _services(session, subscription, viewer)
    extra = extra_domains_subscription(session, subscription)
    account_id = subscription.provisioning_data.get("account_id")
    end_before_outside_call(session)
    vendor, unavailable = None, ""
    if account_id is None:
        unavailable = NOT_SET_UP
    else:
        try:
            vendor = EmailSecurityClient().account(str(account_id))
        except VendorError:
            unavailable = NOT_ANSWERING
    at_service = set(vendor.domains) if vendor else set()
    domains = [DomainView(row.name, row.is_primary, row.name in at_service, row.dns_status, row.dns_reason,
                          tuple(host for host in row.dns_hosts.split(",") if host), row.checked_at) for row in rows]
    return AccountView(subscription, domains, services, extra, vendor, unavailable,
                       vendor.mx_records if vendor else (), spf_record(vendor.spf_include) if vendor else "")


def _services(session: Session, subscription: Subscription, viewer: Account) -> list[ServiceView]:
    """Each add-on, on or off, and what switching it changes in the viewer's price of a user."""
    current = addons_of(subscription.plan.code)
    targets = {addon.key: plan_code(current ^ {addon.key}) for addon in ADDONS}
    prices = {}
    if shows_price_to(subscription, viewer):
        plans = _plans(session, [subscription.plan.code, *targets.values()])
        resolved = resolve_prices(session, subscription.payer, plans.values(), subscription.quantity)
        now = resolved.get(subscription.plan_id)
        for key, code in targets.items():
            then = resolved.get(plans[code].id) if code in plans else None
            if now is not None and then is not None:
                prices[key] = then.unit_price - now.unit_price
    return [ServiceView(addon, addon.key in current, prices.get(addon.key)) for addon in ADDONS]


def _plans(session: Session, codes: list[str]) -> dict[str, Plan]:
    return {plan.code: plan for plan in session.scalars(
        select(Plan).join(Product, Product.id == Plan.product_id)
        .where(Product.key == ACCOUNT_PRODUCT, Plan.code.in_(codes), Plan.retired_at.is_(None)))}


def switch_service(session: Session, *, actor: Actor, subscription_id: int, service: str, on: bool) -> Subscription:
    """Switch an add-on on or off: the account moves to the plan with (or without) it, at once,
    charged or credited for the rest of the period."""
    subscription = account_subscription(session, actor.account, subscription_id)
    if service not in BY_KEY or BY_KEY[service] not in ADDONS:
        raise NotFoundError(said("There is no add-on %(service)s: choose among %(known)s.", service=quoted(service[:40]),
                                known=", ".join(addon.key for addon in ADDONS)))
    current = addons_of(subscription.plan.code)
    if (service in current) == on:
        named = text_in(BY_KEY[service].name, answering()).lower()
        raise ValidationError({"service": [said("The account has %(service)s on already.", service=named) if on
                                           else said("The account has %(service)s off already.", service=named)]})
    wanted = current | {service} if on else current - {service}
    plan = _plans(session, [plan_code(wanted)]).get(plan_code(wanted))
    if plan is None:
        raise ConflictError(said("That set of services is no longer on sale."))
    return act_on_subscription(session, actor=actor, subscription_id=subscription.id, action="change", plan_id=plan.id)


def switch_services(session: Session, *, actor: Actor, subscription_id: int, services: list[str]) -> Subscription:
    """Give the account exactly ``services`` (add-on keys; filtering is always there)."""
    subscription = account_subscription(session, actor.account, subscription_id)
    wanted = frozenset(services) - {"filtering"}
    plan = _plans(session, [plan_code(wanted)]).get(plan_code(wanted))
    if plan is None:
        raise ConflictError(said("That set of services is no longer on sale."))
    return act_on_subscription(session, actor=actor, subscription_id=subscription.id, action="change", plan_id=plan.id)


def buy_extra_domains(session: Session, *, actor: Actor, subscription_id: int, count: int,
                      payment_method: str = "") -> Subscription | Order:
    """Let the account have ``count`` more extra domains: a change of its extra domains subscription
    (charged for the rest of its period), or the order of a first one (which asks how to pay)."""
    subscription = account_subscription(session, actor.account, subscription_id)
    extra = extra_domains_subscription(session, subscription)
    most = MAX_QUANTITY - (extra.quantity if extra else 0)
    if not 1 <= count <= most:
        raise ValidationError({"count": [said("Choose how many extra domains to add, from 1 to %(most)s.", most=most)]})
    if extra is not None:
        return act_on_subscription(session, actor=actor, subscription_id=extra.id, action="change",
                                   quantity=extra.quantity + count)
    plan = session.scalar(select(Plan).join(Product, Product.id == Plan.product_id)
                          .where(Product.key == DOMAINS_PRODUCT, Plan.retired_at.is_(None)).order_by(Plan.rank))
    if plan is None:
        raise ConflictError(said("Extra domains are not on sale."))
    for_owner = subscription.owner_id != actor.account.id
    payer = Payer.BUYER if for_owner and subscription.payer_id == actor.account.id else Payer.OWNER
    return place_order(session, actor=actor, owner_id=subscription.owner_id if for_owner else None, payer=payer,
                       payment_method=payment_method,
                       lines=[LineRequest(plan.id, count, {"domain": subscription.params["domain"]})])


def give_back_extra_domain(session: Session, *, actor: Actor, subscription_id: int) -> Subscription:
    """One extra domain fewer (one the account does not use): credited for the rest of the period."""
    subscription = account_subscription(session, actor.account, subscription_id)
    extra = extra_domains_subscription(session, subscription)
    if extra is None:
        raise ConflictError(said("The account has no extra domains."))
    in_use = sum(not row.is_primary for row in domains_of(session, subscription))
    if extra.quantity <= in_use:
        raise ConflictError(said("The account uses its %(count)s extra domains: remove a domain first.",
                                count=extra.quantity))
    if extra.quantity == 1:
        return act_on_subscription(session, actor=actor, subscription_id=extra.id, action="cancel", when="now",
                                   note="no extra domain left")
    return act_on_subscription(session, actor=actor, subscription_id=extra.id, action="change",
                               quantity=extra.quantity - 1)


def list_accounts(session: Session, viewer: Account) -> list[Subscription]:
    """The email security accounts ``viewer`` can see, newest first."""
    product_id = session.scalar(select(Product.id).where(Product.key == ACCOUNT_PRODUCT))
    if product_id is None:
        return []
    return sorted(list_subscriptions(session, viewer, product_id=product_id, limit=1000),
                  key=lambda subscription: subscription.id, reverse=True)


@dataclass(frozen=True)
class Totals:
    """What the accounts below one account a seller sells to add up to."""

    account: Account
    accounts: int
    users: int
    extra_domains: int


def totals_by_account_sold_to(session: Session, viewer: Account) -> list[Totals]:
    """For each account ``viewer`` sells to (its resellers, its direct customers), the live email
    security accounts below it: how many, their users and their extra domains."""
    child, owner = aliased(Account), aliased(Account)

    def summed(product_key: str) -> Select[tuple[int, int, int]]:
        return (select(child.id, func.count(Subscription.id), func.coalesce(func.sum(Subscription.quantity), 0))
                .join(owner, owner.path.startswith(child.path))
                .join(Subscription, and_(Subscription.owner_id == owner.id, Subscription.status.in_(LIVE_STATUSES)))
                .join(Product, and_(Product.id == Subscription.product_id, Product.key == product_key))
                .where(child.parent_id == viewer.id).group_by(child.id))

    accounts = {row[0]: (row[1], row[2]) for row in session.execute(summed(ACCOUNT_PRODUCT))}
    domains = {row[0]: row[2] for row in session.execute(summed(DOMAINS_PRODUCT))}
    children = session.scalars(select(Account).where(Account.id.in_(accounts)).order_by(Account.kind.desc(), Account.name))
    return [Totals(account, accounts[account.id][0], accounts[account.id][1], domains.get(account.id, 0))
            for account in children]

