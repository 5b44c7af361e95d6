"""Charging for subscriptions: one money event, a charge at every level of the account tree.

The payer owes the subscription's seller the subscription's price. That seller, unless it is a
distributor at the top of the tree, owes its own seller its cost for the same units (the price
it would pay for them today), and so on up. So a reseller's customer buying writes the retail
charge (reseller -> customer) and the wholesale one (distributor -> reseller); a reseller
paying for itself, only the wholesale one; a direct customer, only the distributor's. Every
seller's margin can be read off the ledger.

Money events: a billing period beginning (an activation, a renewal, a trial ending), the setup
fee of a first purchase, a change of plan or quantity made mid-period, prorated, and a
cancellation of a product that refunds unused time (the rest of the period, credited back), and an
account moving to another seller (the rest of the period credited along the old chain, charged along the new). Money
received ahead of an invoice (an order paid when placed, an invoice paid beyond its total) is a
credit: a negative charge that the payer's next invoice deducts.

Rounding, the one rule (``core.money``): every charge's amount is rounded once, half-up to the
currency's minor unit. A period costs unit price x quantity. A change costs the difference of
the period's cost before and after, times the whole days left in the period over its days
(a downgrade is a negative charge: a credit).

Each charge has a key naming its event and level; writing an event twice writes nothing new.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from core.db import insert_new
from core.languages import _
from core.models.accounts import Account
from core.models.catalog import Plan
from core.models.charges import Charge, ChargeKind
from core.models.subscriptions import Subscription
from core.money import Money
from core.services.pricing import resolve_prices
from core.wording import Wording, in_each_language, said_columns

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanTerms:
    """What a subscription is, for pricing it: a plan, a quantity, and what the payer pays for a unit."""

    plan: Plan
    quantity: int
    unit_price: Money

    @classmethod
    def of(cls, subscription: Subscription) -> PlanTerms:
        return cls(subscription.plan, subscription.quantity, subscription.unit_price)


@dataclass(frozen=True)
class _Level:
    issuer: Account
    recipient: Account
    unit_price: Money
    setup_fee: Money | None


def charge_period(session: Session, subscription: Subscription, start: datetime, end: datetime | None) -> None:
    """Charge the billing period from ``start`` to ``end`` (``None``: a one-off purchase) at every level."""
    session.flush()  # the subscription has its id
    terms = PlanTerms.of(subscription)
    _write(session, [
        _charge(subscription, terms.plan, level, ChargeKind.RECURRING, key=f"recurring:{start:%Y-%m-%dT%H:%M:%S}",
                said=_describe(terms), quantity=terms.quantity, unit=level.unit_price,
                amount=level.unit_price * terms.quantity, start=start, end=end)
        for level in _levels(session, subscription, terms)
    ])


def charge_setup(session: Session, subscription: Subscription, setup_fee: Money) -> None:
    """Charge the setup fee of a first purchase: the payer's, and each seller's own above it."""
    session.flush()
    terms = PlanTerms.of(subscription)
    charges = []
    for n, level in enumerate(_levels(session, subscription, terms, setup_fee)):
        fee = setup_fee if n == 0 else level.setup_fee
        if fee is not None and fee.amount:
            charges.append(_charge(subscription, terms.plan, level, ChargeKind.SETUP, key="setup",
                                   said=Wording(_("Setup of %(plan)s"), {"plan": _describe(terms)}), quantity=1,
                                   unit=fee, amount=fee))
    _write(session, charges)


def charge_change(session: Session, subscription: Subscription, *, before: PlanTerms, at: datetime,
                  event: str) -> None:
    """Charge (or credit) a change of plan or quantity made at ``at`` for what is left of the period.

    ``before`` is the subscription as it was; the subscription is as it is now. ``event`` names
    the change (its provisioning request), so that applying it twice charges once.
    """
    after = PlanTerms.of(subscription)
    _charge_rest_of_period(session, subscription, before, after, at, key=f"change:{event}",
                           describe=lambda left, days: Wording(_("%(before)s to %(after)s, %(left)s of %(days)s days"), {
                               "before": _describe(before), "after": _describe(after), "left": left, "days": days}))


def refund_rest_of_period(session: Session, subscription: Subscription, *, at: datetime, event: str) -> None:
    """Credit back what is left of the period of a subscription cancelled at ``at`` (for products
    that refund unused time), at every level; ``event`` names the cancellation (once)."""
    terms = PlanTerms.of(subscription)
    _charge_rest_of_period(session, subscription, terms, None, at, key=f"refund:{event}",
                           describe=lambda left, days: Wording(_("Refund of %(plan)s, %(left)s of %(days)s days unused"),
                                                               {"plan": _describe(terms), "left": left, "days": days}))


def charge_rest_of_period(session: Session, subscription: Subscription, *, at: datetime, event: str) -> None:
    """Charge what is left of the period of a subscription its account brought along from another seller at ``at``,
    at every level of its new chain; ``event`` names the move (once)."""
    terms = PlanTerms.of(subscription)
    _charge_rest_of_period(session, subscription, None, terms, at, key=f"moved-in:{event}",
                           describe=lambda left, days: Wording(_("%(plan)s, %(left)s of %(days)s days"),
                                                               {"plan": _describe(terms), "left": left, "days": days}))


def _charge_rest_of_period(session: Session, subscription: Subscription, before: PlanTerms | None,
                           after: PlanTerms | None, at: datetime, *, key: str,
                           describe: Callable[[int, int], Wording]) -> None:
    """Charge the difference between ``after`` and ``before`` (either ``None``: nothing) for the whole days
    left of the current period after ``at``, over its days: the one proration rule."""
    start, end = subscription.current_period_start, subscription.current_period_end
    if start is None or end is None or at >= end:
        return
    days, left = (end.date() - start.date()).days, (end.date() - max(at, start).date()).days
    if days <= 0 or left <= 0:
        return
    session.flush()
    terms = after or before
    assert terms is not None
    news = _levels(session, subscription, terms)
    olds = _levels(session, subscription, before) if before is not None else news
    charges = []
    for old, new in zip(olds, news, strict=False):
        if (old.issuer.id, old.recipient.id) != (new.issuer.id, new.recipient.id):
            break
        was = old.unit_price * before.quantity if before is not None else Money.zero(old.unit_price.currency)
        difference = (new.unit_price * after.quantity if after is not None else Money.zero(was.currency)) - was
        amount = Money(difference.amount * left / days, difference.currency)
        if amount.rounded().amount:
            charges.append(_charge(subscription, terms.plan, new, ChargeKind.PRORATION, key=key,
                                   said=describe(left, days), quantity=terms.quantity, unit=new.unit_price,
                                   amount=amount, start=at, end=end))
    _write(session, charges)


def credit(session: Session, *, issuer: Account, recipient: Account, amount: Money, key: str,
           said: Wording) -> None:
    """Owe ``recipient`` ``amount`` back on its next invoice from ``issuer``; ``key`` names the event (once)."""
    session.flush()
    _write(session, [{
        "key": key, "issuer_id": issuer.id, "recipient_id": recipient.id, "subscription_id": None,
        "kind": ChargeKind.CREDIT, **said_columns(said), "quantity": 1, "unit_amount": -amount.amount,
        "amount": -amount.rounded().amount, "currency": amount.currency, "period_start": None, "period_end": None,
    }])


def _levels(session: Session, subscription: Subscription, terms: PlanTerms,
            setup_fee: Money | None = None) -> list[_Level]:
    """Who owes whom for ``terms``: the payer its seller, then each seller its own, up to the top."""
    levels = [_Level(subscription.seller, subscription.payer, terms.unit_price, setup_fee)]
    account = subscription.seller
    while account.parent is not None:
        price = resolve_prices(session, account, [terms.plan], terms.quantity).get(terms.plan.id)
        if price is None:
            log.warning("subscription %s: %s has no price for %s from %s, so no charge between them",
                        subscription.id, account.name, terms.plan.code, account.parent.name)
            break
        levels.append(_Level(account.parent, account, price.unit_price, price.setup_fee))
        account = account.parent
    return levels


def _charge(subscription: Subscription, plan: Plan, level: _Level, kind: ChargeKind, *, key: str, said: Wording,
            quantity: int, unit: Money, amount: Money, start: datetime | None = None,
            end: datetime | None = None) -> dict[str, Any]:
    return {
        "key": f"subscription:{subscription.id}:{key}:account:{level.recipient.id}",
        "issuer_id": level.issuer.id,
        "recipient_id": level.recipient.id,
        "subscription_id": subscription.id,
        "plan_id": plan.id,
        "kind": kind,
        **said_columns(said),
        "quantity": quantity,
        "unit_amount": unit.amount,
        "amount": amount.rounded().amount,
        "currency": amount.currency,
        "period_start": start,
        "period_end": end,
    }


def _write(session: Session, charges: list[dict[str, Any]]) -> None:
    if charges:
        insert_new(session, Charge.__table__, charges, key="key")


def _describe(terms: PlanTerms) -> Wording:
    if terms.quantity == 1:
        return Wording("%(plan)s", {"plan": in_each_language(terms.plan.title)})
    return Wording(_("%(count)s x %(plan)s"), {"count": terms.quantity, "plan": in_each_language(terms.plan.title)})
