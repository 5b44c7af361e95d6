"""Orders: what a buyer asked for, at the prices of the moment, and the payments that release them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime
from core.models._columns import created_at_column, enum_column, updated_at_column
from core.models.accounts import Account
from core.models.catalog import BillingPeriod, Plan
from core.models.people import User
from core.models.prices import AMOUNT
from core.money import Money
from core.permissions import PaymentMethod
from core.states import StateMachine

if TYPE_CHECKING:
    from core.models.subscriptions import Subscription


class OrderStatus(StrEnum):
    #: The seller confirms the payment before anything is provisioned.
    AWAITING_PAYMENT = "awaiting_payment"
    #: Accepted: its subscriptions are being provisioned.
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    #: A line could not be provisioned; the seller sees why and can retry it.
    FAILED = "failed"
    #: Withdrawn before it was accepted.
    CANCELLED = "cancelled"


ORDER_STATES = StateMachine(
    "order",
    {
        OrderStatus.AWAITING_PAYMENT: {OrderStatus.IN_PROGRESS, OrderStatus.CANCELLED},
        OrderStatus.IN_PROGRESS: {OrderStatus.COMPLETED, OrderStatus.FAILED},
        OrderStatus.FAILED: {OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED},
        OrderStatus.COMPLETED: set(),
        OrderStatus.CANCELLED: set(),
    },
)


def totals_per_period(amounts: Iterable[tuple[BillingPeriod, Money]]) -> list[tuple[BillingPeriod, Money]]:
    """Sum ``amounts`` by billing period, in ``BillingPeriod``'s order (monthly first): periods are never added up."""
    sums: dict[BillingPeriod, Money] = {}
    for period, amount in amounts:
        sums[period] = sums[period] + amount if period in sums else amount
    return [(period, sums[period]) for period in BillingPeriod if period in sums]


class OrderLineKind(StrEnum):
    #: Creates a subscription.
    NEW = "new"
    #: Moves the owner's existing subscription of a one-per-account product to the line's plan.
    CHANGE = "change"


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_seller_id_status", "seller_id", "status"),
        CheckConstraint("total_amount >= 0", name="total_not_negative"),
        CheckConstraint("setup_amount >= 0", name="setup_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The account that placed the order.
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: The account the subscriptions are for: the buyer itself, or an account it sells to.
    owner_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: Who pays: the buyer or the owner. Its seller's prices apply.
    payer_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    #: The payer's seller (its parent account), who is paid and confirms payments.
    seller_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus, "order_status"))
    payment_method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod, "payment_method"))
    currency: Mapped[str] = mapped_column(String(3))
    #: What the lines cost for one billing period each (their first payment: monthly and yearly alike, so never shown
    #: as a price per period: ``per_period`` is), and once in setup fees, at the prices of the moment.
    total_amount: Mapped[Decimal] = mapped_column(AMOUNT)
    setup_amount: Mapped[Decimal] = mapped_column(AMOUNT)
    #: Card payments of it declined so far: its next charge's idempotency key counts them
    #: (``core.services.card_payments``).
    declined_payments: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    account: Mapped[Account] = relationship(foreign_keys=[account_id])
    owner: Mapped[Account] = relationship(foreign_keys=[owner_id])
    payer: Mapped[Account] = relationship(foreign_keys=[payer_id])
    seller: Mapped[Account] = relationship(foreign_keys=[seller_id])
    placed_by: Mapped[User | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )
    payments: Mapped[list[Payment]] = relationship(back_populates="order", order_by="Payment.id")

    @property
    def total(self) -> Money:
        return Money(self.total_amount, self.currency)

    @property
    def setup_total(self) -> Money:
        return Money(self.setup_amount, self.currency)

    @property
    def per_period(self) -> list[tuple[BillingPeriod, Money]]:
        """What the lines cost by billing period, monthly first; a one-off plan's lines under ``ONE_OFF``."""
        return totals_per_period((line.plan.billing_period, line.total) for line in self.lines)

    @property
    def recurring(self) -> list[tuple[BillingPeriod, Money]]:
        """``per_period`` without the one-off plans: what is paid again each period."""
        return [(period, amount) for period, amount in self.per_period if period is not BillingPeriod.ONE_OFF]

    @property
    def paid_once(self) -> Money | None:
        """What is paid once only, one-off plans and setup fees together; ``None`` when nothing is."""
        once = sum((amount for period, amount in self.per_period if period is BillingPeriod.ONE_OFF), self.setup_total)
        return once if once.amount else None

    @property
    def amount_due(self) -> Money:
        """What the first payment covers: one period of every line, and the setup fees."""
        return Money(self.total_amount + self.setup_amount, self.currency)


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("unit_amount >= 0", name="unit_amount_not_negative"),
        CheckConstraint("setup_fee_amount IS NULL OR setup_fee_amount >= 0", name="setup_fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[OrderLineKind] = mapped_column(enum_column(OrderLineKind, "order_line_kind"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    quantity: Mapped[int] = mapped_column()
    #: Validated by the plan's parameter schema.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Per unit and billing period, in the order's currency, as resolved when the order was placed.
    unit_amount: Mapped[Decimal] = mapped_column(AMOUNT)
    setup_fee_amount: Mapped[Decimal | None] = mapped_column(AMOUNT)
    #: The subscription the line created (once accepted) or changes.
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id"), index=True)

    order: Mapped[Order] = relationship(back_populates="lines")
    plan: Mapped[Plan] = relationship()
    subscription: Mapped[Subscription | None] = relationship()

    @property
    def unit_price(self) -> Money:
        return Money(self.unit_amount, self.order.currency)

    @property
    def setup_fee(self) -> Money | None:
        return Money(self.setup_fee_amount, self.order.currency) if self.setup_fee_amount is not None else None

    @property
    def total(self) -> Money:
        return self.unit_price * self.quantity


class Payment(Base):
    """A payment the seller recorded against an order (method, reference, amount)."""

    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod, "payment_method"))
    #: The bank transfer's reference, the card receipt number, ...
    reference: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    currency: Mapped[str] = mapped_column(String(3))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()

    order: Mapped[Order] = relationship(back_populates="payments")
    recorded_by: Mapped[User | None] = relationship()

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)
