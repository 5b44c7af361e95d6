"""``/tasks``: the manual steps of provisioning waiting for a person of the caller's team.

A key sees the tasks on its team's list (an owner team's key sees every list of its account);
completing one lets its provisioning request go on where it stopped; declining one ends it.
"""

from __future__ import annotations

from flask import Response

from bss.api import bp
from bss.api.order_schemas import TaskCompletionSchema, TaskPageSchema, TaskQuerySchema, TaskSchema
from core.models.provisioning import TaskStatus
from core.services.manual_tasks import complete_task, decline_task, get_task, list_tasks
from web.api.auth import current_actor
from web.api.idempotency import commit_and_respond
from web.api.operations import operation, request_args, request_body, respond
from web.api.paging import page_of
from web.database import db


@bp.get("/tasks")
@operation(summary="List your team's tasks, oldest first (the open ones unless you ask).",
           response=TaskPageSchema, query=TaskQuerySchema)
def tasks() -> Response:
    args = request_args()
    rows = list_tasks(
        db.session,
        current_actor(),
        status=None if args["status"] == "all" else TaskStatus(args["status"]),
        after_id=args.get("cursor"),
        limit=args["limit"] + 1,
    )
    return respond(page_of(rows, args["limit"]))


@bp.get("/tasks/<int:task_id>")
@operation(summary="Read one of your team's tasks.", response=TaskSchema)
def task(task_id: int) -> Response:
    return respond(get_task(db.session, current_actor(), task_id))


@bp.post("/tasks/<int:task_id>/complete")
@operation(summary="Mark a task done; its provisioning goes on.", response=TaskSchema, body=TaskCompletionSchema,
           conflicts=True, idempotent=True)
def mark_task_done(task_id: int) -> Response:
    return commit_and_respond(complete_task(db.session, actor=current_actor(), task_id=task_id, **request_body()))


@bp.post("/tasks/<int:task_id>/decline")
@operation(summary="Decline a task (a renewal you do not approve): its provisioning request ends, nothing changes.",
           response=TaskSchema, body=TaskCompletionSchema, conflicts=True, idempotent=True)
def decline(task_id: int) -> Response:
    return commit_and_respond(decline_task(db.session, actor=current_actor(), task_id=task_id, **request_body()))
