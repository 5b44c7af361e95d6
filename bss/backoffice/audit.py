"""The audit log of the acting account and the accounts below it."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from bss.auth import acting_account
from bss.backoffice import bp
from core.permissions import Permission
from core.services.audit import audit_events
from core.services.people import require_permission
from web.database import db


@bp.get("/audit")
@login_required
def audit() -> str:
    account = acting_account()
    require_permission(db.session, current_user.user, account, Permission.MANAGE_TEAM)
    return render_template("backoffice/audit.html", account=account, events=audit_events(db.session, account))
