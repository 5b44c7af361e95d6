"""Ordering: the domains an order names are checked with the service and on the platform, and held.

An account's order line names its primary domain (``params.domain``) and perhaps extra domains
(``params.extra_domains``). Before the order's transaction opens, ``ask_vendor`` asks the service
whether another account holds any of them; ``accept_account`` then decides in the transaction:
each domain must be free on the platform too (held by no account that still stands: a live
subscription, or an order waiting for its payment), and is held for the account being ordered.
An order of extra domains (``accept_extra_domains``) names the account they extend by its primary
domain: one the customer has, or one ordered earlier in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, scoped_session

from core.errors import ValidationError
from core.languages import answering
from core.models.catalog import Plan, Product
from core.models.orders import Order, OrderLine, OrderStatus
from core.models.subscriptions import LIVE_STATUSES, Subscription
from core.product_lifecycle import RetryableError
from core.products import OrderLineContext, text_in
from plugin_kit.vendor_http import VendorError
from plugins.email_security.addons import ACCOUNT_PRODUCT, DOMAINS_PRODUCT, FILTERING, AddonSet, addons_of
from plugins.email_security.connector import EmailSecurityClient
from plugins.email_security.domain_names import to_unicode
from plugins.email_security.models import ProtectedDomain
from plugins.email_security.texts import said

_THIS_ORDER = "email_security.this_order"


def ask_vendor(names: Iterable[str]) -> dict[str, Any]:
    """Ask the service which of ``names`` another account holds; it touches no database.

    Answers ``{"asked": [...], "taken": [...]}``, or with ``"unknown": why`` when the service could not say.
    """
    asked = list(names)
    try:
        client = EmailSecurityClient()
        return {"asked": asked, "taken": [name for name in asked if client.domain_holder(name) is not None]}
    except RetryableError as error:
        return {"asked": asked, "unknown": str(error)}
    except VendorError as error:
        return {"asked": asked, "unknown": error.message}


def accept_account(line: OrderLineContext) -> dict[str, Any]:
    """Check an account's order line against the service's answers and the platform; hold its domains."""
    params, session, owner = line.params, line.session, line.owner
    domain: str = params["domain"]
    extras: list[str] = list(params.get("extra_domains") or ())
    fields = {domain: "params.domain", **{name: "params.extra_domains" for name in extras}}
    errors: dict[str, list[str]] = {}
    _check_services(line.plan.code, text_in(line.plan.name, answering()), params.get("services"), errors)
    answers = line.vendor_answers
    if answers.get("asked") != list(fields):
        errors.setdefault("params.domain", []).append(said("The email security service was not asked about these "
                                                          "domains: try again."))
    elif "unknown" in answers:
        errors.setdefault("params.domain", []).append(said(
            "The email security service could not be asked whether these domains are free (%(error)s). "
            "Try again in a minute.", error=answers["unknown"]))
    else:
        for name in answers.get("taken", ()):
            errors.setdefault(fields[name], []).append(said("%(domain)s is already protected by another account.",
                                                           domain=to_unicode(name)))
    this_order = _this_order(session)
    stale = []
    for name, field in fields.items():
        if name in this_order["names"]:
            errors.setdefault(field, []).append(said("%(domain)s is named twice in this order.",
                                                    domain=to_unicode(name)))
            continue
        held = session.scalar(select(ProtectedDomain).where(ProtectedDomain.name == name))
        if held is None:
            continue
        if not stands(session, held.owner_id, held.account_domain):
            stale.append(held)
        elif held.owner_id != owner.id:
            errors.setdefault(field, []).append(said("%(domain)s is already protected by another account.",
                                                    domain=to_unicode(name)))
        elif held.account_domain != domain:
            errors.setdefault(field, []).append(said("%(domain)s is protected by %(account)s's account for %(primary)s "
                                                    "already.", domain=to_unicode(name), account=owner.name,
                                                    primary=to_unicode(held.account_domain)))
        else:
            errors.setdefault("params.domain", []).append(said(
                "%(account)s has email security for %(domain)s already: change that subscription instead.",
                account=owner.name, domain=to_unicode(domain)))
    if errors:
        this_order["refused"].add((owner.id, domain))
        raise ValidationError({name: list(dict.fromkeys(messages)) for name, messages in errors.items()})
    for row in stale:
        session.delete(row)
    session.flush()
    try:
        with session.begin_nested():  # another order may have taken one since the checks above
            session.add_all(ProtectedDomain(owner_id=owner.id, account_domain=domain, name=name, is_primary=name == domain)
                            for name in fields)
    except IntegrityError:
        raise ValidationError({"params.domain": [said("Another order took one of these domains a moment ago: "
                                                    "check them and try again.")]}) from None
    this_order["names"].update(fields)
    this_order["accounts"].add((owner.id, domain))
    return {"domain": domain, **({"extra_domains": extras} if extras else {})}


def accept_extra_domains(line: OrderLineContext) -> dict[str, Any]:
    """Check an order of extra domains: for an account of the owner's, with none of them yet."""
    session, owner, domain = line.session, line.owner, line.params["domain"]
    this_order = _this_order(session)
    if (owner.id, domain) in this_order["refused"]:
        return dict(line.params)  # the order is refused for its account's line, which says why
    primary = session.scalar(select(ProtectedDomain).where(ProtectedDomain.name == domain, ProtectedDomain.is_primary.is_(True),
                                                           ProtectedDomain.owner_id == owner.id))
    if primary is None or not stands(session, owner.id, domain):
        raise ValidationError({"params.domain": [said("%(account)s has no email security account for %(domain)s: "
                                                    "order the account first (earlier in the same order will do).",
                                                    account=owner.name, domain=to_unicode(domain))]})
    if (owner.id, domain) in this_order["slots"] or live_subscription(session, owner.id, DOMAINS_PRODUCT, domain):
        raise ValidationError({"params.domain": [said("The account for %(domain)s has extra domains already: "
                                                    "change their number on that subscription instead.",
                                                    domain=to_unicode(domain))]})
    this_order["slots"].add((owner.id, domain))
    extras = session.scalars(select(ProtectedDomain.name).where(
        ProtectedDomain.owner_id == owner.id, ProtectedDomain.account_domain == domain,
        ProtectedDomain.is_primary.is_(False)).order_by(ProtectedDomain.id))
    extras = list(extras)
    return {"domain": domain, **({"extra_domains": extras} if extras else {})}


def stands(session: Session, owner_id: int, account_domain: str) -> bool:
    """Whether the account for ``account_domain`` of ``owner_id`` still stands: a live subscription has
    it, an order waiting for its payment names it, or an order being placed now does."""
    if (owner_id, account_domain) in _this_order(session)["accounts"]:
        return True
    if live_subscription(session, owner_id, ACCOUNT_PRODUCT, account_domain):
        return True
    waiting = session.scalars(
        select(OrderLine.params).join(Order, Order.id == OrderLine.order_id).join(Plan, Plan.id == OrderLine.plan_id)
        .join(Product, Product.id == Plan.product_id)
        .where(Order.owner_id == owner_id, Order.status == OrderStatus.AWAITING_PAYMENT, Product.key == ACCOUNT_PRODUCT)
    )
    return any(params.get("domain") == account_domain for params in waiting)


def live_subscription(session: Session, owner_id: int, product_key: str, account_domain: str) -> Subscription | None:
    """The owner's live subscription of ``product_key`` for the account ``account_domain``, if any."""
    found = session.scalars(
        select(Subscription).join(Product, Product.id == Subscription.product_id)
        .where(Subscription.owner_id == owner_id, Product.key == product_key, Subscription.status.in_(LIVE_STATUSES))
    )
    return next((subscription for subscription in found if subscription.params.get("domain") == account_domain), None)


def _check_services(plan_code: str, plan_name: str, asked: list[str] | None, errors: dict[str, list[str]]) -> None:
    """The services an order asks for are its plan's: each set of add-ons is a plan of its own."""
    if asked is None:
        return
    wanted = frozenset(asked) - {FILTERING.key}
    if wanted != addons_of(plan_code):
        errors["params.services"] = [said("%(plan)s is not those services: order the plan “%(wanted)s” (%(code)s) "
                                         "for them.", plan=plan_name, code=AddonSet(wanted).code,
                                         wanted=text_in(AddonSet(wanted).name, answering()))]


def _this_order(session: Session) -> Mapping[str, set[Any]]:
    """What the order being placed in the session's transaction holds so far: its domains, its accounts (and
    those refused), its extra domains."""
    actual = session() if isinstance(session, scoped_session) else session
    root = actual.get_transaction()
    while root is not None and root.parent is not None:
        root = root.parent
    found = actual.info.get(_THIS_ORDER)
    if found is None or found[0] is not root:
        found = (root, {"names": set(), "accounts": set(), "slots": set(), "refused": set()})
        actual.info[_THIS_ORDER] = found
    return found[1]
