"""Publishing new outbox rows to the worker once their transaction has committed."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from bss.extensions import db
from bss.tasks import send_email
from core.db import after_commit
from core.models.outbox import OutboxEmail


def init_outbox(app: Flask) -> None:
    """Publish a ``send_email`` task for each email row once its transaction has committed."""

    def publish_new_emails(session: Session, _context: Any) -> None:
        for obj in session.new:
            if isinstance(obj, OutboxEmail):
                after_commit(session, lambda email_id=obj.id: send_email.delay(email_id))

    event.listen(db.state(app).session_factory, "after_flush", publish_new_emails)
