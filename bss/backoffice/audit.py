"""The audit log of the acting account and the accounts below it: newest first, narrowed by who, what and when,
a page at a time, each event as a sentence ("Placed order 17") and each change in words ("Status: active → suspended"),
in the reader's language (``web.audit_words``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import render_template, request
from flask_babel import gettext
from flask_login import current_user, login_required

from bss.auth import acting_account
from bss.backoffice import bp
from core.errors import ValidationError
from core.permissions import Permission
from core.services.audit import AUTOMATIC, AuditFilter, audit_choices, audit_events
from core.services.people import require_permission
from web.audit_words import audit_actions, change_of, sentence
from web.database import db
from web.forms import whole_number

#: Events per page.
PAGE = 50


@bp.get("/audit")
@login_required
def audit() -> str:
    account = acting_account()
    require_permission(db.session, current_user.user, account, Permission.MANAGE_TEAM)
    people, areas = audit_choices(db.session, account)
    errors: dict[str, list[str]] = {}
    filters = AuditFilter(actor_id=_who(errors), area=_area(areas, errors), since=_day("since", errors),
                          until=_day("until", errors, next_day=True))
    before = whole_number(request.args.get("before"), "before", errors)
    if errors:
        raise ValidationError(errors)
    events = audit_events(db.session, account, filters, before_id=before, limit=PAGE + 1)
    return render_template("backoffice/audit.html", account=account, events=events[:PAGE], people=people, areas=areas,
                           more=events[PAGE - 1].id if len(events) > PAGE else None, shown=request.args,
                           actions=audit_actions(), sentence=sentence, change_of=change_of, AUTOMATIC=AUTOMATIC)


def _who(errors: dict[str, list[str]]) -> int | None:
    raw = request.args.get("who") or ""
    return AUTOMATIC if raw == "automatic" else whole_number(raw, "who", errors)


def _area(areas: list[str], errors: dict[str, list[str]]) -> str:
    area = request.args.get("area") or ""
    if area and area not in areas:
        errors["area"] = [gettext("Choose one of %(areas)s.", areas=", ".join(areas))]
    return area


def _day(name: str, errors: dict[str, list[str]], *, next_day: bool = False) -> datetime | None:
    """A day the query names (``YYYY-MM-DD``) as the moment it starts, UTC; ``next_day`` for the moment it ends."""
    raw = request.args.get(name) or ""
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        errors[name] = [gettext("Give a day as YYYY-MM-DD.")]
        return None
    return datetime.combine(day + timedelta(days=1 if next_day else 0), time(tzinfo=UTC))
