"""Recording changes in the audit log, and reading the part of it a seller may see."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.models.accounts import Account
from core.models.audit import AuditEvent
from core.models.people import User


def record_event(
    session: Session,
    *,
    account: Account,
    by: User | None,
    action: str,
    target: Any,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event about ``target`` (a mapped object with an ``id``) in ``account``."""
    session.flush()  # the target needs its id
    event = AuditEvent(
        account_id=account.id,
        actor_id=by.id if by else None,
        action=action,
        target_type=type(target).__name__.lower(),
        target_id=target.id,
        changes=changes or {},
    )
    session.add(event)
    return event


def audit_events(session: Session, viewer: Account, limit: int = 100) -> list[AuditEvent]:
    """Return the newest events about ``viewer`` and the accounts below it."""
    return list(
        session.scalars(
            select(AuditEvent)
            .join(Account, Account.id == AuditEvent.account_id)
            .options(joinedload(AuditEvent.account), joinedload(AuditEvent.actor))
            .where(Account.path.startswith(viewer.path, autoescape=True))
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
    )
