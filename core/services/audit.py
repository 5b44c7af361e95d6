"""Recording changes in the audit log, and reading the part of it a seller may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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


@dataclass(frozen=True)
class AuditFilter:
    """What a reader of the audit log narrows it to; each part left out keeps everything."""

    #: A person, by id; ``AUTOMATIC`` for what the platform did by itself.
    actor_id: int | None = None
    #: What kind of thing changed: the start of the action (``subscription`` finds ``subscription.cancelled``).
    area: str = ""
    #: From this moment (included) to that one (excluded).
    since: datetime | None = None
    until: datetime | None = None


#: ``AuditFilter.actor_id`` for the events no person caused.
AUTOMATIC = 0
#: How many of the latest events offer the people and areas a reader narrows the log to.
CHOICES_FROM = 2000


def audit_events(session: Session, viewer: Account, filters: AuditFilter = AuditFilter(), *,
                 before_id: int | None = None, limit: int = 100) -> list[AuditEvent]:
    """Return the newest events about ``viewer`` and the accounts below it that ``filters`` keeps, older than
    ``before_id`` when given (the next page, newest first)."""
    query = (select(AuditEvent)
             .join(Account, Account.id == AuditEvent.account_id)
             .options(joinedload(AuditEvent.account), joinedload(AuditEvent.actor))
             .where(Account.path.startswith(viewer.path, autoescape=True)))
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id.is_(None) if filters.actor_id == AUTOMATIC
                            else AuditEvent.actor_id == filters.actor_id)
    if filters.area:
        query = query.where(AuditEvent.action.startswith(f"{filters.area}.", autoescape=True))
    if filters.since is not None:
        query = query.where(AuditEvent.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEvent.created_at < filters.until)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))


def audit_choices(session: Session, viewer: Account) -> tuple[list[User], list[str]]:
    """Whom and what the viewer's audit log can be narrowed to: the people who acted and the areas that changed in its
    latest ``CHOICES_FROM`` events (two statements, however long the log)."""
    latest = (select(AuditEvent.action, AuditEvent.actor_id)
              .join(Account, Account.id == AuditEvent.account_id)
              .where(Account.path.startswith(viewer.path, autoescape=True))
              .order_by(AuditEvent.id.desc()).limit(CHOICES_FROM)).subquery()
    rows = session.execute(select(latest.c.action, latest.c.actor_id).distinct()).all()
    actor_ids = {actor_id for _, actor_id in rows if actor_id is not None}
    people = list(session.scalars(select(User).where(User.id.in_(actor_ids)).order_by(User.name, User.email)))
    return people, sorted({action.partition(".")[0] for action, _ in rows})
