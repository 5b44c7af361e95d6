"""The audit log: who changed what, when, in which account."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base
from core.models._columns import created_at_column

if TYPE_CHECKING:
    from core.models.accounts import Account
    from core.models.people import User


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_account_id_created_at", "account_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The account the change concerns; its sellers up the tree can read the event.
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    #: Who did it; ``None`` for the platform itself (CLI, demo loader, scheduled jobs).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: ``<noun>.<past participle>``: ``account.created``, ``team.permissions_changed``, ...
    action: Mapped[str] = mapped_column(String(80))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column()
    #: What changed: ``{"field": [before, after]}``, or the new object's fields.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = created_at_column()

    account: Mapped[Account] = relationship()
    actor: Mapped[User | None] = relationship()
