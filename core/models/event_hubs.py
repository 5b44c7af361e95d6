"""TMF event hubs: the listeners an API key registered, and each event on its way to one of them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import Base, UTCDateTime
from core.models._columns import created_at_column, enum_column
from core.models.accounts import Account
from core.states import StateMachine


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


DELIVERY_STATES = StateMachine(
    "event delivery",
    {
        DeliveryStatus.PENDING: {DeliveryStatus.SENT, DeliveryStatus.FAILED},
        DeliveryStatus.SENT: set(),
        DeliveryStatus.FAILED: set(),
    },
)


class EventHub(Base):
    """A listener registered on one TMF API's ``/hub``."""

    __tablename__ = "event_hubs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The account whose API key registered it: it hears of what that account may see, and only it may delete it.
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: The TMF API it listens to, as its path names it (``productOrderingManagement``).
    api: Mapped[str] = mapped_column(String(40))
    callback: Mapped[str] = mapped_column(String(2000))
    #: TMF's filter as registered (``eventType=ProductOrderStateChangeEvent``); none hears every event.
    query: Mapped[str | None] = mapped_column(String(1000))
    #: The event types ``query`` names; empty for every one.
    event_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Signs each event sent (HMAC-SHA256); shown once, when the hub is registered.
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()

    account: Mapped[Account] = relationship()

    def hears(self, event_type: str) -> bool:
        """Whether an event of ``event_type`` passes the hub's filter."""
        return not self.event_types or event_type in self.event_types


class EventDelivery(Base):
    """One event to one hub: written in the transaction that decides it, sent by the worker after the commit."""

    __tablename__ = "event_deliveries"
    __table_args__ = (CheckConstraint("attempts >= 0", name="attempts_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("event_hubs.id", ondelete="CASCADE"), index=True)
    #: The event's ``eventId``, the same on every attempt: a listener dedupes on it.
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(60))
    event_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: What the event is about (``{"order_id": 7, "status": "completed"}``): the TMF resource is rendered from it when sent.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    #: When the next attempt is due; while a worker sends it, the end of its lease.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    hub: Mapped[EventHub] = relationship()
