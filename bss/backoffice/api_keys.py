"""API keys in the back office: made for one of your teams, shown once, revocable."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from bss.auth import acting_account
from bss.backoffice import bp
from core.errors import NotFoundError, ValidationError
from core.services.api_keys import api_keys_of, create_api_key, key_teams, revoke_api_key
from core.services.entitlements import api_refusal
from web.confirmation import Question, carried_fields, is_confirmed
from web.database import db


def _page(status: int = 200, **context: object) -> tuple[str, int]:
    account = acting_account()
    page = render_template(
        "backoffice/api_keys.html",
        account=account,
        keys=api_keys_of(db.session, account, current_user.user),
        teams=key_teams(db.session, account, current_user.user),
        refusal=api_refusal(db.session, account),
        **context,
    )
    return page, status


@bp.get("/api-keys")
@login_required
def api_keys() -> tuple[str, int]:
    return _page()


@bp.post("/api-keys")
@login_required
def create_key() -> tuple[str, int]:
    team = next((team for team in key_teams(db.session, acting_account(), current_user.user)
                 if team.id == request.form.get("team_id", type=int)), None)
    try:
        if team is None:
            raise ValidationError({"team_id": [gettext("Choose one of your teams in this account.")]})
        new_key = create_api_key(db.session, user=current_user.user, team=team, name=request.form.get("name", ""))
    except ValidationError as error:
        db.session.rollback()
        return _page(422, errors=error.fields, name=request.form.get("name", ""))
    db.session.commit()
    return _page(secret=new_key.secret, new_key=new_key.api_key)


@bp.post("/api-keys/<int:api_key_id>/revoke")
@login_required
def revoke_key(api_key_id: int) -> Response | str:
    if not is_confirmed():
        shown = next((key for key in api_keys_of(db.session, acting_account(), current_user.user) if key.id == api_key_id),
                     None)
        if shown is None:
            raise NotFoundError(gettext("No API key %(id)s.", id=api_key_id))
        return render_template("backoffice/confirm.html", fields=carried_fields(), question=Question(
            gettext("Revoke the key %(name)s (%(prefix)s…)?", name=shown.name, prefix=shown.prefix),
            gettext("Every program that uses it is refused from then on. It cannot be undone: make a new key instead."),
            gettext("Yes, revoke it"), url_for("backoffice.api_keys")))
    api_key = revoke_api_key(db.session, account=acting_account(), api_key_id=api_key_id, by=current_user.user)
    db.session.commit()
    flash(gettext("The key %(name)s (%(prefix)s…) no longer works.", name=api_key.name, prefix=api_key.prefix), "info")
    return redirect(url_for("backoffice.api_keys"))
