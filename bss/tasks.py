"""Celery tasks: thin shells that load by id, call one service and commit."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import Task, shared_task
from flask import current_app

from bss.extensions import db
from core.clock import utcnow
from core.mail import MailTransport, transport_for
from core.models.outbox import EmailStatus
from core.services.outbox import deliver_email, overdue_email_ids

log = logging.getLogger(__name__)

#: How late a pending email may be before the sweep publishes it again.
OUTBOX_GRACE = timedelta(minutes=2)


def mail_transport() -> MailTransport:
    """The transport ``CASCADE_MAIL_URL`` names: SMTP, or .eml files under ``instance/outbox``."""
    config = current_app.config
    return transport_for(config["CASCADE_MAIL_URL"], config["CASCADE_INSTANCE_PATH"] / "outbox")


@shared_task(bind=True, max_retries=None)
def send_email(self: Task, email_id: int) -> None:
    """Deliver one outbox email; retry with backoff while the failure is temporary."""
    email = deliver_email(db.session, email_id, mail_transport(), current_app.config["CASCADE_MAIL_FROM"])
    db.session.commit()
    if email is None:
        return
    if email.status is EmailStatus.PENDING:
        countdown = max((email.next_attempt_at - utcnow()).total_seconds(), 0)
        log.warning("email %s: attempt %s failed (%s), retrying in %ss", email.id, email.attempts, email.last_error, countdown)
        raise self.retry(countdown=countdown)
    log.info("email %s to %s: %s", email.id, email.to_address, email.status)


@shared_task
def sweep_outbox() -> None:
    """Publish again the emails whose task was lost (broker down at commit time, say)."""
    for email_id in overdue_email_ids(db.session, OUTBOX_GRACE):
        send_email.delay(email_id)
