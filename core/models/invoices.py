"""Invoices: a month of one seller's charges to one account, numbered without gaps per seller.

An issued invoice never changes: its lines copy the charges it closes, and its totals are the
sum of those lines. It is corrected by a credit note: an invoice of negative totals that names
the one it corrects (``credited_invoice_id``). A charge is invoiced once (its line is unique), so a billing run that runs
twice, or is killed halfway and run again, writes nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Numeric, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime
from core.models._columns import created_at_column, enum_column, updated_at_column
from core.models.accounts import Account
from core.models.charges import ChargeKind
from core.models.people import User
from core.models.prices import AMOUNT
from core.money import Money
from core.permissions import PaymentMethod

#: Tax rates in percent, with up to four decimals: ``20``, ``8.875``.
RATE = Numeric(7, 4)


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    OVERDUE = "overdue"
    VOID = "void"


class BillingCycle(StrEnum):
    """When a seller invoices its customers each month (its resellers are invoiced on the 1st)."""

    #: On the 1st, for the calendar month before.
    FIRST = "first"
    #: On the day of the month the customer's first subscription with the seller started (the
    #: 28th at the latest), for the month before it.
    ANNIVERSARY = "anniversary"


#: A new seller's dunning schedule: reminders 3, 10 and 17 days past due, suspension a week after the last.
DEFAULT_REMINDER_DAYS = (3, 10, 17)
DEFAULT_SUSPEND_AFTER_DAYS = 24


class BillingProfile(Base):
    """How a seller invoices: its numbers, its tax and its payment terms (one per issuing account)."""

    __tablename__ = "billing_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    #: Put before each invoice number: ``BRIGHT-`` makes ``BRIGHT-000042``.
    invoice_prefix: Mapped[str] = mapped_column(String(20))
    #: The number the next invoice gets; taken under this row's lock, so numbers never skip.
    next_number: Mapped[int] = mapped_column(default=1)
    #: ``VAT``, ``GST``, ``Sales tax``; with a rate of 0 the invoices show no tax line.
    tax_name: Mapped[str] = mapped_column(String(40), default="Tax")
    tax_rate: Mapped[Decimal] = mapped_column(RATE, default=Decimal(0))
    #: Days between an invoice's issue and its due date.
    payment_terms_days: Mapped[int] = mapped_column(default=14)
    customer_cycle: Mapped[BillingCycle] = mapped_column(enum_column(BillingCycle, "billing_cycle"),
                                                         default=BillingCycle.FIRST, server_default="first")
    #: Days past an unpaid invoice's due date on which its recipient is reminded (``core.services.dunning``).
    reminder_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: list(DEFAULT_REMINDER_DAYS),
                                                     server_default="[3, 10, 17]")
    #: Days past the due date on which the subscriptions the recipient pays are suspended as overdue,
    #: after the last reminder (``None``: never).
    suspend_after_days: Mapped[int | None] = mapped_column(default=DEFAULT_SUSPEND_AFTER_DAYS, server_default="24")
    #: Invoice recipients with a tax id without tax, the recipient accounting for it (EU VAT reverse charge).
    reverse_charge: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: A distributor's: what a reseller receiving a customer by transfer is charged, in the reseller's currency.
    transfer_fee: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal("25.00"), server_default="25.00")
    #: A distributor's: days a transfer waits for its answers before it expires.
    transfer_expiry_days: Mapped[int] = mapped_column(default=14, server_default="14")
    updated_at: Mapped[datetime] = updated_at_column()

    account: Mapped[Account] = relationship()


class Invoice(Base):
    """What ``recipient`` owes ``issuer`` for the charges of one month, in one currency."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("issuer_id", "number"),
        # One invoice per issuer, recipient, currency and month (credit notes aside): a run's safety net.
        Index("uq_invoices_one_a_month", "issuer_id", "recipient_id", "currency", "period_start", unique=True,
              sqlite_where=text("credited_invoice_id IS NULL"), postgresql_where=text("credited_invoice_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    #: The month whose charges it closes: its first and last day.
    period_start: Mapped[date] = mapped_column(Date())
    period_end: Mapped[date] = mapped_column(Date())
    issued_on: Mapped[date] = mapped_column(Date())
    due_on: Mapped[date] = mapped_column(Date())
    status: Mapped[InvoiceStatus] = mapped_column(enum_column(InvoiceStatus, "invoice_status"),
                                                  default=InvoiceStatus.OPEN)
    tax_name: Mapped[str] = mapped_column(String(40))
    tax_rate: Mapped[Decimal] = mapped_column(RATE)
    subtotal_amount: Mapped[Decimal] = mapped_column(AMOUNT)
    tax_amount: Mapped[Decimal] = mapped_column(AMOUNT)
    total_amount: Mapped[Decimal] = mapped_column(AMOUNT)
    created_at: Mapped[datetime] = created_at_column()
    #: When its recipient was emailed that it is issued (``core.services.invoice_notices``).
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: For a credit note: the invoice it corrects (its totals are then negative).
    credited_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    #: The issuer's and the recipient's tax ids when it was issued; with ``reverse_charge``, its tax
    #: is the recipient's to account for.
    issuer_tax_id: Mapped[str | None] = mapped_column(String(40))
    recipient_tax_id: Mapped[str | None] = mapped_column(String(40))
    reverse_charge: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Dunning: the reminders sent since it fell due, and when the subscriptions its recipient
    #: pays were suspended for it (they resume once it is settled).
    reminders_sent: Mapped[int] = mapped_column(default=0, server_default="0")
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    issuer: Mapped[Account] = relationship(foreign_keys=[issuer_id])
    recipient: Mapped[Account] = relationship(foreign_keys=[recipient_id])
    lines: Mapped[list[InvoiceLine]] = relationship(back_populates="invoice", order_by="InvoiceLine.id")
    payments: Mapped[list[InvoicePayment]] = relationship(back_populates="invoice", order_by="InvoicePayment.id")
    credit_notes: Mapped[list[Invoice]] = relationship(back_populates="credited_invoice", order_by="Invoice.id")
    credited_invoice: Mapped[Invoice | None] = relationship(back_populates="credit_notes", remote_side=[id])

    @property
    def subtotal(self) -> Money:
        return Money(self.subtotal_amount, self.currency)

    @property
    def tax(self) -> Money:
        return Money(self.tax_amount, self.currency)

    @property
    def total(self) -> Money:
        return Money(self.total_amount, self.currency)

    @property
    def paid(self) -> Money:
        return Money(sum((payment.amount for payment in self.payments), Decimal(0)), self.currency)

    @property
    def is_credit_note(self) -> bool:
        return self.credited_invoice_id is not None

    @property
    def credited(self) -> Money:
        """What its credit notes took off its total (tax included), as a positive amount."""
        return Money(-sum((note.total_amount for note in self.credit_notes), Decimal(0)), self.currency)

    @property
    def balance_due(self) -> Money:
        """What is left to pay after its payments and credit notes (never below zero: what was paid
        or credited beyond it became a credit on the next invoice)."""
        left = self.total_amount - self.credited.amount - self.paid.amount
        return Money(max(left, Decimal(0)) if not self.is_credit_note else Decimal(0), self.currency)


class InvoiceLine(Base):
    """One charge, as the invoice that closes it shows it."""

    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    #: The charge it closes: invoiced once.
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charges.id"), unique=True)
    kind: Mapped[ChargeKind] = mapped_column(enum_column(ChargeKind, "invoice_line_kind"))
    description: Mapped[str] = mapped_column(String(300))
    #: What it says as data (``core.wording``), for each reader's language; ``None``: ``description`` as a person typed it.
    wording: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id"))
    quantity: Mapped[int] = mapped_column()
    unit_amount: Mapped[Decimal] = mapped_column(AMOUNT)
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    period_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    period_end: Mapped[datetime | None] = mapped_column(UTCDateTime())

    invoice: Mapped[Invoice] = relationship(back_populates="lines")

    @property
    def unit_price(self) -> Money:
        return Money(self.unit_amount, self.invoice.currency)

    @property
    def money(self) -> Money:
        return Money(self.amount, self.invoice.currency)


class InvoicePayment(Base):
    """A payment the issuer recorded against an invoice: all of it, or a part."""

    __tablename__ = "invoice_payments"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod, "invoice_payment_method"))
    #: The bank transfer's reference, the card receipt number, ...
    reference: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    paid_on: Mapped[date] = mapped_column(Date())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()

    invoice: Mapped[Invoice] = relationship(back_populates="payments")
    recorded_by: Mapped[User | None] = relationship()

    @property
    def money(self) -> Money:
        return Money(self.amount, self.invoice.currency)
