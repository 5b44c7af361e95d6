"""The billing run: close the month before into invoices, one per issuer, recipient and currency.

Every account is invoiced by its seller once a month. A month is closed once it is over: a run
on any day of April invoices what was charged before April and not invoiced yet (March's
charges, and any older one a missed run left). A seller may instead invoice each customer on its
anniversary (``BillingCycle.ANNIVERSARY``): the day of the month the customer's first
subscription with it started, the 28th at the latest; a customer whose day is the 15th is then
invoiced on the 15th for what was charged before it. Resellers are always invoiced on the 1st. An
account invoiced for a period already (a second run) keeps what was charged since for its next
invoice: an issued invoice never gains a line.

Set-based: issuers are invoiced in batches (``ISSUERS_AT_ONCE``), each a transaction of its own
begun by locking the batch's billing profiles (which hand out the invoice numbers): one grouped
query finds the invoices to write, one bulk insert writes them and one ``INSERT ... SELECT``
copies the charges into their lines. So two runs at once, or a run after one killed halfway,
invoice each charge once and number the invoices without a gap.

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

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import groupby

from sqlalchemy import ColumnElement, and_, exists, func, insert, select
from sqlalchemy.orm import Session

from core.clock import add_months, utcnow
from core.db import insert_new
from core.languages import _
from core.models.accounts import Account, AccountKind
from core.models.charges import Charge, ChargeKind
from core.models.invoices import BillingCycle, BillingProfile, Invoice, InvoiceLine, InvoiceStatus
from core.models.subscriptions import Subscription
from core.money import Money
from core.services.billing_profiles import locked_billing_profiles, take_numbers, tax_on
from core.services.volume_discounts import sellers_with_volume_tiers, write_volume_discounts
from core.wording import Wording, said_columns


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


#: Issuers invoiced in one transaction (their profiles stay locked until it commits), as many as
#: fit these bounds: few statements for many small issuers, short transactions for large ones.
ISSUERS_AT_ONCE = 50
CHARGES_AT_ONCE = 10_000


def run_billing(session: Session, as_of: date | None = None,
                progress: Callable[[int, int], None] | None = None) -> BillingRunResult:
    """Invoice the charges of the periods over by ``as_of`` (default: today) that are not invoiced yet.

    It commits each batch of issuers' invoices as it goes (see the module's docstring);
    ``progress(done, total)`` is told the issuers done after each batch. What the caller wrote
    before is committed with the first.
    """
    today = as_of or utcnow().date()
    month = _Cycle(cutoff=_boundary(today, 1), period_start=_boundary(today, 1, months_back=1).date())
    waiting = session.execute(select(Charge.issuer_id, func.count())
                              .where(Charge.created_at < _boundary(today, today.day), _uninvoiced())
                              .group_by(Charge.issuer_id).order_by(Charge.issuer_id)).all()
    tiered = sellers_with_volume_tiers(session)
    invoices = lines = done = 0
    for batch in _batches(waiting):
        profiles = locked_billing_profiles(session, session.scalars(select(Account).where(Account.id.in_(batch))))
        monthly = [profile for profile in profiles if profile.customer_cycle is BillingCycle.FIRST]
        runs = [(monthly, month, [])] if monthly else []
        for profile in profiles:
            if profile.customer_cycle is BillingCycle.ANNIVERSARY:
                cycles = _anniversaries(session, profile.account, today, month)
                others = [cycle.recipients for cycle in cycles if cycle.recipients]
                runs.extend(([profile], cycle, others) for cycle in cycles)
        for invoicing, cycle, others in runs:
            written = _invoice(session, invoicing, cycle, issued_on=today, tiered=tiered, others=others)
            invoices, lines = invoices + written[0], lines + written[1]
        session.commit()
        done += len(batch)
        if progress is not None:
            progress(done, len(waiting))
    return BillingRunResult(month.period_start, invoices, lines)


def _batches(waiting: Sequence[tuple[int, int]]) -> Iterator[list[int]]:
    """The issuers, by id, in batches within ``ISSUERS_AT_ONCE`` and ``CHARGES_AT_ONCE`` (an issuer
    with more charges than that is a batch of its own)."""
    batch: list[int] = []
    charges = 0
    for issuer_id, count in waiting:
        if batch and (len(batch) == ISSUERS_AT_ONCE or charges + count > CHARGES_AT_ONCE):
            yield batch
            batch, charges = [], 0
        batch.append(issuer_id)
        charges += count
    if batch:
        yield batch


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


def _invoice(session: Session, profiles: list[BillingProfile], cycle: _Cycle, *, issued_on: date,
             tiered: frozenset[int], others: list[frozenset[int]]) -> tuple[int, int]:
    """Write the invoices of the (locked) ``profiles``' accounts for ``cycle``; answer how many invoices and lines.

    ``others`` are the recipients the issuer's other cycles invoice: a cycle for everyone leaves them
    out. An issuer among ``tiered`` has volume tiers: its recipients' volumes are added up first.
    """
    cutoff, period_start = cycle.cutoff, cycle.period_start
    by_issuer = {profile.account_id: profile for profile in profiles}
    invoiced_already = exists().where(Invoice.issuer_id == Charge.issuer_id, Invoice.recipient_id == Charge.recipient_id,
                                      Invoice.currency == Charge.currency, Invoice.period_start == period_start,
                                      Invoice.credited_invoice_id.is_(None))
    whom = (Charge.recipient_id.in_(cycle.recipients) if cycle.recipients is not None
            else Charge.recipient_id.not_in(frozenset().union(*others)))
    to_invoice = (Charge.created_at < cutoff, _uninvoiced(), ~invoiced_already, whom)
    for issuer_id in sorted(by_issuer.keys() & tiered):
        write_volume_discounts(session, issuer_id, (Charge.issuer_id == issuer_id, *to_invoice), month=period_start,
                               at=cutoff - timedelta(microseconds=1))
    groups = session.execute(
        select(Charge.issuer_id, Charge.recipient_id, Charge.currency, func.sum(Charge.amount), func.count(),
               Account.tax_id)
        .join(Account, Account.id == Charge.recipient_id).where(Charge.issuer_id.in_(by_issuer), *to_invoice)
        .group_by(Charge.issuer_id, Charge.recipient_id, Charge.currency, Account.tax_id)
        .order_by(Charge.issuer_id, Charge.recipient_id, Charge.currency)
    ).all()
    if not groups:
        return 0, 0
    rows, carried, created_at = [], [], utcnow()
    for issuer_id, grouped in groupby(groups, key=lambda group: group[0]):
        profile, issuer_groups = by_issuer[issuer_id], list(grouped)
        # What every invoice of the issuer shares, read once.
        shared = {"issuer_id": issuer_id, "period_start": period_start,
                  "period_end": (cutoff - timedelta(days=1)).date(), "issued_on": issued_on,
                  "due_on": issued_on + timedelta(days=profile.payment_terms_days), "tax_name": profile.tax_name,
                  "issuer_tax_id": profile.account.tax_id, "created_at": created_at}
        for number, (_issuer, recipient_id, currency, charged, _count, tax_id) in zip(
                take_numbers(profile, len(issuer_groups)), issuer_groups, strict=True):
            if charged < 0:  # more credit than charges: the rest goes on the next invoice
                carried.append((issuer_id, number, recipient_id, currency, -charged))
            reverse_charge = profile.reverse_charge and tax_id is not None
            rate = Decimal(0) if reverse_charge else profile.tax_rate
            subtotal = max(charged, Decimal(0))
            tax = tax_on(Money(subtotal, currency), rate).amount if rate else Decimal(0)
            rows.append({
                **shared, "recipient_id": recipient_id, "currency": currency, "number": number,
                "status": InvoiceStatus.OPEN if subtotal + tax > 0 else InvoiceStatus.PAID, "tax_rate": rate,
                "recipient_tax_id": tax_id, "reverse_charge": reverse_charge,
                "subtotal_amount": subtotal, "tax_amount": tax, "total_amount": subtotal + tax,
            })
    written_before = session.scalar(select(func.coalesce(func.max(Invoice.id), 0)))
    session.execute(insert(Invoice.__table__), rows)
    session.execute(insert(InvoiceLine.__table__).from_select(
        ["invoice_id", "charge_id", "kind", "description", "wording", "subscription_id", "quantity", "unit_amount",
         "amount", "period_start", "period_end"],
        select(Invoice.id, Charge.id, Charge.kind, Charge.description, Charge.wording, Charge.subscription_id,
               Charge.quantity,
               Charge.unit_amount, Charge.amount, Charge.period_start, Charge.period_end)
        # The invoices just written: the issuers' locks keep anyone else from writing theirs meanwhile.
        .join(Invoice, and_(Invoice.issuer_id == Charge.issuer_id, Invoice.recipient_id == Charge.recipient_id,
                            Invoice.currency == Charge.currency, Invoice.id > written_before,
                            Invoice.credited_invoice_id.is_(None)))
        .where(Charge.issuer_id.in_(by_issuer), Charge.created_at < cutoff, _uninvoiced(), whom)
        .order_by(Charge.id)
    ))
    if carried:
        _carry_forward(session, carried)
    return len(rows), sum(count for *_key, count, _tax_id in groups) + len(carried)


def _carry_forward(session: Session, carried: list[tuple[int, str, int, str, Decimal]]) -> None:
    """Close each invoice whose credits exceed its charges at zero, with a line for what is carried,
    and owe that back as a credit on the recipient's next invoice."""
    ids = {(issuer_id, number): invoice_id for issuer_id, number, invoice_id in session.execute(
        select(Invoice.issuer_id, Invoice.number, Invoice.id).where(
            Invoice.issuer_id.in_({issuer_id for issuer_id, *_rest in carried}),
            Invoice.number.in_([number for _issuer, number, *_rest in carried])))}
    session.execute(insert(InvoiceLine.__table__), [{
        "invoice_id": ids[issuer_id, number], "charge_id": None, "kind": ChargeKind.CREDIT, "subscription_id": None,
        **said_columns(Wording(_("Credit carried to the next invoice"))), "quantity": 1, "unit_amount": amount, "amount": amount,
        "period_start": None, "period_end": None,
    } for issuer_id, number, _recipient, _currency, amount in carried])
    insert_new(session, Charge.__table__, [{
        "key": f"carried:{issuer_id}:{number}", "issuer_id": issuer_id, "recipient_id": recipient_id,
        "subscription_id": None, "kind": ChargeKind.CREDIT,
        **said_columns(Wording(_("Credit carried from invoice %(invoice)s"), {"invoice": number})),
        "quantity": 1, "unit_amount": -amount, "amount": -amount, "currency": currency, "period_start": None,
        "period_end": None,
    } for issuer_id, number, recipient_id, currency, amount in carried], key="key")
