"""Emails waiting to be sent: written in the transaction that decides them, sent after commit."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.db import Base, UTCDateTime
from core.models._columns import created_at_column, enum_column
from core.states import StateMachine


class EmailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


EMAIL_STATES = StateMachine(
    "outbox email",
    {
        EmailStatus.PENDING: {EmailStatus.SENT, EmailStatus.FAILED},
        EmailStatus.SENT: set(),
        EmailStatus.FAILED: set(),
    },
)


class OutboxEmail(Base):
    __tablename__ = "outbox_emails"
    __table_args__ = (CheckConstraint("attempts >= 0", name="attempts_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(320))
    #: Display name of the sender: the seller whose customers receive the email.
    sender_name: Mapped[str | None] = mapped_column(String(200))
    reply_to: Mapped[str | None] = mapped_column(String(320))
    #: The seller's storefront slug: the email goes from ``no-reply@<it>.<mail domain>``, else from the platform's address.
    sender_subdomain: Mapped[str | None] = mapped_column(String(63))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    #: Documents attached when it is sent, by reference (``invoice:42``), rendered then, never stored here.
    attachments: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    status: Mapped[EmailStatus] = mapped_column(
        enum_column(EmailStatus, "email_status"), default=EmailStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    #: When the next delivery attempt is due; a pending email well past it was never published.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
