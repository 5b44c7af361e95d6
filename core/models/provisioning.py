"""Provisioning requests (one per lifecycle change) and the manual tasks some of them wait for."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import Base, UTCDateTime
from core.models._columns import created_at_column, enum_column, updated_at_column
from core.models.accounts import Account
from core.models.orders import OrderLine
from core.models.people import Team, User
from core.models.subscriptions import Subscription
from core.product_lifecycle import LifecycleAction
from core.states import StateMachine


class RequestStatus(StrEnum):
    #: Due to run (first try, or a retry at ``next_attempt_at``).
    PENDING = "pending"
    #: A worker holds it and is talking to the vendor.
    RUNNING = "running"
    #: The vendor is working on it; it is polled at ``next_attempt_at``.
    WAITING = "waiting"
    #: A person must act first: it waits for its manual task.
    MANUAL = "manual"
    DONE = "done"
    FAILED = "failed"


R = RequestStatus

REQUEST_STATES = StateMachine(
    "provisioning request",
    {
        R.PENDING: {R.RUNNING, R.FAILED},
        R.RUNNING: {R.DONE, R.FAILED, R.PENDING, R.WAITING, R.MANUAL},
        R.WAITING: {R.RUNNING, R.FAILED},
        R.MANUAL: {R.PENDING, R.FAILED},
        R.DONE: set(),
        R.FAILED: set(),
    },
)

#: Statuses of a request that is not over yet.
OPEN_REQUEST_STATUSES = frozenset({R.PENDING, R.RUNNING, R.WAITING, R.MANUAL})


class ProvisioningRequest(Base):
    __tablename__ = "provisioning_requests"
    __table_args__ = (
        Index("ix_provisioning_requests_status_next_attempt_at", "status", "next_attempt_at"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("retries >= 0", name="retries_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    action: Mapped[LifecycleAction] = mapped_column(enum_column(LifecycleAction, "lifecycle_action"))
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, "request_status"), default=RequestStatus.PENDING
    )
    #: What the change is: the new plan, quantity and price, the suspension's reason, ...
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Keys of the manual steps completed for it.
    completed_steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The order line it provisions, when an order asked for it.
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"), index=True)
    #: Times a worker took it up (first tries, retries and polls).
    attempts: Mapped[int] = mapped_column(default=0)
    #: Failures that a retry could fix, so far; past ``MAX_RETRIES`` the request fails.
    retries: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: A running request whose worker has not answered by then is given to another worker.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Past it, the request fails and the seller is told.
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The vendor's last word: what is awaited, or why it failed.
    detail: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    subscription: Mapped[Subscription] = relationship()
    order_line: Mapped[OrderLine | None] = relationship()
    requested_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    @property
    def idempotency_key(self) -> str:
        """What the vendor dedupes on: the same for every attempt of this request."""
        return f"cascade-provisioning-{self.id}"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    #: Its request ended another way (failed, past its deadline).
    CANCELLED = "cancelled"


TASK_STATES = StateMachine(
    "manual task",
    {TaskStatus.OPEN: {TaskStatus.DONE, TaskStatus.CANCELLED}, TaskStatus.DONE: set(), TaskStatus.CANCELLED: set()},
)


class ManualTask(Base):
    """A step a person must take before a provisioning request can go on: of the seller (a payment
    to confirm), or of the payer (a renewal its customer asked for, to approve)."""

    __tablename__ = "manual_tasks"
    __table_args__ = (Index("ix_manual_tasks_account_id_status", "account_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("provisioning_requests.id"), index=True)
    #: The account whose people do it.
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    step_key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    instructions: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus, "task_status"), default=TaskStatus.OPEN)
    created_at: Mapped[datetime] = created_at_column()
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: What the person noted on completing it (a payment reference, say).
    note: Mapped[str] = mapped_column(Text, default="")

    request: Mapped[ProvisioningRequest] = relationship()
    account: Mapped[Account] = relationship()
    team: Mapped[Team] = relationship()
    completed_by: Mapped[User | None] = relationship()
