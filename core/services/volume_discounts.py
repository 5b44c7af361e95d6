"""Volume discounts: what an account bought of a product in a month, priced at the tier that volume reaches.

A price list's entry may have volume tiers (from N units on, each unit costs less). A purchase is
priced at its own quantity when it is made; at the end of the month the billing run adds up the
units of each product charged to each recipient in the month (its recurring charges: the
periods that began), and where that volume reaches a cheaper tier of a plan's entry in the
recipient's price list, it credits the difference on each of those units, as a discount line
of its own on the month's invoice. So a reseller with 40 seats for one customer and 70 for
another is charged the 100-seat price for all 110.

A discount is a charge like any other (kind ``discount``), keyed by recipient, plan, unit price
and month: a billing run that runs twice discounts once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from core.db import insert_new
from core.languages import _
from core.models.accounts import Account
from core.models.catalog import Plan
from core.models.charges import Charge, ChargeKind
from core.models.prices import PriceEntry, PriceList, VolumeTier
from core.money import Money
from core.services.pricing import price_list_for
from core.wording import Wording, in_each_language, said_columns


def sellers_with_volume_tiers(session: Session) -> frozenset[int]:
    """The sellers whose price lists have volume tiers: only their recipients' volumes are added up."""
    return frozenset(session.scalars(select(PriceList.seller_id).distinct()
                                     .join(PriceEntry, PriceEntry.price_list_id == PriceList.id)
                                     .join(VolumeTier, VolumeTier.entry_id == PriceEntry.id)))


def write_volume_discounts(session: Session, issuer_id: int, charged: tuple[ColumnElement[bool], ...], *,
                           month: date, at: datetime) -> int:
    """Write the discounts the month's volumes of ``issuer_id``'s recipients earn, charged at ``at``;
    ``charged`` selects the month's charges not invoiced yet. Answers how many were written.

    For an issuer among ``sellers_with_volume_tiers``: for any other, there is nothing to add up.
    """
    bought = session.execute(
        select(Charge.recipient_id, Charge.plan_id, Plan.product_id, Charge.currency, Charge.unit_amount,
               func.sum(Charge.quantity))
        .join(Plan, Plan.id == Charge.plan_id)
        .where(*charged, Charge.kind == ChargeKind.RECURRING)
        .group_by(Charge.recipient_id, Charge.plan_id, Plan.product_id, Charge.currency, Charge.unit_amount)
        .order_by(Charge.recipient_id, Charge.plan_id, Charge.unit_amount)
    ).all()
    volumes: dict[tuple[int, int, str], int] = defaultdict(int)
    for recipient_id, _plan_id, product_id, currency, _unit, units in bought:
        volumes[recipient_id, product_id, currency] += units
    price_lists: dict[int, PriceList | None] = {}
    discounts = []
    for recipient_id, plan_id, product_id, currency, unit, units in bought:
        if recipient_id not in price_lists:
            price_lists[recipient_id] = price_list_for(session, session.get_one(Account, recipient_id))
        price_list = price_lists[recipient_id]
        entry = next((entry for entry in price_list.entries if entry.plan_id == plan_id),
                     None) if price_list is not None and price_list.currency == currency else None
        volume = volumes[recipient_id, product_id, currency]
        tier = next((tier for tier in reversed(entry.volume_tiers) if tier.min_quantity <= volume),
                    None) if entry is not None else None
        if tier is None or Money(tier.unit_price, currency).rounded().amount >= unit:
            continue
        tier_price = Money(tier.unit_price, currency).rounded()
        plan = session.get_one(Plan, plan_id)
        off = Money(tier_price.amount - Decimal(unit), currency)
        discounts.append({
            "key": f"volume:{month:%Y-%m}:{issuer_id}:{recipient_id}:{plan_id}:{unit}",
            "issuer_id": issuer_id, "recipient_id": recipient_id, "subscription_id": None, "plan_id": plan_id,
            "kind": ChargeKind.DISCOUNT, "quantity": units, "unit_amount": off.amount,
            "amount": (off * units).rounded().amount, "currency": currency, "period_start": None, "period_end": None,
            **said_columns(Wording(
                _("Volume discount: %(count)s units of %(product)s this month, %(plan)s at %(price)s instead of %(was)s"),
                {"count": volume, "product": in_each_language(plan.product.name_in),
                 "plan": in_each_language(plan.title), "price": tier_price, "was": Money(unit, currency).rounded()})),
            "created_at": at,
        })
    if discounts:
        insert_new(session, Charge.__table__, discounts, key="key")
    return len(discounts)
