"""Reading invoices and the charges not invoiced yet: only their issuer and their recipient see them.

An account above either (the distributor over a reseller's invoices to its customers) does not:
what a reseller bills its customers is the reseller's business. Any other id is not found.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from core.errors import NotFoundError
from core.languages import say
from core.models.accounts import Account
from core.models.charges import Charge
from core.models.invoices import Invoice, InvoiceLine, InvoiceStatus
from core.permissions import Permission
from core.services.actors import Actor


def visible_invoices(
    actor: Actor,
    *,
    issuer_id: int | None = None,
    recipient_id: int | None = None,
    status: InvoiceStatus | None = None,
    period: date | None = None,
    search: str | None = None,
) -> Select[tuple[Invoice]]:
    """The query of the invoices the actor's account issued or received, narrowed to one issuer, recipient, status or
    month (``period``, the first day of the month an invoice's period starts in), and to those whose number or
    issuer's or recipient's name holds ``search``."""
    query = _visible(actor)
    for column, value in ((Invoice.issuer_id, issuer_id), (Invoice.recipient_id, recipient_id),
                          (Invoice.status, status)):
        if value is not None:
            query = query.where(column == value)
    if period is not None:
        query = query.where(in_month(period))
    if search and (words := search.strip()):
        named = select(Account.id).where(Account.name.icontains(words, autoescape=True))
        query = query.where(or_(Invoice.number.icontains(words, autoescape=True), Invoice.issuer_id.in_(named),
                                Invoice.recipient_id.in_(named)))
    return query


def list_invoices(session: Session, actor: Actor, *, after_id: int | None = None, limit: int = 50,
                  **filters: Any) -> list[Invoice]:
    """The invoices the actor's account issued or received (``visible_invoices``, narrowed by its ``filters``), newest
    first, paged by keyset."""
    query = visible_invoices(actor, **filters)
    if after_id is not None:
        query = query.where(Invoice.id < after_id)
    return list(session.scalars(query.order_by(Invoice.id.desc()).limit(limit)))


def get_invoice(session: Session, actor: Actor, invoice_id: int) -> Invoice:
    invoice = session.scalar(_visible(actor).where(Invoice.id == invoice_id))
    if invoice is None:
        raise NotFoundError(say("No invoice %(id)s.", id=invoice_id))
    return invoice


def uninvoiced_charges(session: Session, actor: Actor, *, subscription_id: int | None = None,
                       recipient_id: int | None = None) -> list[Charge]:
    """The charges the actor's account made or owes that no invoice closes yet, oldest first."""
    actor.require(Permission.VIEW_BILLING)
    account_id = actor.account.id
    query = select(Charge).where(or_(Charge.issuer_id == account_id, Charge.recipient_id == account_id),
                                 ~exists().where(InvoiceLine.charge_id == Charge.id))
    if subscription_id is not None:
        query = query.where(Charge.subscription_id == subscription_id)
    if recipient_id is not None:
        query = query.where(Charge.recipient_id == recipient_id)
    return list(session.scalars(query.order_by(Charge.id)))


def _visible(actor: Actor) -> Select[tuple[Invoice]]:
    actor.require(Permission.VIEW_BILLING)
    account_id = actor.account.id
    return (select(Invoice).where(or_(Invoice.issuer_id == account_id, Invoice.recipient_id == account_id))
            .options(selectinload(Invoice.lines), selectinload(Invoice.payments), selectinload(Invoice.issuer),
                     selectinload(Invoice.recipient)))


def in_month(month: date) -> ColumnElement[bool]:
    """Invoices whose period starts in the month beginning ``month``: on the 1st, or on an anniversary."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return and_(Invoice.period_start >= month, Invoice.period_start < following)
