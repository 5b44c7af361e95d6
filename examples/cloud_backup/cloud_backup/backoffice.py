"""Restores in the back office: what the seller's customers asked for, and marking one done."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from cloud_backup.restores import RestoreStatus, complete_restore, list_restores
from core.permissions import Permission
from web.database import db
from web.formatting import day
from web.forms import enum_arg
from web.pages import BackofficePages, NavEntry, Section, current_account, current_actor, render_page, sign_in_required

bp = Blueprint("cloud_backup", __name__, url_prefix="/backup", template_folder="templates")
pages = BackofficePages(bp, nav=(NavEntry("Restores", "cloud_backup.restores", Section.SUPPORT,
                                          Permission.MANAGE_SUBSCRIPTIONS),))


@bp.get("/restores")
@sign_in_required
def restores() -> str:
    status = enum_arg(RestoreStatus, "status", _("a restore status"))
    return render_page("cloud_backup/restores.html", restores=list_restores(db.session, current_account(), status=status),
                       status=status, statuses=list(RestoreStatus), viewer=current_account())


@bp.post("/restores/<int:restore_id>/done")
@sign_in_required
def mark_done(restore_id: int) -> Response:
    restore = complete_restore(db.session, actor=current_actor(), restore_id=restore_id)
    db.session.commit()
    flash(_("The restore of %(customer)s's vault to %(day)s is done.", customer=restore.subscription.owner.name,
            day=day(restore.restore_point)), "info")
    return redirect(url_for("cloud_backup.restores"))
