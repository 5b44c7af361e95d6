"""Storefronts: a seller's own white-label shop, switched on and off by what its plan allows."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime
from core.models._columns import created_at_column, enum_column, updated_at_column
from core.models.accounts import Account


class StorefrontStatus(StrEnum):
    LIVE = "live"
    #: The seller's plan no longer has a storefront: visitors see a neutral "closed" page.
    CLOSED = "closed"


class Storefront(Base):
    __tablename__ = "storefronts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The seller; its slug names the storefront's host (``<slug>.<storefront domain>``).
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    status: Mapped[StorefrontStatus] = mapped_column(enum_column(StorefrontStatus, "storefront_status"))
    #: What the seller's plan allows beyond the storefront itself (``custom_domain``, ``theme_choice``, ...).
    entitlements: Mapped[list[str]] = mapped_column(JSON, default=list)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    account: Mapped[Account] = relationship()

    @property
    def is_live(self) -> bool:
        return self.status is StorefrontStatus.LIVE
