"""API keys: made by a person for one of their teams, shown once, stored hashed, revocable."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import NotFoundError, PermissionDeniedError, ValidationError
from core.languages import say
from core.models.accounts import Account
from core.models.api_keys import ApiKey
from core.models.people import Membership, Team, User
from core.permissions import Permission
from core.services.audit import record_event
from core.services.people import permissions_in
from core.tokens import new_secret, secret_hash

KEY_PREFIX = "csk_"


@dataclass(frozen=True)
class NewApiKey:
    api_key: ApiKey
    #: The whole key: shown to its owner once, never stored.
    secret: str


def key_teams(session: Session, account: Account, user: User) -> list[Team]:
    """``account``'s teams ``user`` is in, the owners' first: a key ``user`` makes can act only as one of them."""
    return list(session.scalars(
        select(Team).join(Membership)
        .where(Team.account_id == account.id, Membership.user_id == user.id)
        .order_by(Team.is_owner.desc(), Team.name)
    ))


def create_api_key(session: Session, *, user: User, team: Team, name: str) -> NewApiKey:
    """Make a key that acts for ``team``'s account with ``team``'s permissions; ``user`` must be in it."""
    if not name.strip():
        raise ValidationError({"name": [say("Name the key after what will use it.")]})
    is_member = session.scalar(
        select(Membership.id).where(Membership.team_id == team.id, Membership.user_id == user.id)
    )
    if is_member is None:
        raise PermissionDeniedError(say("You are not in the team %(team)s.", team=team.name))
    secret = new_secret(KEY_PREFIX)
    api_key = ApiKey(team=team, user=user, name=name.strip()[:100], prefix=secret[:12], key_hash=secret_hash(secret))
    session.add(api_key)
    record_event(session, account=team.account, by=user, action="api_key.created", target=api_key,
                 changes={"name": api_key.name, "team": team.name, "prefix": api_key.prefix})
    return NewApiKey(api_key, secret)


def authenticate_api_key(session: Session, secret: str) -> ApiKey | None:
    """Return the live key for ``secret``: not revoked, its person active and still in its team."""
    if not secret.startswith(KEY_PREFIX):
        return None
    api_key = session.scalar(select(ApiKey).where(ApiKey.key_hash == secret_hash(secret), ApiKey.revoked_at.is_(None)))
    if api_key is None or not api_key.user.active:
        return None
    still_member = session.scalar(
        select(Membership.id).where(Membership.team_id == api_key.team_id, Membership.user_id == api_key.user_id)
    )
    if still_member is None:
        return None
    api_key.last_used_at = utcnow()
    return api_key


def api_key_permissions(api_key: ApiKey) -> frozenset[Permission]:
    return frozenset(Permission(value) for value in api_key.team.permissions)


def api_keys_of(session: Session, account: Account, viewer: User) -> list[ApiKey]:
    """Return the account's keys ``viewer`` may see, newest first: all of them for a team
    manager, else their own."""
    query = select(ApiKey).join(Team).where(Team.account_id == account.id).order_by(ApiKey.id.desc())
    if Permission.MANAGE_TEAM not in permissions_in(session, viewer, account):
        query = query.where(ApiKey.user_id == viewer.id)
    return list(session.scalars(query))


def revoke_api_key(session: Session, *, account: Account, api_key_id: int, by: User) -> ApiKey:
    """Revoke a key of ``account``: one's own, or any with MANAGE_TEAM; others are not found."""
    api_key = next((key for key in api_keys_of(session, account, by) if key.id == api_key_id), None)
    if api_key is None:
        raise NotFoundError(say("No API key %(id)s.", id=api_key_id))
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        record_event(session, account=account, by=by, action="api_key.revoked", target=api_key,
                     changes={"name": api_key.name, "prefix": api_key.prefix})
    return api_key
