"""Revenue, cost and margin month by month, read off the charges ledger and the credit notes.

What an account billed in a month is what it charged that month, net of tax (the amounts of the
charges it issued, written when each money event happened), plus the credit notes it issued that
month (their negative subtotals, counted on the day they were issued). What it was billed, its
cost, is the same seen from the recipient's side. Charges of kind ``credit`` are left out: they
are money received ahead (an order paid when placed, an invoice paid beyond its total) or a
credit carried from one invoice to the next, not something sold.

The window is the 12 calendar months (UTC) ending with the current one; a month with nothing in
it counts zero, so that a chart always has 12 points. Only rows the account issued or received
are read, so nobody sees another tenant's figures.

Set-based: each report is one grouped query over the charges and credit notes together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Case, ColumnElement, Subquery, case, func, or_, select, union_all
from sqlalchemy.orm import Session

from core.clock import add_months, utcnow
from core.models.accounts import Account, AccountKind
from core.models.charges import Charge, ChargeKind
from core.models.invoices import Invoice
from core.money import Money

#: How many calendar months the reports cover, the current one last.
MONTHS = 12


@dataclass(frozen=True)
class MonthMargin:
    """One month of an account's business in one currency."""

    #: The month's first day.
    month: date
    #: What the account billed its customers, net of tax, less its credit notes.
    billed: Money
    #: What its own seller billed it, less the credit notes it received.
    cost: Money

    @property
    def margin(self) -> Money:
        return self.billed - self.cost


@dataclass(frozen=True)
class MarginSeries:
    """An account's 12 months in one currency, oldest first."""

    currency: str
    months: tuple[MonthMargin, ...]

    @property
    def billed(self) -> Money:
        return _total((month.billed for month in self.months), self.currency)

    @property
    def cost(self) -> Money:
        return _total((month.cost for month in self.months), self.currency)

    @property
    def margin(self) -> Money:
        return self.billed - self.cost


@dataclass(frozen=True)
class ResellerWholesale:
    """What a distributor billed one account directly below it, month by month, in one currency."""

    reseller: Account
    currency: str
    #: One amount a month, oldest first, as ``report_months`` lists them.
    months: tuple[Money, ...]

    @property
    def total(self) -> Money:
        return _total(self.months, self.currency)


def report_months() -> list[date]:
    """The first days of the 12 calendar months ending with the current one, oldest first."""
    return [bound.date() for bound in _bounds()[:-1]]


def margin_by_month(session: Session, account: Account) -> list[MarginSeries]:
    """What ``account`` billed, what it was billed and its margin, each month, per currency (by code).

    A currency appears when something was billed in it during the window.
    """
    bounds = _bounds()
    ledger = _ledger(account.id, bounds, received_too=True)
    issued = ledger.c.issuer_id == account.id
    rows = session.execute(
        select(ledger.c.currency, ledger.c.month, func.sum(case((issued, ledger.c.amount), else_=0)),
               func.sum(case((issued, 0), else_=ledger.c.amount)))
        .group_by(ledger.c.currency, ledger.c.month)
    ).all()
    sums = {(currency, month): (billed, cost) for currency, month, billed, cost in rows}
    return [
        MarginSeries(currency, tuple(
            MonthMargin(start.date(), *(_money(amount, currency) for amount in sums.get((currency, n), (0, 0))))
            for n, start in enumerate(bounds[:-1])
        ))
        for currency in sorted({currency for currency, _month in sums})
    ]


def wholesale_by_reseller(session: Session, distributor: Account) -> list[ResellerWholesale]:
    """What ``distributor`` billed each reseller (and sub-distributor) below it, month by month.

    Accounts it billed nothing in the window are left out. Ordered by currency, then by total,
    largest first, then by name.
    """
    ledger = _ledger(distributor.id, _bounds(), received_too=False)
    rows = session.execute(
        select(ledger.c.recipient_id, ledger.c.currency, ledger.c.month, func.sum(ledger.c.amount))
        .join(Account, Account.id == ledger.c.recipient_id)
        .where(Account.kind.in_((AccountKind.RESELLER, AccountKind.DISTRIBUTOR)))
        .group_by(ledger.c.recipient_id, ledger.c.currency, ledger.c.month)
    ).all()
    sums: dict[tuple[int, str], dict[int, Decimal]] = {}
    for recipient_id, currency, month, amount in rows:
        sums.setdefault((recipient_id, currency), {})[month] = amount
    accounts = {account.id: account for account in
                session.scalars(select(Account).where(Account.id.in_({recipient_id for recipient_id, _ in sums})))}
    report = [
        ResellerWholesale(accounts[recipient_id], currency,
                          tuple(_money(amounts.get(n, 0), currency) for n in range(MONTHS)))
        for (recipient_id, currency), amounts in sums.items()
    ]
    return sorted(report, key=lambda row: (row.currency, -row.total.amount, row.reseller.name, row.reseller.id))


def _bounds() -> list[datetime]:
    """The 13 instants that start each month of the window and end the last one."""
    now = utcnow()
    this_month = datetime(now.year, now.month, 1, tzinfo=UTC)
    return [add_months(this_month, n) for n in range(1 - MONTHS, 2)]


def _month_index(column: Any, bounds: list[datetime] | list[date]) -> Case[Any]:
    """Which month of the window ``column`` falls in, 0 the oldest (rows outside it are filtered out)."""
    return case(*((column < bound, n) for n, bound in enumerate(bounds[1:])))


def _ledger(account_id: int, bounds: list[datetime], *, received_too: bool) -> Subquery:
    """What was billed in the window ``bounds`` marks out, a row per charge or credit note: issuer_id,
    recipient_id, currency, month (0 the oldest) and amount, for the rows ``account_id`` issued (and received)."""
    days = [bound.date() for bound in bounds]

    def involving(issuer_id: Any, recipient_id: Any) -> ColumnElement[bool]:
        return or_(issuer_id == account_id, recipient_id == account_id) if received_too else issuer_id == account_id

    charges = select(
        Charge.issuer_id, Charge.recipient_id, Charge.currency, _month_index(Charge.created_at, bounds).label("month"),
        Charge.amount.label("amount"),
    ).where(involving(Charge.issuer_id, Charge.recipient_id), Charge.kind != ChargeKind.CREDIT,
            Charge.created_at >= bounds[0], Charge.created_at < bounds[-1])
    credit_notes = select(
        Invoice.issuer_id, Invoice.recipient_id, Invoice.currency, _month_index(Invoice.issued_on, days),
        Invoice.subtotal_amount,
    ).where(involving(Invoice.issuer_id, Invoice.recipient_id), Invoice.credited_invoice_id.is_not(None),
            Invoice.issued_on >= days[0], Invoice.issued_on < days[-1])
    return union_all(charges, credit_notes).subquery()


def _money(amount: Decimal | int, currency: str) -> Money:
    """A sum read from the database as ``Money``: its parts are rounded already, so this only sets the scale."""
    return Money(Decimal(amount), currency).rounded()


def _total(amounts: Iterable[Money], currency: str) -> Money:
    return sum(amounts, Money.zero(currency))
