"""Signing in and out: password checks, throttling, revocable server-side sessions.

A browser holds a random token; the database holds its hash in a ``LoginSession`` row.
Signing out, or disabling the person, revokes the row, which a signed cookie alone could not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import NotAuthenticatedError, NotFoundError
from core.models.accounts import Account
from core.models.people import LoginSession, LoginThrottle, User
from core.models.storefronts import Storefront
from core.passwords import hash_password, needs_rehash, verify_password
from core.services.people import accounts_of, normalise_email
from core.tokens import new_secret, secret_hash

#: Failures allowed in one window before the email, or the address, is locked out for a while.
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20
THROTTLE_WINDOW = timedelta(minutes=15)
#: How long a sign-in lasts.
SESSION_LIFETIME = timedelta(hours=12)


class SignInError(NotAuthenticatedError):
    """The email and password do not sign anybody in; never says which part was wrong."""

    title = "Sign-in failed"


class ThrottledError(SignInError):
    title = "Too many attempts"


@dataclass(frozen=True)
class SignedIn:
    login_session: LoginSession
    #: Goes in the cookie; shown once, stored only as a hash.
    token: str


def _throttle_keys(email: str, ip_address: str | None) -> list[tuple[str, int]]:
    keys = [(f"email:{email}", MAX_FAILURES_PER_EMAIL)]
    if ip_address:
        keys.append((f"ip:{ip_address}", MAX_FAILURES_PER_ADDRESS))
    return keys


def _locked(session: Session, keys: list[tuple[str, int]]) -> bool:
    now = utcnow()
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_([key for key, _ in keys])))
    return any(row.locked_until is not None and row.locked_until > now for row in rows)


def _count_failure(session: Session, keys: list[tuple[str, int]]) -> None:
    now = utcnow()
    for key, limit in keys:
        row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update())
        if row is None:
            row = LoginThrottle(key=key, failures=0, window_started_at=now)
            session.add(row)
        if now - row.window_started_at > THROTTLE_WINDOW:
            row.failures, row.window_started_at, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + THROTTLE_WINDOW


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    ip_address: str | None = None,
    user_agent: str | None = None,
    storefront: Storefront | None = None,
) -> SignedIn:
    """Check the credentials and open a new session (a new token at every sign-in).

    On a ``storefront``, only a member of an account its seller sells to directly signs in, and
    the session works on that storefront alone; without one, it is a back-office session.
    Raises ``SignInError`` with the same message whether the email is unknown, the password
    wrong, the person disabled or not a customer of the storefront; ``ThrottledError`` after
    too many failures.
    """
    email = normalise_email(email)
    keys = _throttle_keys(email, ip_address)
    if _locked(session, keys):
        raise ThrottledError("Too many failed attempts. Wait a few minutes, then try again.")
    user = session.scalar(select(User).where(User.email == email))
    if not verify_password(user.password_hash if user else None, password) or user is None or not user.active:
        _count_failure(session, keys)
        raise SignInError("That email and password do not match an active account.")
    accounts = accounts_of(session, user, customers_of=storefront.account if storefront is not None else None)
    if storefront is not None and not accounts:
        raise SignInError("That email and password do not match an active account.")
    session.execute(update(LoginThrottle).where(LoginThrottle.key == keys[0][0]).values(failures=0, locked_until=None))
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    token = new_secret()
    login_session = LoginSession(
        token_hash=secret_hash(token),
        user=user,
        account_id=accounts[0].id if accounts else None,
        storefront_id=storefront.id if storefront is not None else None,
        ip_address=ip_address,
        user_agent=(user_agent or "")[:300] or None,
    )
    session.add(login_session)
    session.flush()
    return SignedIn(login_session, token)


def resume_session(session: Session, token: str, storefront: Storefront | None = None) -> LoginSession | None:
    """Return the live session for a cookie's token, or ``None`` if it is over or began elsewhere
    (on another storefront, or in the back office when ``storefront`` is given, and the reverse)."""
    login_session = session.scalar(
        select(LoginSession).where(
            LoginSession.token_hash == secret_hash(token),
            LoginSession.revoked_at.is_(None),
            LoginSession.storefront_id.is_(None) if storefront is None else LoginSession.storefront_id == storefront.id,
        )
    )
    if login_session is None or not login_session.user.active:
        return None
    if utcnow() - login_session.created_at > SESSION_LIFETIME:
        return None
    return login_session


def sign_out(session: Session, login_session: LoginSession) -> None:
    login_session.revoked_at = utcnow()


def switch_account(session: Session, login_session: LoginSession, account_id: int) -> Account:
    """Act for another of the person's accounts (on a storefront, of its seller's customers), without signing in again."""
    storefront = session.get(Storefront, login_session.storefront_id) if login_session.storefront_id else None
    for account in accounts_of(session, login_session.user, customers_of=storefront.account if storefront else None):
        if account.id == account_id:
            login_session.account_id = account.id
            return account
    raise NotFoundError(f"No account {account_id}.")
