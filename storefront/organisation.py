"""The customer's organisation on the storefront: its people and teams, and, for those who manage
it, creating and editing teams, inviting people and taking them out.

Everyone in the account reads who is in it and what each team may do; changes need a team with
``manage_team``, which the core checks. Invitations sent from here come in the shop's name and
link to the shop's own page for accepting them (``storefront.invitations``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from core.errors import NotFoundError, PermissionDeniedError, ValidationError
from core.models.accounts import AccountKind
from core.models.people import Team
from core.permissions import ALL_PERMISSIONS, PaymentMethod, Permission
from core.services.account_changes import update_account
from core.services.invitations import invite_person, pending_invitations, revoke_invitation
from core.services.notifications import sender_name_for
from core.services.teams import create_team, delete_team, get_team, members_of, remove_member, teams_of, update_team
from storefront.auth import customer_account, customer_can
from storefront.hosts import current_storefront
from storefront.themes import render_page
from web.database import db
from web.formatting import payment_method_word
from web.pages import sign_in_required

bp = Blueprint("shop_organisation", __name__)


@dataclass(frozen=True)
class Choice:
    """A permission or payment method as a form offers it: its value, a label and what it means."""

    value: str
    label: str
    hint: str = ""


#: Every permission in words, in the order the forms list them.
PERMISSIONS = {
    Permission.PURCHASE: (lazy_gettext("Place orders"), lazy_gettext("Order products and plans.")),
    Permission.RENEW: (lazy_gettext("Renew subscriptions"), lazy_gettext("Renew by hand what does not renew by itself.")),
    Permission.MANAGE_SUBSCRIPTIONS: (lazy_gettext("Manage subscriptions"),
                                      lazy_gettext("Change quantities and plans, cancel, and undo a cancellation.")),
    Permission.MANAGE_PRODUCT_USERS: (lazy_gettext("Manage product users"),
                                      lazy_gettext("Add and remove the users of a service.")),
    Permission.VIEW_BILLING: (lazy_gettext("See billing"), lazy_gettext("See invoices, prices paid and balances.")),
    Permission.PAY: (lazy_gettext("Pay"), lazy_gettext("Pay invoices and confirm payments.")),
    Permission.MANAGE_TEAM: (lazy_gettext("Manage the organisation"),
                             lazy_gettext("Create teams, choose what they may do, invite and remove people.")),
    Permission.MANAGE_ACCOUNTS: (lazy_gettext("Manage customer accounts"),
                                 lazy_gettext("Open and edit the accounts you sell to.")),
    Permission.MANAGE_PRICES: (lazy_gettext("Set prices"), lazy_gettext("Choose what is on sale and at what price.")),
    Permission.MANAGE_STOREFRONT: (lazy_gettext("Manage the storefront"), lazy_gettext("Brand and configure your own shop.")),
    Permission.SUPPORT: (lazy_gettext("Handle support requests"), lazy_gettext("Answer and escalate support requests.")),
}

#: What an end customer's teams can be given; accounts that sell get every permission.
BUYER_PERMISSIONS = (Permission.PURCHASE, Permission.RENEW, Permission.MANAGE_SUBSCRIPTIONS,
                     Permission.MANAGE_PRODUCT_USERS, Permission.VIEW_BILLING, Permission.PAY, Permission.MANAGE_TEAM)



@bp.app_template_filter("permission_labels")
def permission_labels(values: Iterable[str]) -> list[str]:
    """Permissions as people call them (``manage_team`` is "Manage the organisation"), in the forms' order."""
    return [str(label) for permission, (label, _hint) in PERMISSIONS.items() if permission in set(values)]


@bp.get("/organisation", endpoint="people")
@sign_in_required
def organisation() -> tuple[str, int]:
    return _organisation_page()


@bp.post("/organisation/teams")
@sign_in_required
def create_team_view() -> Response | tuple[str, int]:
    form = {"name": request.form.get("name", ""), **_team_settings()}
    try:
        team = create_team(db.session, account=customer_account(), by=current_user.user, **form)
    except ValidationError as error:
        db.session.rollback()
        return _organisation_page(team_errors=error.fields, team_form=form)
    db.session.commit()
    flash(_("The team %(name)s is created. Invite people into it from the organisation page.", name=team.name), "info")
    return redirect(url_for("shop_organisation.team", team_id=team.id))


@bp.post("/organisation/tax-id")
@sign_in_required
def save_tax_id() -> Response | tuple[str, int]:
    """The organisation's tax number (VAT, GST), printed on the invoices it receives."""
    if not customer_can(Permission.MANAGE_TEAM):
        raise PermissionDeniedError(_("Ask a person who manages the organisation to change it."))
    account = customer_account()
    tax_id = request.form.get("tax_id", "")
    try:
        update_account(db.session, viewer=account, account_id=account.id, by=current_user.user,
                       changes={"tax_id": tax_id or None})
    except ValidationError:  # the one field: said in the customer's language
        db.session.rollback()
        return _organisation_page(tax_errors={"tax_id": [_("Give the tax number as your tax office writes it: "
                                                           "FR40303265045.")]}, tax_form={"tax_id": tax_id})
    db.session.commit()
    flash(_("Saved: your next invoices show your tax number.") if account.tax_id else
          _("Saved: your next invoices show no tax number."), "info")
    return redirect(url_for("shop_organisation.people") + "#billing-details")


@bp.post("/organisation/invitations")
@sign_in_required
def invite() -> Response | tuple[str, int]:
    form = {"email": request.form.get("email", ""), "team_id": request.form.get("team_id", "")}
    try:
        invitation = invite_person(
            db.session, account=customer_account(), team_id=int(form["team_id"]) if form["team_id"].isdigit() else 0,
            email=form["email"], by=current_user.user,
            sender_name=sender_name_for(db.session, current_storefront().account),
            link_for=lambda token: url_for("shop_invitations.accept", token=token, _external=True),
        )
    except ValidationError as error:
        db.session.rollback()
        return _organisation_page(invite_errors=error.fields, invite_form=form)
    except NotFoundError:
        db.session.rollback()
        return _organisation_page(invite_errors={"team_id": [_("Choose one of your teams.")]}, invite_form=form)
    db.session.commit()
    flash(_("An invitation is on its way to %(email)s. Its link works for 7 days.", email=invitation.email), "info")
    return redirect(url_for("shop_organisation.people"))


@bp.post("/organisation/teams/<int:team_id>/invitations/<int:invitation_id>/withdraw")
@sign_in_required
def withdraw_invitation(team_id: int, invitation_id: int) -> Response | tuple[str, int]:
    try:
        invitation = revoke_invitation(db.session, account=customer_account(), team_id=team_id,
                                       invitation_id=invitation_id, by=current_user.user)
    except ValidationError as error:
        db.session.rollback()
        return _organisation_page(problem=" ".join(message for messages in error.fields.values() for message in messages),
                                  status=422)
    db.session.commit()
    flash(_("The invitation to %(email)s is withdrawn: its link no longer works.", email=invitation.email), "info")
    return redirect(url_for("shop_organisation.people"))


@bp.get("/organisation/teams/<int:team_id>")
@sign_in_required
def team(team_id: int) -> tuple[str, int]:
    return _team_page(_managed_team(team_id))


@bp.post("/organisation/teams/<int:team_id>")
@sign_in_required
def update_team_view(team_id: int) -> Response | tuple[str, int]:
    shown = _managed_team(team_id)
    form = _team_settings()
    if shown.is_owner:
        form["permissions"] = sorted(ALL_PERMISSIONS)  # the owner team may do everything; its form does not ask
    try:
        changed = update_team(db.session, account=customer_account(), team_id=team_id, by=current_user.user, **form)
    except ValidationError as error:
        db.session.rollback()
        return _team_page(_managed_team(team_id), errors=error.fields, form=form)
    db.session.commit()
    flash(_("The team %(name)s is saved.", name=changed.name), "info")
    return redirect(url_for("shop_organisation.team", team_id=team_id))


@bp.post("/organisation/teams/<int:team_id>/delete")
@sign_in_required
def delete_team_view(team_id: int) -> Response | tuple[str, int]:
    shown = _managed_team(team_id)
    name = shown.name
    try:
        delete_team(db.session, account=customer_account(), team_id=team_id, by=current_user.user)
    except ValidationError as error:
        db.session.rollback()
        return _team_page(_managed_team(team_id), errors=error.fields)
    db.session.commit()
    flash(_("The team %(name)s is deleted.", name=name), "info")
    return _after_leaving_or(url_for("shop_organisation.people"))


@bp.post("/organisation/teams/<int:team_id>/members/<int:membership_id>/remove")
@sign_in_required
def remove_member_view(team_id: int, membership_id: int) -> Response | tuple[str, int]:
    _managed_team(team_id)
    try:
        membership = remove_member(db.session, account=customer_account(), team_id=team_id,
                                   membership_id=membership_id, by=current_user.user)
    except ValidationError as error:
        db.session.rollback()
        return _team_page(_managed_team(team_id), errors=error.fields)
    db.session.commit()
    flash(_("%(email)s is no longer in the team.", email=membership.user.email), "info")
    return _after_leaving_or(url_for("shop_organisation.team", team_id=team_id))


def _after_leaving_or(target: str) -> Response:
    """Go to ``target``, unless the person just left the account (they can no longer manage it)."""
    account = customer_account()
    if current_user.login_session.account_id != account.id:
        return redirect(url_for("shop.home"))
    return redirect(target)


def _managed_team(team_id: int) -> Team:
    """One of the account's teams, for a person who manages them; 404 for another account's, 403 for others
    (the storefront's error pages answer the service's refusals)."""
    return get_team(db.session, account=customer_account(), team_id=team_id, by=current_user.user)


def _team_settings() -> dict[str, Any]:
    """A team's settings as its form posts them (unticked boxes send nothing)."""
    return {
        "permissions": request.form.getlist("permissions"),
        "payment_methods": request.form.getlist("payment_methods"),
        "receives_renewal_reminders": request.form.get("receives_renewal_reminders") == "yes",
    }


def _permission_choices(having: Iterable[str] = ()) -> list[Choice]:
    """The permissions a team of this account can be given, plus any it already has."""
    offered = set(PERMISSIONS if customer_account().kind is not AccountKind.CUSTOMER else BUYER_PERMISSIONS) | set(having)
    return [Choice(permission.value, str(label), str(hint)) for permission, (label, hint) in PERMISSIONS.items()
            if permission in offered]


def _payment_method_choices() -> list[Choice]:
    return [Choice(method.value, payment_method_word(method)) for method in PaymentMethod]


def _organisation_page(*, team_errors: Mapping[str, list[str]] | None = None, team_form: Mapping[str, Any] | None = None,
                       invite_errors: Mapping[str, list[str]] | None = None, invite_form: Mapping[str, str] | None = None,
                       tax_errors: Mapping[str, list[str]] | None = None, tax_form: Mapping[str, str] | None = None,
                       problem: str | None = None, status: int | None = None) -> tuple[str, int]:
    account = customer_account()
    manages = customer_can(Permission.MANAGE_TEAM)
    teams = teams_of(db.session, account)
    page = render_page(
        "organisation.html",
        account=account,
        members=members_of(db.session, account),
        teams=teams,
        manages=manages,
        invitations=[invitation for team in teams for invitation in pending_invitations(db.session, team)] if manages else [],
        permission_choices=_permission_choices(),
        payment_method_choices=_payment_method_choices(),
        team_errors=team_errors or {},
        team_form=team_form or {"permissions": [], "payment_methods": [], "receives_renewal_reminders": False},
        invite_errors=invite_errors or {},
        invite_form=invite_form or {},
        tax_errors=tax_errors or {},
        tax_form=tax_form or {"tax_id": account.tax_id or ""},
        problem=problem,
    )
    return page, status or (422 if team_errors or invite_errors or tax_errors else 200)


def _team_page(team: Team, *, errors: Mapping[str, list[str]] | None = None,
               form: Mapping[str, Any] | None = None) -> tuple[str, int]:
    settings = form or {"permissions": team.permissions, "payment_methods": team.payment_methods,
                        "receives_renewal_reminders": team.receives_renewal_reminders}
    page = render_page(
        "team.html",
        account=customer_account(),
        team=team,
        memberships=sorted(team.memberships, key=lambda membership: membership.user.email),
        permission_choices=_permission_choices(team.permissions),
        payment_method_choices=_payment_method_choices(),
        errors=errors or {},
        form=settings,
    )
    return page, 422 if errors else 200
