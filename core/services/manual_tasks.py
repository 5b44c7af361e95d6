"""Manual tasks: the steps a seller's people take so that provisioning can go on."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, joinedload

from core.clock import utcnow
from core.code_words import status_said
from core.errors import ConflictError, NotFoundError, ValidationError
from core.languages import quoted, say
from core.models.provisioning import TASK_STATES, ManualTask, ProvisioningRequest, RequestStatus, TaskStatus
from core.models.subscriptions import Subscription
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.provisioning import fail_request, release_request

NOTE_MAX_LENGTH = 2000


def _on_lists_of(actor: Actor) -> list[ColumnElement[bool]]:
    """The account's tasks on the actor's teams' lists; the owner team sees every list."""
    conditions = [ManualTask.account_id == actor.account.id]
    if not actor.in_owner_team:
        conditions.append(ManualTask.team_id.in_(actor.team_ids))
    return conditions


def _tasks_query(actor: Actor) -> Select[tuple[ManualTask]]:
    return (
        select(ManualTask)
        .where(*_on_lists_of(actor))
        .options(joinedload(ManualTask.team),
                 joinedload(ManualTask.request).joinedload(ProvisioningRequest.subscription)
                 .joinedload(Subscription.owner))
    )


def list_tasks(session: Session, actor: Actor, *, status: TaskStatus | None = TaskStatus.OPEN,
               after_id: int | None = None, limit: int = 50, newest_first: bool = False) -> list[ManualTask]:
    """The tasks for the actor's teams (open ones unless told), oldest first unless told.

    ``after_id`` continues a page: ids past it in the order asked.
    """
    query = _tasks_query(actor)
    if status is not None:
        query = query.where(ManualTask.status == status)
    if after_id is not None:
        query = query.where(ManualTask.id < after_id if newest_first else ManualTask.id > after_id)
    order = ManualTask.id.desc() if newest_first else ManualTask.id
    return list(session.scalars(query.order_by(order).limit(limit)))


def count_open_tasks(session: Session, actor: Actor) -> int:
    """How many tasks wait on the actor's teams' lists."""
    return session.scalar(
        select(func.count(ManualTask.id)).where(*_on_lists_of(actor), ManualTask.status == TaskStatus.OPEN)
    ) or 0


def get_task(session: Session, actor: Actor, task_id: int) -> ManualTask:
    task = session.scalar(_tasks_query(actor).where(ManualTask.id == task_id))
    if task is None:
        raise NotFoundError(say("No task %(id)s.", id=task_id))
    return task


def complete_task(session: Session, *, actor: Actor, task_id: int, note: str = "") -> ManualTask:
    """Mark a task done; its provisioning request goes on where it stopped."""
    task = _close(session, actor, task_id, note, TaskStatus.DONE)
    if task.request.status is RequestStatus.MANUAL:
        release_request(session, task.request, task.step_key)
    record_event(session, account=actor.account, by=actor.user, action="task.completed", target=task,
                 changes={"title": task.title, "note": note.strip()})
    return task


def decline_task(session: Session, *, actor: Actor, task_id: int, note: str = "") -> ManualTask:
    """Say no to a task (a renewal not approved, a payment that never came): its request fails,
    with the note as the reason, and the subscription stays as it was."""
    task = _close(session, actor, task_id, note, TaskStatus.CANCELLED)
    if task.request.status is RequestStatus.MANUAL:
        why = f": {task.note}" if task.note else "."
        fail_request(session, task.request, f"{actor.account.name} declined {task.title!r}{why}")
    record_event(session, account=actor.account, by=actor.user, action="task.declined", target=task,
                 changes={"title": task.title, "note": task.note})
    return task


def _close(session: Session, actor: Actor, task_id: int, note: str, status: TaskStatus) -> ManualTask:
    task = session.scalar(_tasks_query(actor).where(ManualTask.id == task_id).with_for_update(of=ManualTask))
    if task is None:
        raise NotFoundError(say("No task %(id)s.", id=task_id))
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": [say("Use at most %(most)s characters.", most=NOTE_MAX_LENGTH)]})
    if task.status is not TaskStatus.OPEN:
        raise ConflictError(say("The task %(task)s is %(status)s already.", task=quoted(task.title),
                                status=status_said(task.status)))
    task.status = TASK_STATES.check(task.status, status)
    task.completed_at = utcnow()
    task.completed_by = actor.user
    task.note = note
    return task
