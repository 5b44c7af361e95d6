"""The page an invitation emailed from the storefront links to: join the team, and be signed in on the shop."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_user
from werkzeug.wrappers import Response

from core.errors import GoneError, NotFoundError, ValidationError
from core.models.invitations import Invitation
from core.passwords import MIN_LENGTH
from core.services.invitations import accept_invitation, invitee, open_invitation
from storefront.hosts import current_storefront
from storefront.themes import render_page
from web.csrf import rotate_csrf_token
from web.database import db
from web.sessions import SignedInUser

bp = Blueprint("shop_invitations", __name__)

#: The URL carries the token: keep it out of Referer headers and caches.
_PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str) -> Response | tuple[str, int, dict[str, str]]:
    storefront = current_storefront()
    try:
        found = open_invitation(db.session, token, storefront=storefront)
    except NotFoundError:
        return _render(None, error=_("This invitation link is not valid. Check that you copied all of it."), status=404)
    except GoneError:
        return _render(None, error=_("This invitation can no longer be used: it was accepted or withdrawn, or it has "
                                     "expired. Sign in, or ask for a new one."), status=410)
    if request.method == "GET":
        return _render(found)
    name = request.form.get("name", "")
    try:
        signed_in = accept_invitation(db.session, token=token, name=name, password=request.form.get("password", ""),
                                      ip_address=request.remote_addr, user_agent=request.user_agent.string,
                                      storefront=storefront)
    except ValidationError as error:
        db.session.commit()  # keep the failed-password count; nothing else was changed
        return _render(found, errors=error.fields, name=name, status=422)
    db.session.commit()
    rotate_csrf_token()
    login_user(SignedInUser(signed_in.login_session, signed_in.token))
    flash(_("Welcome to %(account)s.", account=found.team.account.name), "info")
    return redirect(url_for("shop_account.home"))


def _render(found: Invitation | None, *, error: str | None = None, errors: dict[str, list[str]] | None = None,
            name: str = "", status: int = 200) -> tuple[str, int, dict[str, str]]:
    person = invitee(db.session, found) if found else None
    page = render_page("invitation_accept.html", invitation=found,
                       newcomer=person is None or person.password_hash is None, error=error, errors=errors or {},
                       name=name, min_password_length=MIN_LENGTH)
    return page, status, _PRIVATE
