"""The ledger: what one account owes another, one charge per money event and level of the tree.

A charge is written when the money event happens (a subscription's period begins, a setup fee,
a change of plan or quantity mid-period) and never edited afterwards: a correction is a new
charge. Its ``key`` names the event and the level, so that writing it twice writes it once.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime
from core.models._columns import created_at_column, enum_column
from core.models.accounts import Account
from core.models.prices import AMOUNT
from core.models.subscriptions import Subscription
from core.money import Money


class ChargeKind(StrEnum):
    #: A billing period of a subscription, charged when it begins.
    RECURRING = "recurring"
    #: The one-off fee of a first purchase.
    SETUP = "setup"
    #: A change of plan or quantity, for what is left of the current period (negative: a credit).
    PRORATION = "proration"
    FEE = "fee"
    DISCOUNT = "discount"
    CREDIT = "credit"
    MANUAL = "manual"


class Charge(Base):
    """What ``recipient`` owes ``issuer`` (its seller) for one money event."""

    __tablename__ = "charges"
    __table_args__ = (Index("ix_charges_issuer_id_recipient_id", "issuer_id", "recipient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The event and the level that wrote it (``subscription:7:recurring:2026-03-02:account:4``): unique.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    #: The plan charged for (a subscription's plan may change after): what volume discounts count.
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    kind: Mapped[ChargeKind] = mapped_column(enum_column(ChargeKind, "charge_kind"))
    description: Mapped[str] = mapped_column(String(300))
    #: What it says as data (``core.wording``), for each reader's language; ``None``: ``description`` as a person typed it.
    wording: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    quantity: Mapped[int] = mapped_column()
    #: The issuer's price of one unit for the period, as the recipient pays it.
    unit_amount: Mapped[Decimal] = mapped_column(AMOUNT)
    #: What is owed, rounded half-up to the currency's minor unit (``core.money``).
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    currency: Mapped[str] = mapped_column(String(3))
    period_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    period_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()

    issuer: Mapped[Account] = relationship(foreign_keys=[issuer_id])
    recipient: Mapped[Account] = relationship(foreign_keys=[recipient_id])
    subscription: Mapped[Subscription | None] = relationship()

    @property
    def unit_price(self) -> Money:
        return Money(self.unit_amount, self.currency)

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)
