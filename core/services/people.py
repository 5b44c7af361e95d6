"""People, teams and what membership of a team lets a person do in an account."""

from __future__ import annotations

import re

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session, contains_eager

from core.errors import PermissionDeniedError, ValidationError
from core.languages import LOCALES, quoted, say
from core.models.accounts import Account, AccountKind
from core.models.people import Membership, Team, User
from core.passwords import MIN_LENGTH, hash_password
from core.permissions import Permission
from core.services.audit import record_event
from core.typed_text import checked_name

PERSON_NAME_MAX_LENGTH = 200
_EMAIL = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[A-Za-z]{2,}$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def is_email_address(email: str) -> bool:
    """Whether ``email`` (normalised) has the shape of an address mail can be sent to."""
    return bool(_EMAIL.match(email))


def check_password_strength(password: str) -> list[str]:
    """Return what is wrong with ``password`` as a new password (nothing when it is fine)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(say("Use at least %(count)s characters.", count=MIN_LENGTH))
    if password.strip() != password:
        problems.append(say("Do not start or end with spaces."))
    return problems


def create_user(session: Session, *, email: str, name: str, password: str | None = None) -> User:
    """Add a person; without a password they cannot sign in until they set one."""
    email = normalise_email(email)
    errors: dict[str, list[str]] = {}
    if not is_email_address(email):
        errors["email"] = [say("%(email)s is not an email address.", email=quoted(email))]
    elif session.scalar(select(exists().where(User.email == email))):
        errors["email"] = [say("A person with this email already exists.")]
    name = checked_name(name, "name", errors, missing=say("Give the person's name."), max_length=PERSON_NAME_MAX_LENGTH)
    if password is not None and (problems := check_password_strength(password)):
        errors["password"] = problems
    if errors:
        raise ValidationError(errors)
    user = User(email=email, name=name, password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    return user


def update_profile(session: Session, user: User, *, name: str, locale: str | None) -> User:
    """Set what the person says of themselves: their name, and the language pages and emails use for them
    (``None``: their browser's on pages, English in emails)."""
    errors: dict[str, list[str]] = {}
    name = checked_name(name, "name", errors, missing=say("Give your name."), max_length=PERSON_NAME_MAX_LENGTH)
    if locale is not None and locale not in LOCALES:
        errors["locale"] = [say("Choose one of: %(choices)s.", choices=", ".join(LOCALES))]
    if errors:
        raise ValidationError(errors)
    user.name, user.locale = name, locale
    session.flush()
    return user


def owner_team(session: Session, account: Account) -> Team:
    return session.scalars(select(Team).where(Team.account_id == account.id, Team.is_owner)).one()


def add_member(session: Session, team: Team, user: User, *, by: User | None = None) -> Membership:
    """Put ``user`` in ``team``; a person already in it stays as they are."""
    existing = session.scalar(select(Membership).where(Membership.team_id == team.id, Membership.user_id == user.id))
    if existing is not None:
        return existing
    membership = Membership(team=team, user=user)
    session.add(membership)
    record_event(
        session, account=team.account, by=by, action="membership.created", target=membership,
        changes={"team": team.name, "email": user.email},
    )
    return membership


def accounts_of(session: Session, user: User, *, customers_of: Account | None = None, staff: bool = False) -> list[Account]:
    """Return the accounts ``user`` belongs to through any team, by name; only those ``customers_of``
    sells to directly when given (what a storefront's sign-in reaches); only the distributors and
    resellers when ``staff`` (what a back-office sign-in reaches)."""
    query = select(Account).where(
        Account.id.in_(select(Team.account_id).join(Membership).where(Membership.user_id == user.id))
    )
    if customers_of is not None:
        query = query.where(Account.parent_id == customers_of.id)
    if staff:
        query = query.where(Account.kind != AccountKind.CUSTOMER)
    return list(session.scalars(query.order_by(Account.name)))


def teams_buying_from(session: Session, user: User, seller: Account) -> list[Team]:
    """Return the teams ``user`` belongs to in the accounts ``seller`` sells to directly, each with its account,
    in one query: which customers a storefront's sign-in reaches, and through which teams."""
    return list(session.scalars(_TEAMS_BUYING_FROM, {"user_id": user.id, "seller_id": seller.id}))


# Built once: every signed-in storefront request runs it.
_TEAMS_BUYING_FROM = (
    select(Team).join(Membership).join(Team.account).options(contains_eager(Team.account))
    .where(Membership.user_id == bindparam("user_id"), Account.parent_id == bindparam("seller_id")).order_by(Team.id)
)


def permissions_in(session: Session, user: User, account: Account) -> frozenset[Permission]:
    """Return what ``user`` may do in ``account``: the union of their teams' permissions there."""
    granted: set[Permission] = set()
    teams = session.scalars(
        select(Team).join(Membership).where(Team.account_id == account.id, Membership.user_id == user.id)
    )
    for team in teams:
        granted.update(Permission(value) for value in team.permissions)
    return frozenset(granted)


def require_permission(session: Session, user: User, account: Account, permission: Permission) -> None:
    """Raise ``PermissionDeniedError`` unless one of the user's teams in ``account`` grants it."""
    if permission not in permissions_in(session, user, account):
        raise PermissionDeniedError(say("Your teams in %(account)s do not have the %(permission)s permission.",
                                         account=account.name, permission=permission))
