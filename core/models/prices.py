"""Price lists: what each seller charges the accounts it sells to, in one currency per list.

A distributor keeps wholesale lists for its resellers (a default one, one per reseller tier, or
one for a single reseller) and a retail list for its direct customers; a reseller keeps a retail
list for its customers, with prices per plan or a markup over its own wholesale cost.

Every flush that writes something a price depends on gives its scope a new ``PriceVersion``
stamp in the same transaction, whichever service wrote it, so that prices kept for showing
(``core.services.catalog_cache``) are never served past a change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from itertools import chain

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint, event, inspect
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.db import Base
from core.models._columns import created_at_column, enum_column, updated_at_column
from core.models.accounts import Account
from core.models.catalog import Plan, Product
from core.models.storefronts import Storefront

#: Amounts keep four decimals; prices are rounded to the currency's minor unit when resolved.
AMOUNT = Numeric(18, 4)


class PriceListKind(StrEnum):
    #: What a distributor charges its resellers.
    WHOLESALE = "wholesale"
    #: What a seller charges its customers.
    RETAIL = "retail"


class PriceList(Base):
    __tablename__ = "price_lists"
    __table_args__ = (
        # One list per audience of a seller: the most specific list always answers alone.
        UniqueConstraint("seller_id", "kind", "audience"),
        CheckConstraint("tier IS NULL OR buyer_id IS NULL", name="one_audience"),
        CheckConstraint("markup_percent IS NULL OR markup_percent > -100", name="markup_above_minus_100"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[PriceListKind] = mapped_column(enum_column(PriceListKind, "price_list_kind"))
    name: Mapped[str] = mapped_column(String(100))
    #: ISO 4217 code of every amount in the list.
    currency: Mapped[str] = mapped_column(String(3))
    #: Wholesale lists only: for the resellers of this tier (``None``: every tier).
    tier: Mapped[str | None] = mapped_column(String(40))
    #: For this one buyer only (``None``: for every buyer the list's kind and tier fit).
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    #: ``all``, ``tier:<tier>`` or ``buyer:<id>``: what the uniqueness of audiences is checked on.
    audience: Mapped[str] = mapped_column(String(60))
    #: Retail lists of resellers: plans without an entry cost this much over the wholesale cost.
    markup_percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 3))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    seller: Mapped[Account] = relationship(foreign_keys=[seller_id])
    entries: Mapped[list[PriceEntry]] = relationship(back_populates="price_list", cascade="all, delete-orphan")


class PriceEntry(Base):
    """The price of one plan in one list, per unit and billing period, with optional volume tiers."""

    __tablename__ = "price_entries"
    __table_args__ = (
        UniqueConstraint("price_list_id", "plan_id"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("setup_fee IS NULL OR setup_fee >= 0", name="setup_fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    unit_price: Mapped[Decimal] = mapped_column(AMOUNT)
    #: Charged once, when the plan is first bought.
    setup_fee: Mapped[Decimal | None] = mapped_column(AMOUNT)

    price_list: Mapped[PriceList] = relationship(back_populates="entries")
    plan: Mapped[Plan] = relationship()
    volume_tiers: Mapped[list[VolumeTier]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="VolumeTier.min_quantity"
    )


class VolumeTier(Base):
    """From ``min_quantity`` units on, each unit costs ``unit_price`` (the more, the cheaper)."""

    __tablename__ = "volume_tiers"
    __table_args__ = (
        UniqueConstraint("entry_id", "min_quantity"),
        CheckConstraint("min_quantity >= 2", name="min_quantity_at_least_2"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("price_entries.id"), index=True)
    min_quantity: Mapped[int] = mapped_column()
    unit_price: Mapped[Decimal] = mapped_column(AMOUNT)

    entry: Mapped[PriceEntry] = relationship(back_populates="volume_tiers")


class OfferedProduct(Base):
    """A product a distributor sells: nothing is on sale down its tree until it says so."""

    __tablename__ = "offered_products"
    __table_args__ = (UniqueConstraint("distributor_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    distributor_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    created_at: Mapped[datetime] = created_at_column()


class HiddenPlan(Base):
    """A plan of an offered product that a distributor does not sell."""

    __tablename__ = "hidden_plans"
    __table_args__ = (UniqueConstraint("distributor_id", "plan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    distributor_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    created_at: Mapped[datetime] = created_at_column()


class PriceVersion(Base):
    """The stamp of what one scope of prices looks like now: every write that changes a price there replaces it.

    Kept catalogs (``core.services.catalog_cache``) are served only while the stamps they were
    priced under are still the current ones.
    """

    __tablename__ = "price_versions"

    #: ``catalog`` for the plans and products every seller sells, ``account:<id>`` for what that account
    #: sells and how (its lists, a distributor's offer, its storefront) and how it buys (its tier, its seller).
    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: Random, so that a value is never seen twice, not even after a change rolled back.
    stamp: Mapped[str] = mapped_column(String(32))


#: The scope of the plans and products every seller sells.
CATALOG_SCOPE = "catalog"
#: What an account's prices depend on besides its lists: its tier and seller choose its list; its path names its scopes.
_PRICED_ACCOUNT_FIELDS = ("tier", "parent_id", "kind", "path")


def account_scope(account_id: int) -> str:
    return f"account:{account_id}"


def restamp(session: Session, scopes: Iterable[str]) -> None:
    """Give each scope a new stamp in the session's transaction: what was kept under the old one is not served again."""
    rows = [{"scope": scope, "stamp": uuid.uuid4().hex} for scope in sorted(set(scopes))]  # sorted: no deadlock
    if not rows:
        return
    connection = session.connection()
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[connection.dialect.name]
    statement = insert(PriceVersion.__table__).values(rows)
    connection.execute(statement.on_conflict_do_update(index_elements=["scope"], set_={"stamp": statement.excluded.stamp}))


def _scope_of(instance: object) -> str | None:
    """The scope whose prices a change of ``instance`` may change, if any."""
    match instance:
        case Plan() | Product():
            return CATALOG_SCOPE
        case PriceList():
            seller_id = instance.seller_id if instance.seller_id is not None else getattr(instance.seller, "id", None)
            return account_scope(seller_id) if seller_id is not None else None
        case PriceEntry():
            return _scope_of(instance.price_list) if instance.price_list is not None else None
        case VolumeTier():
            # One taken out of its entry has none left, but leaves the entry changed.
            return _scope_of(instance.entry) if instance.entry is not None else None
        case OfferedProduct() | HiddenPlan():
            return account_scope(instance.distributor_id)
        case Storefront():
            return account_scope(instance.account_id) if instance.account_id is not None else None
        case Account():
            changed = any(inspect(instance).attrs[name].history.has_changes() for name in _PRICED_ACCOUNT_FIELDS)
            return account_scope(instance.id) if changed and instance.id is not None else None
    return None


@event.listens_for(Session, "before_flush")
def _restamp_price_changes(session: Session, _context: object, _instances: object) -> None:
    scopes = {scope for instance in chain(session.new, session.dirty, session.deleted)
              if (scope := _scope_of(instance)) is not None}
    restamp(session, scopes)
