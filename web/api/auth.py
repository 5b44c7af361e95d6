"""Who is calling: an API key in ``Authorization: Bearer <key>``, never a session cookie.

A key acts as its person, for its team's account, with its team's permissions. Every API
operation needs one unless it is declared public.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, current_app, g, request

from core.errors import NotAuthenticatedError, PermissionDeniedError
from core.models.accounts import Account
from core.models.api_keys import ApiKey
from core.models.people import Team, User
from core.permissions import Permission
from core.services.actors import Actor, acting_as
from core.services.api_keys import api_key_permissions, authenticate_api_key
from core.services.entitlements import api_refusal
from web.api.operations import operation_of
from web.database import db


@dataclass(frozen=True)
class Caller:
    """The person behind an API key, and the account and permissions the key acts with."""

    api_key: ApiKey
    permissions: frozenset[Permission]

    @property
    def user(self) -> User:
        return self.api_key.user

    @property
    def team(self) -> Team:
        return self.api_key.team

    @property
    def account(self) -> Account:
        return self.api_key.team.account

    @property
    def permission_names(self) -> list[str]:
        return sorted(self.permissions)


def current_caller() -> Caller:
    """The caller of this API request (set by ``authenticate`` before any view runs)."""
    return g.api_caller


def current_actor() -> Actor:
    """The caller as the services take it: its person, for its account, through the key's team alone."""
    caller = current_caller()
    return acting_as(db.session, caller.user, caller.account, team=caller.team)


def _bearer_token() -> str | None:
    auth = request.authorization
    if auth is None or auth.type != "bearer" or not auth.token:
        return None
    return auth.token


def authenticate() -> None:
    """Identify the caller from its bearer key, check that its account may use the API (a reseller's
    plan must include it), and check the operation's permission."""
    declared = operation_of(current_app.view_functions[request.endpoint or ""])
    if declared is not None and declared.public:
        return
    token = _bearer_token()
    api_key = authenticate_api_key(db.session, token) if token else None
    if api_key is None:
        raise NotAuthenticatedError("Send a valid API key as 'Authorization: Bearer <key>'.")
    db.session.commit()  # keep the key's last use, whatever the operation does next
    caller = Caller(api_key, api_key_permissions(api_key))
    g.api_caller = caller
    if (refusal := api_refusal(db.session, caller.account)) is not None:
        raise PermissionDeniedError(refusal)
    needed = declared.permission if declared is not None else None
    if needed is not None and needed not in caller.permissions:
        raise PermissionDeniedError(f"The team {caller.team.name} does not have the {needed} permission.")


def challenge(response: Response) -> Response:
    """Tell a client without a valid key how to authenticate (RFC 6750)."""
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'  # white label: no platform's name
    return response
