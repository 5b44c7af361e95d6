"""Inviting people into a team, withdrawing invitations, and the page an invitation links to."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from bss.auth import acting_account
from bss.backoffice import bp
from bss.backoffice.teams import render_team_page
from core.errors import GoneError, NotFoundError, ValidationError
from core.models.invitations import Invitation
from core.services.invitations import (
    accept_invitation,
    invite_person,
    invitee,
    open_invitation,
    revoke_invitation,
)
from core.services.teams import get_team
from web.csrf import rotate_csrf_token
from web.database import db
from web.errors import status_for
from web.sessions import SignedInUser


def _invitation_link(token: str) -> str:
    return url_for("backoffice.invitation", token=token, _external=True)


@bp.post("/teams/<int:team_id>/invitations")
@login_required
def invite(team_id: int) -> Response | tuple[str, int]:
    account, user, email = acting_account(), current_user.user, request.form.get("email", "")
    try:
        invitation = invite_person(
            db.session, account=account, team_id=team_id, email=email, by=user, link_for=_invitation_link
        )
    except ValidationError as error:
        db.session.rollback()
        shown = get_team(db.session, account=account, team_id=team_id, by=user)
        return render_team_page(shown, errors=error.fields, email=email)
    db.session.commit()
    flash(gettext("An invitation is on its way to %(email)s.", email=invitation.email), "info")
    return redirect(url_for("backoffice.team", team_id=team_id))


@bp.post("/teams/<int:team_id>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation_view(team_id: int, invitation_id: int) -> Response | tuple[str, int]:
    account, user = acting_account(), current_user.user
    try:
        invitation = revoke_invitation(
            db.session, account=account, team_id=team_id, invitation_id=invitation_id, by=user
        )
    except ValidationError as error:
        db.session.rollback()
        return render_team_page(get_team(db.session, account=account, team_id=team_id, by=user), errors=error.fields)
    db.session.commit()
    flash(gettext("The invitation to %(email)s is withdrawn; its link no longer works.", email=invitation.email), "info")
    return redirect(url_for("backoffice.team", team_id=team_id))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str) -> Response | tuple[str, int, dict[str, str]]:
    try:
        found = open_invitation(db.session, token)
    except (NotFoundError, GoneError) as error:
        return _render(None, error=error.detail, status=status_for(error))
    if request.method == "GET":
        return _render(found)
    name = request.form.get("name", "")
    try:
        signed_in = accept_invitation(
            db.session,
            token=token,
            name=name,
            password=request.form.get("password", ""),
            ip_address=request.remote_addr,
            user_agent=request.user_agent.string,
        )
    except ValidationError as error:
        db.session.commit()  # keep the failed-password count; nothing else was changed
        return _render(found, errors=error.fields, name=name, status=422)
    db.session.commit()
    rotate_csrf_token()
    login_user(SignedInUser(signed_in.login_session, signed_in.token))
    flash(gettext("Welcome to %(account)s.", account=found.team.account.name), "info")
    return redirect(url_for("backoffice.home"))


def _render(
    found: Invitation | None,
    *,
    error: str | None = None,
    errors: dict[str, list[str]] | None = None,
    name: str = "",
    status: int = 200,
) -> tuple[str, int, dict[str, str]]:
    person = invitee(db.session, found) if found else None
    page = render_template(
        "backoffice/invite_accept.html",
        invitation=found,
        newcomer=person is None or person.password_hash is None,
        error=error,
        errors=errors or {},
        name=name,
    )
    # The URL carries the token: keep it out of Referer headers and caches.
    return page, status, {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
