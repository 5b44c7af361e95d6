"""Subscriptions: a plan an account uses, its service dates, and the history of every change."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime
from core.models._columns import created_at_column, enum_column, updated_at_column
from core.models.accounts import Account
from core.models.catalog import Plan, Product
from core.models.people import User
from core.models.prices import AMOUNT
from core.money import Money
from core.states import StateMachine


class SubscriptionStatus(StrEnum):
    #: Ordered; waiting for its first provisioning.
    PENDING = "pending"
    TRIAL = "trial"
    ACTIVE = "active"
    #: Service stopped for a while; ``suspend_reason`` says why.
    SUSPENDED = "suspended"
    #: Running until ``cancel_at``, then cancelled (the owner may still change their mind).
    PENDING_CANCELLATION = "pending_cancellation"
    CANCELLED = "cancelled"
    #: Ended by the seller.
    TERMINATED = "terminated"
    #: Its first provisioning failed; the seller can retry it.
    FAILED = "failed"


class SuspendReason(StrEnum):
    BY_SELLER = "by_seller"
    #: Its payer left an invoice unpaid past the seller's last reminder; resumed once it is paid.
    OVERDUE = "overdue"
    #: Renewed by hand and not renewed by the end of its period; renewing brings it back.
    EXPIRED = "expired"
    BY_VENDOR = "by_vendor"


S = SubscriptionStatus

SUBSCRIPTION_STATES = StateMachine(
    "subscription",
    {
        S.PENDING: {S.TRIAL, S.ACTIVE, S.FAILED, S.CANCELLED},
        S.TRIAL: {S.ACTIVE, S.SUSPENDED, S.PENDING_CANCELLATION, S.CANCELLED, S.TERMINATED},
        S.ACTIVE: {S.SUSPENDED, S.PENDING_CANCELLATION, S.CANCELLED, S.TERMINATED},
        S.SUSPENDED: {S.ACTIVE, S.TRIAL, S.CANCELLED, S.TERMINATED},
        S.PENDING_CANCELLATION: {S.ACTIVE, S.TRIAL, S.SUSPENDED, S.CANCELLED, S.TERMINATED},
        S.FAILED: {S.PENDING, S.CANCELLED},
        S.CANCELLED: set(),
        S.TERMINATED: set(),
    },
)

#: Statuses in which the service runs (or will run) and the subscription renews.
LIVE_STATUSES = frozenset({S.PENDING, S.TRIAL, S.ACTIVE, S.SUSPENDED, S.PENDING_CANCELLATION})


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (
        Index("ix_subscriptions_seller_id_status", "seller_id", "status"),
        Index("ix_subscriptions_status_current_period_end", "status", "current_period_end"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("unit_amount >= 0", name="unit_amount_not_negative"),
        CheckConstraint("scheduled_quantity IS NULL OR scheduled_quantity >= 1", name="scheduled_quantity_positive"),
        CheckConstraint("(status = 'suspended') = (suspend_reason IS NOT NULL)", name="suspended_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The account that uses the service.
    owner_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: The account that sells it (the payer's parent).
    seller_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    #: The owner, or the reseller that bought it for the owner.
    payer_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    quantity: Mapped[int] = mapped_column()
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[SubscriptionStatus] = mapped_column(enum_column(SubscriptionStatus, "subscription_status"))
    suspend_reason: Mapped[SuspendReason | None] = mapped_column(enum_column(SuspendReason, "suspend_reason"))
    #: The payer's price per unit and billing period, as last resolved (at purchase or change).
    unit_amount: Mapped[Decimal] = mapped_column(AMOUNT)
    currency: Mapped[str] = mapped_column(String(3))
    #: Renews by itself at period end (products with manual renewal start without).
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=True)
    #: When the service first ran.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    current_period_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    current_period_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: End of the commitment; downgrades and cancellations "at end of term" happen then.
    term_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    trial_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A cancellation the owner asked for at the end of the term.
    cancel_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A change (usually a downgrade) waiting for the end of the term.
    scheduled_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    scheduled_quantity: Mapped[int | None] = mapped_column()
    #: When the next renewal reminder is due (``None``: no reminder left this period).
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: What the product's plugin keeps about the service (vendor ids, licence keys).
    provisioning_data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    owner: Mapped[Account] = relationship(foreign_keys=[owner_id])
    seller: Mapped[Account] = relationship(foreign_keys=[seller_id])
    payer: Mapped[Account] = relationship(foreign_keys=[payer_id])
    product: Mapped[Product] = relationship()
    plan: Mapped[Plan] = relationship(foreign_keys=[plan_id])
    scheduled_plan: Mapped[Plan | None] = relationship(foreign_keys=[scheduled_plan_id])
    events: Mapped[list[SubscriptionEvent]] = relationship(
        back_populates="subscription", order_by="SubscriptionEvent.id", cascade="all, delete-orphan"
    )

    @property
    def unit_price(self) -> Money:
        return Money(self.unit_amount, self.currency)

    @property
    def total(self) -> Money:
        """What the subscription costs per billing period."""
        return self.unit_price * self.quantity

    @property
    def has_scheduled_change(self) -> bool:
        return self.scheduled_plan_id is not None or self.scheduled_quantity is not None

    def __repr__(self) -> str:
        return f"<Subscription {self.id} {self.status}>"


class SubscriptionEvent(Base):
    """One change of a subscription: who, when, from what to what, and why."""

    __tablename__ = "subscription_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    #: ``None`` when the platform did it (renewals, provisioning answers).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: ``created``, ``activated``, ``plan_changed``, ``suspended``, ``renewed``, ...
    action: Mapped[str] = mapped_column(String(60))
    from_status: Mapped[SubscriptionStatus | None] = mapped_column(enum_column(SubscriptionStatus, "from_status"))
    to_status: Mapped[SubscriptionStatus] = mapped_column(enum_column(SubscriptionStatus, "to_status"))
    #: ``{"field": [before, after]}`` for what else changed.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: What it says as data (``core.wording``), for each reader's language; ``None``: ``reason`` as a person typed it.
    wording: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()

    subscription: Mapped[Subscription] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

