"""Customers signing themselves up on a storefront: pending until their email is confirmed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime
from core.models._columns import created_at_column
from core.models.accounts import Account
from core.models.storefronts import Storefront


class SignUp(Base):
    """A visitor's request for a customer account under a storefront's seller.

    Nothing else exists until the emailed link is followed: then the account, its owner team
    and (for a new email) the person are created. The link carries a token kept here as a hash.
    """

    __tablename__ = "sign_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    storefront_id: Mapped[int] = mapped_column(ForeignKey("storefronts.id"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    company_name: Mapped[str] = mapped_column(String(200))
    #: argon2id; used only when the email has no login yet (an existing person keeps their password).
    password_hash: Mapped[str] = mapped_column(String(255))
    #: The language the visitor signed up in: their emails and first pages use it.
    locale: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The customer account the confirmation created.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))

    storefront: Mapped[Storefront] = relationship()
    account: Mapped[Account | None] = relationship()
