"""API keys: a person's key for one account, with the permissions of the team it was made under."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime
from core.models._columns import created_at_column
from core.models.people import Team, User


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The key acts for this team's account with this team's permissions.
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    #: The person who made it; the key stops working if they leave the team or are disabled.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: The key's first characters, shown so that people can tell their keys apart.
    prefix: Mapped[str] = mapped_column(String(16))
    #: SHA-256 of the whole key; the key itself is shown once and never stored.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    team: Mapped[Team] = relationship()
    user: Mapped[User] = relationship()
