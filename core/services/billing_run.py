"""The billing run: close the month before into invoices, one per issuer, recipient and currency.

Every account is invoiced by its seller once a month. A month is closed once it is over: a run
on any day of April invoices what was charged before April and not invoiced yet (March's
charges, and any older one a missed run left). A seller may instead invoice each customer on its
anniversary (``BillingCycle.ANNIVERSARY``): the day of the month the customer's first
subscription with it started, the 28th at the latest; a customer whose day is the 15th is then
invoiced on the 15th for what was charged before it. Resellers are always invoiced on the 1st. An
account invoiced for a period already (a second run) keeps what was charged since for its next
invoice: an issued invoice never gains a line.

Set-based: per issuer, one grouped query finds the invoices to write, one bulk insert writes
them and one ``INSERT ... SELECT`` copies the charges into their lines. Each issuer is a
transaction of its own, begun by locking the issuer's billing profile (which hands out its
invoice numbers), so that two runs at once, or a run after one killed halfway, invoice each
charge once and number the invoices without a gap.

Totals: the subtotal is the sum of the lines; the tax is the subtotal times the issuer's rate,
rounded half-up to the currency's minor unit (``core.money``); the total is their sum. An issuer
that reverse charges invoices a recipient with a tax id at a rate of 0: the recipient accounts for
the tax (the invoice says so, and keeps the recipient's tax id as it was). An
invoice whose credits (money paid ahead) cover its charges has nothing due: it is issued paid;
one whose credits exceed its charges closes at zero with a line for the rest, which is owed back
as a credit on the recipient's next invoice. No invoice comes out below zero. Before an issuer's
invoices are written, the volume discounts its recipients earned in the month are charged
(``core.services.volume_discounts``), to appear as lines of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, exists, func, insert, select
from sqlalchemy.orm import Session

from core.clock import add_months, utcnow
from core.db import insert_new
from core.models.accounts import Account, AccountKind
from core.models.charges import Charge, ChargeKind
from core.models.invoices import BillingCycle, BillingProfile, Invoice, InvoiceLine, InvoiceStatus
from core.models.subscriptions import Subscription
from core.money import Money
from core.services.billing_profiles import locked_billing_profile, take_numbers, tax_on
from core.services.volume_discounts import sellers_with_volume_tiers, write_volume_discounts


@dataclass(frozen=True)
class BillingRunResult:
    #: The calendar month the run closed: its first day.
    period_start: date
    invoices: int
    lines: int


@dataclass(frozen=True)
class _Cycle:
    """A period to close for some of an issuer's recipients: charges before ``cutoff``, from ``period_start``."""

    cutoff: datetime
    period_start: date
    #: Whom it closes for (``None``: every recipient not named by another cycle of the issuer).
    recipients: frozenset[int] | None = None


#: The latest anniversary day, so that every month has it.
LAST_ANNIVERSARY_DAY = 28


def run_billing(session: Session, as_of: date | None = None,
                progress: Callable[[int, int], None] | None = None) -> BillingRunResult:
    """Invoice the charges of the periods over by ``as_of`` (default: today) that are not invoiced yet.

    It commits each issuer's invoices as it goes (see the module's docstring); ``progress(done,
    total)`` is told after each issuer. What the caller wrote before is committed with the first.
    """
    today = as_of or utcnow().date()
    month = _Cycle(cutoff=_boundary(today, 1), period_start=_boundary(today, 1, months_back=1).date())
    issuers = list(session.scalars(select(Charge.issuer_id).distinct()
                                   .where(Charge.created_at < _boundary(today, today.day), _uninvoiced())
                                   .order_by(Charge.issuer_id)))
    tiered = sellers_with_volume_tiers(session)
    invoices = lines = 0
    for done, issuer_id in enumerate(issuers, start=1):
        issuer = session.get_one(Account, issuer_id)
        profile = locked_billing_profile(session, issuer)
        cycles = [month] if profile.customer_cycle is BillingCycle.FIRST else _anniversaries(session, issuer, today,
                                                                                            month)
        for cycle in cycles:
            written = _invoice_issuer(session, profile, cycle, issued_on=today, tiered=issuer_id in tiered,
                                      others=[other.recipients for other in cycles if other.recipients])
            invoices, lines = invoices + written[0], lines + written[1]
        session.commit()
        if progress is not None:
            progress(done, len(issuers))
    return BillingRunResult(month.period_start, invoices, lines)


def _boundary(today: date, day: int, months_back: int = 0) -> datetime:
    """The start of the last ``day`` of a month on or before ``today``, ``months_back`` months earlier."""
    this_month = datetime(today.year, today.month, day, tzinfo=UTC)
    return add_months(this_month, -months_back - (1 if today.day < day else 0))


def _anniversaries(session: Session, issuer: Account, today: date, month: _Cycle) -> list[_Cycle]:
    """The cycles of an issuer that invoices its customers on their anniversaries: one per day of
    the month its customers started on, and the calendar month for everyone else."""
    started = session.execute(
        select(Subscription.payer_id, func.min(Subscription.started_at))
        .join(Account, Account.id == Subscription.payer_id)
        .where(Subscription.seller_id == issuer.id, Subscription.started_at.is_not(None),
               Account.kind == AccountKind.CUSTOMER)
        .group_by(Subscription.payer_id)
    ).all()
    by_day: dict[int, set[int]] = {}
    for payer_id, first in started:
        by_day.setdefault(min(first.day, LAST_ANNIVERSARY_DAY), set()).add(payer_id)
    return [*(_Cycle(_boundary(today, day), _boundary(today, day, months_back=1).date(), frozenset(payers))
              for day, payers in sorted(by_day.items())), month]


def _uninvoiced() -> ColumnElement[bool]:
    return ~exists().where(InvoiceLine.charge_id == Charge.id)


def _invoice_issuer(session: Session, profile: BillingProfile, cycle: _Cycle, *, issued_on: date, tiered: bool,
                    others: list[frozenset[int]]) -> tuple[int, int]:
    """Write the invoices of ``profile``'s account (locked) for ``cycle``; answer how many invoices and lines.

    ``others`` are the recipients other cycles of the issuer invoice: a cycle for everyone leaves them
    out. ``tiered``: the issuer has volume tiers, so its recipients' volumes are added up first.
    """
    issuer_id, cutoff, period_start = profile.account_id, cycle.cutoff, cycle.period_start
    invoiced_already = exists().where(Invoice.issuer_id == issuer_id, Invoice.recipient_id == Charge.recipient_id,
                                      Invoice.currency == Charge.currency, Invoice.period_start == period_start,
                                      Invoice.credited_invoice_id.is_(None))
    whom = (Charge.recipient_id.in_(cycle.recipients) if cycle.recipients is not None
            else Charge.recipient_id.not_in(frozenset().union(*others)))
    to_invoice = (Charge.issuer_id == issuer_id, Charge.created_at < cutoff, _uninvoiced(), ~invoiced_already, whom)
    if tiered:
        write_volume_discounts(session, issuer_id, to_invoice, month=period_start,
                               at=cutoff - timedelta(microseconds=1))
    groups = session.execute(
        select(Charge.recipient_id, Charge.currency, func.sum(Charge.amount), func.count(), Account.tax_id)
        .join(Account, Account.id == Charge.recipient_id).where(*to_invoice)
        .group_by(Charge.recipient_id, Charge.currency, Account.tax_id).order_by(Charge.recipient_id, Charge.currency)
    ).all()
    if not groups:
        return 0, 0
    # What every invoice of this run shares, read once.
    shared = {"issuer_id": issuer_id, "period_start": period_start, "period_end": (cutoff - timedelta(days=1)).date(),
              "issued_on": issued_on, "due_on": issued_on + timedelta(days=profile.payment_terms_days),
              "tax_name": profile.tax_name, "issuer_tax_id": profile.account.tax_id, "created_at": utcnow()}
    rows, carried = [], []
    for invoice_number, (recipient_id, currency, charged, _count, tax_id) in zip(take_numbers(profile, len(groups)),
                                                                                 groups, strict=True):
        if charged < 0:  # more credit than charges: the rest goes on the next invoice
            carried.append((invoice_number, recipient_id, currency, -charged))
        reverse_charge = profile.reverse_charge and tax_id is not None
        rate = Decimal(0) if reverse_charge else profile.tax_rate
        subtotal = max(charged, Decimal(0))
        tax = tax_on(Money(subtotal, currency), rate).amount if rate else Decimal(0)
        rows.append({
            **shared, "recipient_id": recipient_id, "currency": currency, "number": invoice_number,
            "status": InvoiceStatus.OPEN if subtotal + tax > 0 else InvoiceStatus.PAID, "tax_rate": rate,
            "recipient_tax_id": tax_id, "reverse_charge": reverse_charge,
            "subtotal_amount": subtotal, "tax_amount": tax, "total_amount": subtotal + tax,
        })
    written_before = session.scalar(select(func.coalesce(func.max(Invoice.id), 0)))
    session.execute(insert(Invoice.__table__), rows)
    session.execute(insert(InvoiceLine.__table__).from_select(
        ["invoice_id", "charge_id", "kind", "description", "subscription_id", "quantity", "unit_amount", "amount",
         "period_start", "period_end"],
        select(Invoice.id, Charge.id, Charge.kind, Charge.description, Charge.subscription_id, Charge.quantity,
               Charge.unit_amount, Charge.amount, Charge.period_start, Charge.period_end)
        # The invoices just written: the issuer's lock keeps anyone else from writing its invoices meanwhile.
        .join(Invoice, and_(Invoice.issuer_id == Charge.issuer_id, Invoice.recipient_id == Charge.recipient_id,
                            Invoice.currency == Charge.currency, Invoice.id > written_before,
                            Invoice.credited_invoice_id.is_(None)))
        .where(Charge.issuer_id == issuer_id, Charge.created_at < cutoff, _uninvoiced(), whom)
        .order_by(Charge.id)
    ))
    if carried:
        _carry_forward(session, issuer_id, carried)
    return len(rows), sum(count for _recipient, _currency, _charged, count, _tax_id in groups) + len(carried)


def _carry_forward(session: Session, issuer_id: int, carried: list[tuple[str, int, str, Decimal]]) -> None:
    """Close each invoice whose credits exceed its charges at zero, with a line for what is carried,
    and owe that back as a credit on the recipient's next invoice."""
    ids = dict(session.execute(select(Invoice.number, Invoice.id).where(
        Invoice.issuer_id == issuer_id, Invoice.number.in_([number for number, *_ in carried]))).all())
    session.execute(insert(InvoiceLine.__table__), [{
        "invoice_id": ids[number], "charge_id": None, "kind": ChargeKind.CREDIT, "subscription_id": None,
        "description": "Credit carried to the next invoice", "quantity": 1, "unit_amount": amount, "amount": amount,
        "period_start": None, "period_end": None,
    } for number, _recipient, _currency, amount in carried])
    insert_new(session, Charge.__table__, [{
        "key": f"carried:{issuer_id}:{number}", "issuer_id": issuer_id, "recipient_id": recipient_id,
        "subscription_id": None, "kind": ChargeKind.CREDIT, "description": f"Credit carried from invoice {number}",
        "quantity": 1, "unit_amount": -amount, "amount": -amount, "currency": currency, "period_start": None,
        "period_end": None,
    } for number, recipient_id, currency, amount in carried], key="key")
