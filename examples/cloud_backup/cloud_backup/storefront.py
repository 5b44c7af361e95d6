"""The vault's page on the customer's storefront: its size, its restores, and asking for one."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from cloud_backup.product import KEY
from cloud_backup.restores import list_restores, request_restore
from core.errors import ConflictError, ValidationError
from core.models.subscriptions import Subscription
from core.permissions import Permission
from core.services.subscriptions import get_subscription
from web.database import db
from web.pages import StorefrontPages, can, current_account, current_actor, render_page, sign_in_required

bp = Blueprint("cloud_backup", __name__, url_prefix="/backup", template_folder="templates")


def _links(subscription: Subscription) -> list[tuple[str, str]]:
    if subscription.product.key != KEY:
        return []
    return [(_("Backups and restores"), url_for("cloud_backup.vault", subscription_id=subscription.id))]


pages = StorefrontPages(bp, subscription_links=_links)


def _page(subscription_id: int, *, errors: dict[str, list[str]] | None = None, problem: str = "",
          status: int = 200) -> tuple[str, int]:
    account = current_account()
    vault = get_subscription(db.session, account, subscription_id)
    return render_page("cloud_backup/vault.html", vault=vault, restores=list_restores(db.session, account, vault.id),
                       can_restore=can(Permission.MANAGE_SUBSCRIPTIONS), errors=errors or {}, problem=problem,
                       form=request.form), status


@bp.get("/<int:subscription_id>")
@sign_in_required
def vault(subscription_id: int) -> tuple[str, int]:
    return _page(subscription_id)


@bp.post("/<int:subscription_id>/restores")
@sign_in_required
def ask_restore(subscription_id: int) -> Response | tuple[str, int]:
    try:
        restore_point = date.fromisoformat(request.form.get("restore_point", ""))
    except ValueError:
        restore_point = None
    try:
        restore = request_restore(db.session, actor=current_actor(), subscription_id=subscription_id,
                                  restore_point=restore_point, note=request.form.get("note", ""))
    except ValidationError as error:
        db.session.rollback()
        return _page(subscription_id, errors=error.fields, status=422)
    except ConflictError as error:
        db.session.rollback()
        return _page(subscription_id, problem=error.detail, status=409)
    db.session.commit()
    flash(_("Your restore of %(day)s is asked for: we will let you know when it is done.",
            day=restore.restore_point.isoformat()), "info")
    return redirect(url_for("cloud_backup.vault", subscription_id=subscription_id))
