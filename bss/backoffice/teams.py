"""An account's teams: who is in them, what they may do, how they may pay."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from bss.auth import acting_account
from bss.backoffice import bp
from core.errors import NotFoundError, ValidationError
from core.models.people import Team
from core.permissions import PaymentMethod, Permission
from core.services.invitations import pending_invitations
from core.services.teams import create_team, delete_team, get_team, list_teams, remove_member, update_team
from web.confirmation import Question, carried_fields, is_confirmed
from web.database import db


def team_form() -> dict[str, Any]:
    """Read a team's settings as the create and edit forms post them (unticked boxes send nothing)."""
    return {
        "permissions": request.form.getlist("permissions"),
        "payment_methods": request.form.getlist("payment_methods"),
        "receives_renewal_reminders": request.form.get("receives_renewal_reminders") == "yes",
    }


def render_team_page(team: Team, *, errors: dict[str, list[str]] | None = None, **form: Any) -> tuple[str, int]:
    """Render a team's page; with ``errors``, the form as posted and a 422."""
    return render_template(
        "backoffice/team.html",
        team=team,
        invitations=pending_invitations(db.session, team),
        all_permissions=list(Permission),
        all_payment_methods=list(PaymentMethod),
        errors=errors or {},
        form=form,
    ), 422 if errors else 200


@bp.get("/teams")
@login_required
def teams() -> str:
    return _render_teams()[0]


@bp.post("/teams")
@login_required
def create_team_view() -> Response | tuple[str, int]:
    form = {"name": request.form.get("name", ""), **team_form()}
    try:
        team = create_team(db.session, account=acting_account(), by=current_user.user, **form)
    except ValidationError as error:
        db.session.rollback()
        return _render_teams(errors=error.fields, **form)
    db.session.commit()
    flash(gettext("The team %(team)s is created. Invite people to it below.", team=team.name), "info")
    return redirect(url_for("backoffice.team", team_id=team.id))


@bp.get("/teams/<int:team_id>")
@login_required
def team(team_id: int) -> str:
    return render_team_page(get_team(db.session, account=acting_account(), team_id=team_id, by=current_user.user))[0]


@bp.post("/teams/<int:team_id>")
@login_required
def update_team_view(team_id: int) -> Response | tuple[str, int]:
    account, user, form = acting_account(), current_user.user, team_form()
    try:
        team = update_team(db.session, account=account, team_id=team_id, by=user, **form)
    except ValidationError as error:
        db.session.rollback()
        shown = get_team(db.session, account=account, team_id=team_id, by=user)
        return render_team_page(shown, errors=error.fields, **form)
    db.session.commit()
    flash(gettext("The team %(team)s is saved.", team=team.name), "info")
    return redirect(url_for("backoffice.team", team_id=team.id))


@bp.post("/teams/<int:team_id>/delete")
@login_required
def delete_team_view(team_id: int) -> Response | str | tuple[str, int]:
    account, user = acting_account(), current_user.user
    if not is_confirmed():
        shown = get_team(db.session, account=account, team_id=team_id, by=user)
        return render_template("backoffice/confirm.html", fields=carried_fields(), question=Question(
            gettext("Delete the team %(team)s?", team=shown.name),
            gettext("Its members lose what the team let them do here, and its API keys stop working. It cannot be undone."),
            gettext("Yes, delete it"), url_for("backoffice.team", team_id=team_id)))
    try:
        delete_team(db.session, account=account, team_id=team_id, by=user)
    except ValidationError as error:
        db.session.rollback()
        return render_team_page(get_team(db.session, account=account, team_id=team_id, by=user), errors=error.fields)
    db.session.commit()
    flash(gettext("The team is deleted."), "info")
    return redirect(url_for("backoffice.teams"))


@bp.post("/teams/<int:team_id>/members/<int:membership_id>/remove")
@login_required
def remove_member_view(team_id: int, membership_id: int) -> Response | str | tuple[str, int]:
    account, user = acting_account(), current_user.user
    if not is_confirmed():
        shown = get_team(db.session, account=account, team_id=team_id, by=user)
        member = next((each for each in shown.memberships if each.id == membership_id), None)
        if member is None:
            raise NotFoundError(gettext("No member %(id)s in the team %(team)s.", id=membership_id, team=shown.name))
        return render_template("backoffice/confirm.html", fields=carried_fields(), question=Question(
            gettext("Remove %(email)s from %(team)s?", email=member.user.email, team=shown.name),
            gettext("They lose what the team lets them do here, and the team's API keys they made stop working."),
            gettext("Yes, remove them"), url_for("backoffice.team", team_id=team_id)))
    try:
        membership = remove_member(
            db.session, account=account, team_id=team_id, membership_id=membership_id, by=user
        )
    except ValidationError as error:
        db.session.rollback()
        return render_team_page(get_team(db.session, account=account, team_id=team_id, by=user), errors=error.fields)
    db.session.commit()
    flash(gettext("%(email)s is no longer in the team.", email=membership.user.email), "info")
    if membership.user_id == user.id:
        return redirect(url_for("backoffice.home"))  # they may no longer manage teams here
    return redirect(url_for("backoffice.team", team_id=team_id))


def _render_teams(*, errors: dict[str, list[str]] | None = None, **form: Any) -> tuple[str, int]:
    return render_template(
        "backoffice/teams.html",
        account=acting_account(),
        teams=list_teams(db.session, account=acting_account(), by=current_user.user),
        all_permissions=list(Permission),
        all_payment_methods=list(PaymentMethod),
        errors=errors or {},
        form=form,
    ), 422 if errors else 200
