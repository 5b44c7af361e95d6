"""Teams in an account: what their members may do and pay with, and who is in them.

Every function here acts for the user ``by`` in ``account`` and needs the ``manage_team``
permission there; a team id from another account is simply not found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session, selectinload

from core.errors import NotFoundError, ValidationError
from core.languages import quoted, say
from core.models.accounts import Account
from core.models.api_keys import ApiKey
from core.models.invitations import Invitation
from core.models.people import LoginSession, Membership, Team, User
from core.permissions import ALL_PAYMENT_METHODS, ALL_PERMISSIONS, Permission
from core.services.audit import record_event
from core.services.people import accounts_of, require_permission
from core.typed_text import checked_name

NAME_MAX_LENGTH = 100


def teams_of(session: Session, account: Account) -> list[Team]:
    """Return the account's teams with their members, the owner team first."""
    return list(
        session.scalars(
            select(Team)
            .where(Team.account_id == account.id)
            .options(selectinload(Team.memberships).selectinload(Membership.user))
            .order_by(Team.is_owner.desc(), Team.name, Team.id)
        )
    )


@dataclass
class Member:
    """A person in an account, with their teams there."""

    user: User
    teams: list[Team] = dataclass_field(default_factory=list)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def name(self) -> str:
        return self.user.name


def members_of(session: Session, account: Account) -> list[Member]:
    """Return the people in the account's teams, by email, each with their teams there."""
    members: dict[int, Member] = {}
    for team in sorted(teams_of(session, account), key=lambda team: team.name):
        for membership in team.memberships:
            members.setdefault(membership.user_id, Member(membership.user)).teams.append(team)
    return sorted(members.values(), key=lambda member: member.email)


def list_teams(session: Session, *, account: Account, by: User) -> list[Team]:
    """Return the account's teams for a person who manages them."""
    require_permission(session, by, account, Permission.MANAGE_TEAM)
    return teams_of(session, account)


def get_team(session: Session, *, account: Account, team_id: int, by: User) -> Team:
    """Return one of the account's teams; any other id is not found."""
    require_permission(session, by, account, Permission.MANAGE_TEAM)
    return _team_in(session, account, team_id)


def create_team(
    session: Session,
    *,
    account: Account,
    by: User,
    name: str,
    permissions: Iterable[str],
    payment_methods: Iterable[str],
    receives_renewal_reminders: bool,
) -> Team:
    """Add a team to the account; its name is unique there (ignoring case)."""
    require_permission(session, by, account, Permission.MANAGE_TEAM)
    errors: dict[str, list[str]] = {}
    name = checked_name(name, "name", errors, missing=say("Give the team a name."), max_length=NAME_MAX_LENGTH)
    if "name" not in errors and session.scalar(
        select(exists().where(Team.account_id == account.id, func.lower(Team.name) == name.lower()))
    ):
        errors["name"] = [say("%(account)s already has a team called %(team)s.", account=account.name, team=quoted(name))]
    chosen_permissions = _choices(errors, "permissions", permissions, ALL_PERMISSIONS, "permission")
    chosen_methods = _choices(errors, "payment_methods", payment_methods, ALL_PAYMENT_METHODS, "payment method")
    if errors:
        raise ValidationError(errors)
    team = Team(
        account=account,
        name=name,
        is_owner=False,
        permissions=chosen_permissions,
        payment_methods=chosen_methods,
        receives_renewal_reminders=receives_renewal_reminders,
    )
    session.add(team)
    record_event(
        session, account=account, by=by, action="team.created", target=team,
        changes={
            "name": name,
            "permissions": chosen_permissions,
            "payment_methods": chosen_methods,
            "receives_renewal_reminders": receives_renewal_reminders,
        },
    )
    return team


def update_team(
    session: Session,
    *,
    account: Account,
    team_id: int,
    by: User,
    permissions: Iterable[str],
    payment_methods: Iterable[str],
    receives_renewal_reminders: bool,
) -> Team:
    """Set what a team may do and pay with; the owner team always keeps every permission."""
    require_permission(session, by, account, Permission.MANAGE_TEAM)
    team = _team_in(session, account, team_id)
    errors: dict[str, list[str]] = {}
    chosen_permissions = _choices(errors, "permissions", permissions, ALL_PERMISSIONS, "permission")
    chosen_methods = _choices(errors, "payment_methods", payment_methods, ALL_PAYMENT_METHODS, "payment method")
    if team.is_owner and "permissions" not in errors and set(chosen_permissions) != ALL_PERMISSIONS:
        missing = sorted(ALL_PERMISSIONS - set(chosen_permissions))
        errors["permissions"] = [say("The owner team keeps every permission; it would lose %(permissions)s.",
                                      permissions=", ".join(missing))]
    if errors:
        raise ValidationError(errors)
    changes: dict[str, Any] = {}
    for field, value in (
        ("permissions", chosen_permissions),
        ("payment_methods", chosen_methods),
        ("receives_renewal_reminders", receives_renewal_reminders),
    ):
        before = getattr(team, field)
        if (sorted(before) if isinstance(before, list) else before) != value:
            changes[field] = [before, value]
            setattr(team, field, value)
    if changes:
        record_event(session, account=account, by=by, action="team.changed", target=team, changes=changes)
    return team


def remove_member(session: Session, *, account: Account, team_id: int, membership_id: int, by: User) -> Membership:
    """Take a person out of a team; the owner team never loses its last active member."""
    require_permission(session, by, account, Permission.MANAGE_TEAM)
    # Locking the team serialises two admins removing the last two owners at the same time.
    team = _team_in(session, account, team_id, for_update=True)
    membership = session.scalar(
        select(Membership).where(Membership.id == membership_id, Membership.team_id == team.id)
    )
    if membership is None:
        raise NotFoundError(say("No member %(id)s in the team %(team)s.", id=membership_id, team=team.name))
    if team.is_owner and not _other_active_members(session, team, membership):
        raise ValidationError(
            {"membership": [say("%(email)s is the last active owner of %(account)s; add another owner first.",
                                 email=membership.user.email, account=account.name)]}
        )
    user = membership.user
    record_event(
        session, account=account, by=by, action="membership.removed", target=membership,
        changes={"team": team.name, "email": user.email},
    )
    session.delete(membership)
    session.flush()
    _detach_sessions_of_leavers(session, account, [user])
    return membership


def delete_team(session: Session, *, account: Account, team_id: int, by: User) -> None:
    """Delete a team that is not the owner team, with its memberships, invitations and API keys."""
    require_permission(session, by, account, Permission.MANAGE_TEAM)
    team = _team_in(session, account, team_id)
    if team.is_owner:
        raise ValidationError({"team": [say("The owner team cannot be deleted.")]})
    members = [membership.user for membership in team.memberships]
    # Invitations and keys point at the team; without it they could never work again.
    invitations = session.execute(delete(Invitation).where(Invitation.team_id == team.id)).rowcount
    api_keys = session.execute(delete(ApiKey).where(ApiKey.team_id == team.id)).rowcount
    record_event(
        session, account=account, by=by, action="team.deleted", target=team,
        changes={
            "name": team.name,
            "members": sorted(user.email for user in members),
            "invitations_deleted": invitations,
            "api_keys_deleted": api_keys,
        },
    )
    session.delete(team)
    session.flush()
    _detach_sessions_of_leavers(session, account, members)


def _team_in(session: Session, account: Account, team_id: int, *, for_update: bool = False) -> Team:
    query = select(Team).where(Team.id == team_id, Team.account_id == account.id)
    team = session.scalar(query.with_for_update() if for_update else query)
    if team is None:
        raise NotFoundError(say("No team %(id)s.", id=team_id))
    return team


def _choices(
    errors: dict[str, list[str]], field: str, values: Iterable[str], allowed: frozenset[Any], what: str
) -> list[str]:
    """Return ``values`` sorted and without repeats, or note the unknown ones under ``field``."""
    chosen = sorted({value.strip() for value in values if value.strip()})
    unknown = [value for value in chosen if value not in allowed]
    if unknown:
        named = {"unknown": ", ".join(map(repr, unknown)), "known": ", ".join(sorted(str(value) for value in allowed))}
        errors[field] = [say("Unknown permission %(unknown)s; choose from %(known)s.", **named) if what == "permission"
                         else say("Unknown payment method %(unknown)s; choose from %(known)s.", **named)]
    return chosen


def _other_active_members(session: Session, team: Team, leaving: Membership) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Membership)
        .join(User)
        .where(Membership.team_id == team.id, Membership.id != leaving.id, User.active)
    ) or 0


def _detach_sessions_of_leavers(session: Session, account: Account, users: Iterable[User]) -> None:
    """Move the live sessions of people no longer in ``account`` to another of their accounts.

    A session keeps the account it acts for; without this, someone removed from every team
    of an account would go on acting for it until they signed out.
    """
    for user in users:
        still_in = session.scalar(
            select(exists().where(Membership.user_id == user.id, Membership.team_id.in_(
                select(Team.id).where(Team.account_id == account.id)
            )))
        )
        if still_in:
            continue
        remaining = accounts_of(session, user)
        session.execute(
            update(LoginSession)
            .where(
                LoginSession.user_id == user.id,
                LoginSession.account_id == account.id,
                LoginSession.revoked_at.is_(None),
            )
            .values(account_id=remaining[0].id if remaining else None)
            .execution_options(synchronize_session="fetch")
        )

