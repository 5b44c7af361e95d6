"""Manual tasks: the steps a seller's people take so that provisioning can go on."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext
from flask_babel.speaklater import LazyString
from flask_login import login_required
from werkzeug.wrappers import Response

from bss.auth import current_actor
from bss.backoffice import bp
from core.errors import ValidationError
from core.models.provisioning import ManualTask, TaskStatus
from core.services.manual_tasks import complete_task, decline_task, list_tasks
from web.database import db
from web.redirects import safe_next

#: Open tasks shown at once; there are rarely more, and the oldest come first.
OPEN_SHOWN = 100
#: Done tasks shown, newest first.
DONE_SHOWN = 20


def _tasks_page(
    errors: dict[str, list[str]] | None = None, task_id: int | None = None, note: str = ""
) -> tuple[str, int]:
    """The tasks page; with ``errors``, the note typed for ``task_id`` kept beside them, and a 422."""
    actor = current_actor()
    return render_template(
        "backoffice/tasks.html",
        open_tasks=list_tasks(db.session, actor, status=TaskStatus.OPEN, limit=OPEN_SHOWN),
        done_tasks=list_tasks(db.session, actor, status=TaskStatus.DONE, limit=DONE_SHOWN, newest_first=True),
        errors=errors or {},
        failed_task_id=task_id,
        note=note,
    ), 422 if errors else 200


@bp.get("/tasks")
@login_required
def tasks() -> tuple[str, int]:
    return _tasks_page()


@bp.post("/tasks/<int:task_id>/complete")
@login_required
def complete_task_view(task_id: int) -> Response | tuple[str, int]:
    return _close(task_id, complete_task, lazy_gettext("Done: %(task)s. %(product)s for %(owner)s goes on."))


@bp.post("/tasks/<int:task_id>/decline")
@login_required
def decline_task_view(task_id: int) -> Response | tuple[str, int]:
    return _close(task_id, decline_task, lazy_gettext("Declined: %(task)s. %(product)s for %(owner)s stays as it was."))


def _close(task_id: int, close: Callable[..., ManualTask], said: LazyString) -> Response | tuple[str, int]:
    """Complete or decline a task with the note typed; back to where the form was, saying so."""
    note = request.form.get("note", "")
    try:
        task = close(db.session, actor=current_actor(), task_id=task_id, note=note)
    except ValidationError as error:
        db.session.rollback()
        return _tasks_page(error.fields, task_id, note)
    db.session.commit()
    subscription = task.request.subscription
    flash(said % {"task": task.title, "product": subscription.product.name, "owner": subscription.owner.name}, "info")
    return redirect(safe_next(request.form.get("next"), url_for("backoffice.tasks")))
