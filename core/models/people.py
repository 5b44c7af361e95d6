"""People and their sign-ins: one login per person, any number of accounts through teams."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime
from core.models._columns import created_at_column

if TYPE_CHECKING:
    from core.models.accounts import Account


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased: one person, one login.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: argon2id hash; ``None`` until the person sets a password (an invitation not yet accepted).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Runs the platform itself: creates distributors and sets their programme (tier, add-ons).
    platform_operator: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The language the person chose (``core.languages.LOCALES``); ``None``: their browser's, and English in emails.
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = created_at_column()

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: The owner team holds every permission and cannot lose its last member.
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    #: ``Permission`` values.
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: ``PaymentMethod`` values the team's members may use.
    payment_methods: Mapped[list[str]] = mapped_column(JSON, default=list)
    receives_renewal_reminders: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = created_at_column()

    account: Mapped[Account] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="team", cascade="all, delete-orphan")


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = created_at_column()

    team: Mapped[Team] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class LoginSession(Base):
    """A signed-in browser. The cookie holds only the token; revoking the row signs it out."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the token in the cookie; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The account the person is acting for right now (they switch between their accounts).
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    #: The storefront the person signed in on; ``None`` for the back office. A session works only where it began.
    storefront_id: Mapped[int | None] = mapped_column(ForeignKey("storefronts.id"), index=True)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = created_at_column()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class LoginThrottle(Base):
    """Sign-in attempts counted per email and address, per address and per email, to slow down
    password guessing (``core.services.sign_in``)."""

    __tablename__ = "login_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``pair:<email>|<address>``, ``ip:<address>`` or ``email:<email>``.
    key: Mapped[str] = mapped_column(String(400), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = created_at_column()
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: For a paused email: the hash of the emailed link's token that lifts the pause.
    unlock_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
