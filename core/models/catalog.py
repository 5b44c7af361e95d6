"""Products and plans, copied from what the plugins declare by ``cascade catalog sync``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime
from core.languages import answering
from core.models._columns import created_at_column, enum_column, updated_at_column
from core.money import Money


class BillingPeriod(StrEnum):
    MONTHLY = "monthly"
    YEARLY = "yearly"
    ONE_OFF = "one_off"


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The product type's stable key, as its plugin declares it.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    #: The plugin that supplies the product type.
    plugin: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: What one unit of quantity is ("seat", "site", "domain", ...).
    unit: Mapped[str] = mapped_column(String(40))
    #: ``{locale: {"name": ..., "description": ...}}`` for languages other than English.
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    #: Set when the plugin stopped declaring the product; rows are never deleted.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    plans: Mapped[list[Plan]] = relationship(
        back_populates="product", order_by="Plan.rank", cascade="all, delete-orphan"
    )

    def name_in(self, locale: str) -> str:
        return self.translations.get(locale, {}).get("name") or self.name

    @property
    def said_name(self) -> str:
        """Its name in the language of the person being answered (``core.languages.say``): what a refusal calls it."""
        return self.name_in(answering())

    def description_in(self, locale: str) -> str:
        return self.translations.get(locale, {}).get("description") or self.description


class Plan(Base):
    __tablename__ = "plans"
    __table_args__ = (
        UniqueConstraint("product_id", "code"),
        CheckConstraint("trial_days >= 0", name="trial_days_not_negative"),
        CheckConstraint("term_months >= 0", name="term_months_not_negative"),
        CheckConstraint("(cost_amount IS NULL) = (cost_currency IS NULL)", name="cost_has_currency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    code: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    #: ``{locale: {"name": ...}}`` for languages other than English.
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    billing_period: Mapped[BillingPeriod] = mapped_column(enum_column(BillingPeriod, "billing_period"))
    #: Commitment term in months; 0 means no commitment.
    term_months: Mapped[int] = mapped_column(default=0)
    trial_days: Mapped[int] = mapped_column(default=0)
    #: Orders plans for upgrade (higher) and downgrade (lower).
    rank: Mapped[int] = mapped_column(default=0)
    features: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The vendor's suggested cost of one unit for one billing period (what the distributor pays).
    cost_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    cost_currency: Mapped[str | None] = mapped_column(String(3))
    #: Set when the plugin stopped declaring the plan; a plan is retired, never deleted.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    product: Mapped[Product] = relationship(back_populates="plans")

    def title(self, locale: str | None = None) -> str:
        """The plan with its product, as people call it: ``Web hosting Starter``, ``Microsoft 365
        Business Basic`` (its own name alone when that begins with its product's); the product's
        name and its own in ``locale`` when they have one there."""
        if self.name.startswith(self.product.name):
            return self.name_in(locale) if locale else self.name
        if locale is None:
            return f"{self.product.name} {self.name}"
        return f"{self.product.name_in(locale)} {self.name_in(locale)}"

    def name_in(self, locale: str) -> str:
        """Its own name (``Starter yearly``) in ``locale`` when it has one there."""
        return self.translations.get(locale, {}).get("name") or self.name

    @property
    def said_title(self) -> str:
        """Its title in the language of the person being answered (``core.languages.say``): what a refusal calls it."""
        return self.title(answering())

    @property
    def cost_price(self) -> Money | None:
        if self.cost_amount is None or self.cost_currency is None:
            return None
        return Money(self.cost_amount, self.cost_currency)
