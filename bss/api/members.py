"""``/accounts/{id}/members``: the people in an account's teams."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bss.api import bp
from bss.api.auth import current_caller
from bss.api.operations import operation, respond
from bss.api.paging import Page
from bss.api.schemas import MemberPageSchema
from bss.extensions import db
from core.models.accounts import Account
from core.models.people import Membership, Team, User
from core.permissions import Permission
from core.services.accounts import get_account


@dataclass
class Member:
    """A person in an account, with their teams there."""

    user: User
    teams: list[Team] = field(default_factory=list)

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
    # Belongs in core/services/people.py (not this module's to change yet); see the API notes.
    memberships = session.scalars(
        select(Membership)
        .join(Membership.team)
        .join(Membership.user)
        .where(Team.account_id == account.id)
        .options(joinedload(Membership.team), joinedload(Membership.user))
        .order_by(User.email, Team.name)
    )
    members: dict[int, Member] = {}
    for membership in memberships:
        members.setdefault(membership.user_id, Member(membership.user)).teams.append(membership.team)
    return list(members.values())


@bp.get("/accounts/<int:account_id>/members")
@operation(
    summary="List the people in an account's teams (all of them: the list has a single page).",
    response=MemberPageSchema,
    permission=Permission.MANAGE_TEAM,
)
def members(account_id: int) -> Response:
    account = get_account(db.session, current_caller().account, account_id)
    return respond(Page(members_of(db.session, account)))
