"""Who acts, for which account, with which teams: the person behind a page or an API key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import PermissionDeniedError
from core.languages import say
from core.models.accounts import Account
from core.models.people import Membership, Team, User
from core.permissions import PaymentMethod, Permission


@dataclass(frozen=True)
class Actor:
    """A person acting for ``account`` through ``teams``: all their teams there in the back
    office, the key's one team through the API."""

    user: User
    account: Account
    teams: tuple[Team, ...]

    @property
    def permissions(self) -> frozenset[Permission]:
        return frozenset(Permission(value) for team in self.teams for value in team.permissions)

    @property
    def payment_methods(self) -> frozenset[PaymentMethod]:
        return frozenset(PaymentMethod(value) for team in self.teams for value in team.payment_methods)

    @property
    def team_ids(self) -> frozenset[int]:
        return frozenset(team.id for team in self.teams)

    @property
    def in_owner_team(self) -> bool:
        return any(team.is_owner for team in self.teams)

    def require(self, permission: Permission) -> None:
        """Raise ``PermissionDeniedError`` unless one of the actor's teams grants ``permission``."""
        if permission not in self.permissions:
            names = ", ".join(team.name for team in self.teams) or say("none")
            raise PermissionDeniedError(say("Your teams in %(account)s (%(teams)s) do not have the %(permission)s permission.",
                                            account=self.account.name, teams=names, permission=permission))


def acting_as(session: Session, user: User, account: Account, team: Team | None = None) -> Actor:
    """The ``Actor`` for ``user`` in ``account``: through ``team`` alone when given (an API key)."""
    if team is not None:
        return Actor(user, account, (team,) if team.account_id == account.id else ())
    teams = session.scalars(
        select(Team).join(Membership).where(Team.account_id == account.id, Membership.user_id == user.id)
        .order_by(Team.id)
    )
    return Actor(user, account, tuple(teams))
