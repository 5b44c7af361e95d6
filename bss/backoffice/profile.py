"""The signed-in person's own settings: their name, and the language of their pages and emails."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext, refresh
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from bss.backoffice import bp
from core.errors import ValidationError
from core.languages import LANGUAGE_NAMES
from core.services.people import update_profile
from web.database import db


def _page(status: int = 200, **context: object) -> tuple[str, int]:
    return render_template("backoffice/profile.html", person=current_user.user, languages=LANGUAGE_NAMES,
                           **context), status


@bp.get("/profile")
@login_required
def profile() -> tuple[str, int]:
    return _page()


@bp.post("/profile")
@login_required
def save_profile() -> Response | tuple[str, int]:
    form = {"name": request.form.get("name", ""), "locale": request.form.get("locale") or None}
    try:
        update_profile(db.session, current_user.user, name=form["name"], locale=form["locale"])
    except ValidationError as error:
        db.session.rollback()
        return _page(422, errors=error.fields, form=form)
    db.session.commit()
    refresh()  # the language chosen applies from this answer on: the confirmation is in it
    flash(gettext("Your settings are saved."), "info")
    return redirect(url_for("backoffice.profile"))
