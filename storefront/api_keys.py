"""API keys on the storefront: a customer's programs reach the shop's API (on the shop's own host) with them.

A key is made for one of the signed-in person's teams and acts with that team's permissions; it is shown
once. Everyone sees the keys they made; people who manage the organisation see all of the account's.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from core.errors import NotFoundError
from core.services.api_keys import api_keys_of, create_api_key, key_teams, revoke_api_key
from storefront.auth import customer_account
from storefront.themes import render_page
from web.confirmation import Question, carried_fields, is_confirmed
from web.database import db
from web.pages import sign_in_required

bp = Blueprint("shop_api_keys", __name__)


def _page(status: int = 200, **context: object) -> tuple[str, int]:
    account = customer_account()
    return render_page("api_keys.html", account=account, keys=api_keys_of(db.session, account, current_user.user),
                       teams=key_teams(db.session, account, current_user.user), **context), status


@bp.get("/api-keys")
@sign_in_required
def api_keys() -> tuple[str, int]:
    return _page()


@bp.post("/api-keys")
@sign_in_required
def create_key() -> tuple[str, int]:
    name = request.form.get("name", "")
    team = next((team for team in key_teams(db.session, customer_account(), current_user.user)
                 if team.id == request.form.get("team_id", type=int)), None)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Name the key after what will use it.")]
    if team is None:
        errors["team_id"] = [_("Choose one of your teams.")]
    if team is None or errors:
        return _page(422, errors=errors, name=name)
    new_key = create_api_key(db.session, user=current_user.user, team=team, name=name)
    db.session.commit()
    return _page(secret=new_key.secret, new_key=new_key.api_key)


@bp.post("/api-keys/<int:api_key_id>/revoke")
@sign_in_required
def revoke_key(api_key_id: int) -> Response | tuple[str, int]:
    account = customer_account()
    if not is_confirmed():
        shown = next((key for key in api_keys_of(db.session, account, current_user.user) if key.id == api_key_id), None)
        if shown is None:
            raise NotFoundError(f"No API key {api_key_id}.")
        return render_page("confirm.html", fields=carried_fields(), question=Question(
            _("Revoke the key %(name)s (%(prefix)s…)?", name=shown.name, prefix=shown.prefix),
            _("Every program that uses it is refused from then on. It cannot be undone: make a new key instead."),
            _("Yes, revoke it"), url_for("shop_api_keys.api_keys"))), 200
    api_key = revoke_api_key(db.session, account=account, api_key_id=api_key_id, by=current_user.user)
    db.session.commit()
    flash(_("The key %(name)s (%(prefix)s…) no longer works.", name=api_key.name, prefix=api_key.prefix), "info")
    return redirect(url_for("shop_api_keys.api_keys"))
