"""Publishing work to the worker once the transaction that decided it has committed.

New outbox emails get a ``send_email`` task, new TMF events a ``send_event`` task; a
provisioning request that becomes due (new, to retry, to poll, released by a completed task)
gets a ``provision`` task timed for its next attempt. Rows are found by watching flushes, so
services never think about Celery.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from bss.tasks import provision, send_email, send_event
from core.clock import utcnow
from core.db import after_commit
from core.models.event_hubs import EventDelivery
from core.models.outbox import OutboxEmail
from core.models.provisioning import ProvisioningRequest, RequestStatus
from web.database import db

#: Statuses in which a request waits for a worker.
DUE = (RequestStatus.PENDING, RequestStatus.WAITING)


def _publish_request(request_id: int, countdown: float) -> None:
    provision.apply_async((request_id,), countdown=countdown)


def init_dispatch(app: Flask) -> None:
    """Publish the tasks for what a flush made due, after its transaction commits."""

    def publish_due_work(session: Session, _context: Any) -> None:
        for obj in session.new:
            if isinstance(obj, OutboxEmail):
                after_commit(session, lambda email_id=obj.id: send_email.delay(email_id))
            elif isinstance(obj, EventDelivery):
                after_commit(session, lambda delivery_id=obj.id: send_event.delay(delivery_id))
        for obj in (*session.new, *session.dirty):
            if not isinstance(obj, ProvisioningRequest) or obj.status not in DUE:
                continue
            if obj in session.new or inspect(obj).attrs.status.history.has_changes():
                countdown = max((obj.next_attempt_at - utcnow()).total_seconds(), 0)
                after_commit(session, lambda request_id=obj.id, countdown=countdown: _publish_request(request_id, countdown))

    event.listen(db.state(app).session_factory, "after_flush", publish_due_work)
