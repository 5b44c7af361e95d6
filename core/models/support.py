"""Support tickets: a customer asks its seller, the seller may escalate to the account above it.

One ticket holds every thread about one request, each message marked with who may read it
(``Visibility``): the customer's thread with its seller, the seller's thread with its own
seller once escalated ("upstream"), and each side's internal notes. Each account that answers
the ticket keeps its own ``TicketDesk``: its status, priority and assignee, and since when the
other side waits for its answer.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from core.db import Base, UTCDateTime
from core.models._columns import created_at_column, enum_column, updated_at_column
from core.models.accounts import Account
from core.models.people import User
from core.models.subscriptions import Subscription


class TicketStatus(StrEnum):
    #: The desk owes an answer.
    OPEN = "open"
    #: The desk answered; the asker's turn.
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    #: The seller escalated it and waits for the account above it.
    WAITING_ON_UPSTREAM = "waiting_on_upstream"
    #: Answered; the asker writing within ``REOPEN_WINDOW`` reopens it.
    RESOLVED = "resolved"
    #: Done for good: a new question is a new ticket.
    CLOSED = "closed"


class TicketPriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Visibility(StrEnum):
    """Which thread a message belongs to, and so who reads it."""

    #: The requester and its seller (and the account above, where the seller allows it to write there).
    CUSTOMER = "customer"
    #: The author's own account only.
    INTERNAL = "internal"
    #: The seller and the account above it, once escalated.
    UPSTREAM = "upstream"


class Ticket(Base):
    """One request for help from ``requester`` to ``seller``, the account that sells to it."""

    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_seller_id_created_at", "seller_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    #: The seller's own seller, once the seller escalated the ticket to it.
    upstream_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(String(200))
    #: The seller lets the account above write in the customer's thread, as the seller.
    upstream_writes_to_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the customer's thread was last written in: what the requester sees as its last update.
    last_message_at: Mapped[datetime] = created_at_column()
    created_at: Mapped[datetime] = created_at_column()

    requester: Mapped[Account] = relationship(foreign_keys=[requester_id])
    seller: Mapped[Account] = relationship(foreign_keys=[seller_id])
    upstream: Mapped[Account | None] = relationship(foreign_keys=[upstream_id])
    subscription: Mapped[Subscription | None] = relationship()
    opened_by: Mapped[User] = relationship()
    desks: Mapped[list[TicketDesk]] = relationship(back_populates="ticket", order_by="TicketDesk.id")

    def desk_of(self, account_id: int | None) -> TicketDesk | None:
        return next((desk for desk in self.desks if desk.account_id == account_id), None)


class TicketDesk(Base):
    """One answering account's hold on a ticket: the seller's from the start, the upstream's once escalated."""

    __tablename__ = "ticket_desks"
    __table_args__ = (
        UniqueConstraint("ticket_id", "account_id"),
        Index("ix_ticket_desks_account_id_status", "account_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    status: Mapped[TicketStatus] = mapped_column(enum_column(TicketStatus, "ticket_status"))
    priority: Mapped[TicketPriority] = mapped_column(enum_column(TicketPriority, "ticket_priority"),
                                                     default=TicketPriority.NORMAL)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Since when the side this desk answers has waited for it; ``None`` once answered.
    awaiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    ticket: Mapped[Ticket] = relationship(back_populates="desks")
    account: Mapped[Account] = relationship()
    assignee: Mapped[User | None] = relationship()


class TicketMessage(Base):
    __tablename__ = "ticket_messages"
    __table_args__ = (Index("ix_ticket_messages_ticket_id_id", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility, "ticket_visibility"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The account the author wrote for: who an internal note belongs to, whose name a reader sees.
    author_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    body: Mapped[str] = mapped_column(Text)
    #: ``web``, ``api`` or ``email``: how it reached the ticket.
    source: Mapped[str] = mapped_column(String(8))
    #: The customer's message the seller chose to copy here when it escalated.
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_messages.id"))
    created_at: Mapped[datetime] = created_at_column()

    ticket: Mapped[Ticket] = relationship()
    author: Mapped[User] = relationship()
    author_account: Mapped[Account] = relationship()
    attachments: Mapped[list[TicketAttachment]] = relationship(back_populates="message",
                                                               order_by="TicketAttachment.id")


class TicketAttachment(Base):
    """A file sent with a message, kept as its bytes: its type is what the bytes are, never what its name says."""

    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("ticket_messages.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = created_at_column()

    message: Mapped[TicketMessage] = relationship(back_populates="attachments")


class TicketEvent(Base):
    """One change to a ticket, for its history: read by whoever reads the thread it belongs to."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket_id_id", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility, "ticket_visibility"))
    #: The account whose desk changed (or that acted): an internal event is its own.
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: ``opened``, ``status``, ``assigned``, ``priority``, ``escalated``, ``upstream_allowed``
    action: Mapped[str] = mapped_column(String(40))
    #: What changed, ``{"status": ["open", "resolved"]}``: old and new.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = created_at_column()

    ticket: Mapped[Ticket] = relationship()
    by: Mapped[User | None] = relationship()
