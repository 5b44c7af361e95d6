"""Publishing work to the worker once the transaction that decided it has committed.

What a transaction makes due is gathered as it flushes: new outbox emails, new TMF events, and
provisioning requests that become due (new, to retry, to poll, released by a completed task).
Once it commits, the work goes out in as few messages as it can: one ``carry_out`` task for the
requests due now and all the emails (an order is one message: its activation and its emails),
a ``provision`` task timed for the next attempt of each request due later, and a ``send_event``
task per TMF event, each retried on its own. A worker's task that sends emails itself takes
those its own transaction queued off the list before it commits (``keep_emails``), so that its
commit publishes nothing for them. Rows are found by watching flushes, so services never think
about Celery.

Tasks are named rather than imported, because ``bss.tasks`` imports this module for
``keep_emails``; the worker imports them (``imports`` in ``bss.worker.celery_settings``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from celery import current_app as current_celery
from flask import Flask
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction

from core.clock import utcnow
from core.db import after_commit
from core.models.event_hubs import EventDelivery
from core.models.outbox import OutboxEmail
from core.models.provisioning import ProvisioningRequest, RequestStatus
from web.database import db

#: Statuses in which a request waits for a worker.
DUE = (RequestStatus.PENDING, RequestStatus.WAITING)
#: Where a session keeps what its transaction made due.
_DUE_WORK = "cascade.due_work"


@dataclass
class DueWork:
    """What one transaction made due, by id."""

    #: Requests due now.
    requests: list[int] = field(default_factory=list)
    #: Requests due later, with the seconds until their next attempt.
    later: dict[int, float] = field(default_factory=dict)
    emails: list[int] = field(default_factory=list)
    events: list[int] = field(default_factory=list)

    def publish(self) -> None:
        """Send the messages for this work to the broker."""
        celery = current_celery  # the default one, ``celery_init_app``'s, whichever Flask app (a storefront's) committed
        if self.requests or self.emails:
            celery.send_task("bss.tasks.carry_out", (self.requests, self.emails))
        for request_id, countdown in self.later.items():
            celery.send_task("bss.tasks.provision", (request_id,), countdown=countdown)
        for delivery_id in self.events:
            celery.send_task("bss.tasks.send_event", (delivery_id,))


def _due_work(session: Session) -> DueWork:
    """The work the session's transaction has made due so far, published once it commits."""
    work = session.info.get(_DUE_WORK)
    if work is None:
        work = session.info[_DUE_WORK] = DueWork()
        after_commit(session, work.publish)
    return work


def keep_emails(session: Session) -> list[int]:
    """Take the emails the session's transaction has queued so far off what its commit publishes,
    and return their ids: the caller sends them itself once it has committed."""
    work = session.info.get(_DUE_WORK)
    if work is None:
        return []
    kept, work.emails = work.emails, []
    return kept


def init_dispatch(app: Flask) -> None:
    """Publish the tasks for what a flush made due, after its transaction commits."""

    def gather_due_work(session: Session, _context: Any) -> None:
        for obj in session.new:
            if isinstance(obj, OutboxEmail):
                _due_work(session).emails.append(obj.id)
            elif isinstance(obj, EventDelivery):
                _due_work(session).events.append(obj.id)
        for obj in (*session.new, *session.dirty):
            if not isinstance(obj, ProvisioningRequest) or obj.status not in DUE:
                continue
            if obj in session.new or inspect(obj).attrs.status.history.has_changes():
                countdown = (obj.next_attempt_at - utcnow()).total_seconds()
                work = _due_work(session)
                if countdown > 0:
                    work.later[obj.id] = countdown
                elif obj.id not in work.requests:
                    work.requests.append(obj.id)

    def forget_due_work(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:  # committed (and published) or rolled back: a new transaction starts afresh
            session.info.pop(_DUE_WORK, None)

    event.listen(db.state(app).session_factory, "after_flush", gather_due_work)
    event.listen(db.state(app).session_factory, "after_transaction_end", forget_due_work)
