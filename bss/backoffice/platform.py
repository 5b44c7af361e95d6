"""The platform operator's pages: distributors and their programme (tier, add-ons, Service Manager)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from bss.backoffice import bp
from core.errors import NotFoundError, ValidationError
from core.models.accounts import Account, AccountKind
from core.services.distributors import set_distributor_programme
from web.database import db


def operator_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.user.platform_operator:
            abort(403, gettext("Only platform operators can see this page."))
        return view(*args, **kwargs)

    return wrapper


def _distributors() -> list[Account]:
    return list(db.session.scalars(select(Account).where(Account.kind == AccountKind.DISTRIBUTOR).order_by(Account.name)))


@bp.get("/platform/distributors")
@operator_required
def distributors() -> str:
    return render_template("backoffice/distributors.html", distributors=_distributors(), errors={}, editing=None)


@bp.post("/platform/distributors/<int:account_id>")
@operator_required
def update_distributor(account_id: int) -> Response | tuple[str, int]:
    account = db.session.get(Account, account_id)
    if account is None or account.kind is not AccountKind.DISTRIBUTOR:
        raise NotFoundError(gettext("No distributor %(id)s.", id=account_id))
    try:
        set_distributor_programme(
            db.session,
            account=account,
            by=current_user.user,
            tier=request.form.get("tier"),
            addons=request.form.get("addons", "").replace(",", " ").split(),
            service_manager_active=request.form.get("service_manager_active") == "on",
        )
    except ValidationError as error:
        db.session.rollback()
        page = render_template(
            "backoffice/distributors.html", distributors=_distributors(), errors=error.fields, editing=account_id
        )
        return page, 422
    db.session.commit()
    flash(gettext("%(account)s's programme is saved.", account=account.name), "info")
    return redirect(url_for("backoffice.distributors"))
