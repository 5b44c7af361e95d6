"""Signing in and out: password checks, throttling, revocable server-side sessions.

A browser holds a random token; the database holds its hash in a ``LoginSession`` row.
Signing out, or disabling the person, revokes the row, which a signed cookie alone could not.

Throttling slows password guessing without letting anyone lock someone else out. Attempts are
counted per email and client address (the address behind trusted proxies: the
``CASCADE_TRUSTED_PROXIES`` setting), per address whatever the email, and per email across
addresses. The first two wait longer after each failure past their limit (``delay``), so the
owner signing in from elsewhere is never stopped by someone guessing at their email. The third,
far above the others, pauses the login altogether and emails its owner a link that lifts it
(``unlock_sign_in``; a password reset lifts it too). Each attempt is counted, atomically, before
the password is checked, and the count committed: concurrent guesses cannot slip past a limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, select, update
from sqlalchemy.orm import Session, contains_eager

from core.clock import utcnow
from core.db import insert_new
from core.errors import NotAuthenticatedError, NotFoundError
from core.i18n import Translator
from core.languages import _, say
from core.links import links
from core.models.accounts import Account, AccountKind
from core.models.people import LoginSession, LoginThrottle, Team, User
from core.models.storefronts import Storefront
from core.passwords import hash_password, needs_rehash, verify_password
from core.services.notifications import sender_name_for
from core.services.outbox import queue_email
from core.services.people import accounts_of, normalise_email
from core.tokens import new_secret, secret_hash

#: Failures allowed for one email from one address, and from one address whatever the email,
#: before each further attempt waits longer (``delay``).
MAX_FAILURES_PER_EMAIL_AND_ADDRESS = 5
MAX_FAILURES_PER_ADDRESS = 20
#: Failures for one email from every address together before its login is paused until its
#: owner follows the emailed link (or ``EMAIL_PAUSE`` has passed).
MAX_FAILURES_PER_EMAIL = 100
EMAIL_PAUSE = timedelta(hours=24)
#: A count starts again once its first failure is this old.
THROTTLE_WINDOW = timedelta(hours=1)
#: The wait after the first failure past a limit; it doubles with each further one, up to the most.
FIRST_DELAY = timedelta(minutes=1)
LONGEST_DELAY = timedelta(hours=1)
#: How long a sign-in lasts.
SESSION_LIFETIME = timedelta(hours=12)


class SignInError(NotAuthenticatedError):
    """The email and password do not sign anybody in; never says which part was wrong."""

    title = _("Sign-in failed")


class ThrottledError(SignInError):
    title = _("Too many attempts")


class NotACustomerHereError(SignInError):
    """The password is right, but none of the person's accounts buys from the storefront's seller:
    the same refusal, holding the person, for a storefront that tells them where their account went."""

    def __init__(self, user: User) -> None:
        super().__init__(say("That email and password do not match an active account."))
        self.user = user


class NotStaffError(SignInError):
    """The password is right, but the person works for no distributor or reseller: the back office is
    for sellers' staff, and customers serve themselves on their seller's storefront."""

    def __init__(self, user: User) -> None:
        super().__init__(say("The back office is for the staff of distributors and resellers."))
        self.user = user


@dataclass(frozen=True)
class SignedIn:
    login_session: LoginSession
    #: Goes in the cookie; shown once, stored only as a hash.
    token: str


@dataclass(frozen=True)
class _Count:
    key: str
    limit: int


def delay(failures: int, limit: int) -> timedelta:
    """How long the attempt after ``failures`` failures must wait: nothing up to ``limit``, then
    ``FIRST_DELAY``, doubling with each failure beyond, at most ``LONGEST_DELAY``."""
    if failures < limit:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** min(failures - limit, 16), LONGEST_DELAY)


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    ip_address: str | None = None,
    user_agent: str | None = None,
    storefront: Storefront | None = None,
    unlock_link: Callable[[str], str] | None = None,
    commit_attempt: bool = True,
    joining: Team | None = None,
) -> SignedIn:
    """Check the credentials and open a new session (a new token at every sign-in).

    On a ``storefront``, only a member of an account its seller sells to directly signs in, and
    the session works on that storefront alone; without one, it is a back-office session, for a
    member of a distributor or a reseller (or a platform operator) only: anyone else is refused
    with ``NotStaffError``, holding the person, once the password is checked. The session acts for
    ``joining``'s account when given (the team an invitation being accepted adds the person to).
    Raises ``SignInError`` with the same message whether the email is unknown, the password
    wrong, the person disabled or not a customer of the storefront (``NotACustomerHereError``,
    holding the person, for the last); ``ThrottledError`` while the attempts are throttled.
    Commits the attempt's count before the password is checked (see the module's docstring); the
    session it opens is for the caller to commit. A caller in the middle of a transaction of its
    own (accepting an invitation) passes ``commit_attempt=False``: the count then holds its rows'
    locks until the caller commits.
    ``unlock_link`` turns a token into the page that lifts a paused login, for the email sent
    when one is paused (the back office's when not given).
    """
    email = normalise_email(email)
    counts = [_Count(f"pair:{email}|{ip_address or '-'}", MAX_FAILURES_PER_EMAIL_AND_ADDRESS),
              *([_Count(f"ip:{ip_address}", MAX_FAILURES_PER_ADDRESS)] if ip_address else []),
              _Count(f"email:{email}", MAX_FAILURES_PER_EMAIL)]
    user = session.scalar(select(User).where(User.email == email))
    password_hash, user_id = (user.password_hash, user.id) if user is not None else (None, None)
    waiting, paused = _count_attempt(session, counts, utcnow())
    if paused is not None and user is not None and user.active:
        _email_unlock_link(session, user, paused, storefront, unlock_link)
    if commit_attempt:
        session.commit()  # the attempt stands, and nothing is held while the password is checked
    if waiting:
        raise ThrottledError(say("Too many failed attempts. Wait a few minutes, then try again."))
    if user_id is None or not verify_password(password_hash, password):
        raise SignInError(say("That email and password do not match an active account."))
    # A hash of older parameters is made again now, like the check, before the next transaction holds anything.
    rehashed = hash_password(password) if needs_rehash(password_hash or "") else None
    user = session.get_one(User, user_id)
    if joining is not None:
        accounts = [joining.account]
    else:
        accounts = accounts_of(session, user, customers_of=storefront.account if storefront is not None else None,
                               staff=storefront is None)
    if not user.active:
        raise SignInError(say("That email and password do not match an active account."))
    if storefront is not None and not accounts:
        raise NotACustomerHereError(user)
    if storefront is None and not user.platform_operator and all(account.kind is AccountKind.CUSTOMER for account in accounts):
        raise NotStaffError(user)
    if rehashed is not None:
        user.password_hash = rehashed
    signed_in = open_session(session, user, accounts[0] if accounts else None, storefront=storefront,
                             ip_address=ip_address, user_agent=user_agent)
    _count_success(session, counts)  # last: the counts' rows stay locked only until the caller commits
    return signed_in


def open_session(session: Session, user: User, account: Account | None, *, storefront: Storefront | None = None,
                 ip_address: str | None = None, user_agent: str | None = None) -> SignedIn:
    """Open a session for ``user`` acting for ``account``: once its password is checked (``sign_in``),
    or its email proven by a link it just followed (a sign-up's confirmation)."""
    token = new_secret()
    login_session = LoginSession(
        token_hash=secret_hash(token),
        user=user,
        account_id=account.id if account is not None else None,
        storefront_id=storefront.id if storefront is not None else None,
        ip_address=ip_address,
        user_agent=(user_agent or "")[:300] or None,
    )
    session.add(login_session)
    session.flush()
    return SignedIn(login_session, token)


def unlock_sign_in(session: Session, token: str) -> str:
    """Lift the pause on a login that the link with ``token`` was emailed for; answer its email."""
    row = session.scalar(select(LoginThrottle).where(LoginThrottle.unlock_token_hash == secret_hash(token))
                         .with_for_update())
    if row is None:
        raise NotFoundError(say("This link does not unlock anything: it was used already, or the pause is over."))
    row.failures, row.locked_until, row.unlock_token_hash = 0, None, None
    return row.key.removeprefix("email:")


def _count_attempt(session: Session, counts: list[_Count], now: datetime) -> tuple[bool, LoginThrottle | None]:
    """Count the attempt as a failure (until it succeeds) where no count makes it wait, under the
    counts' row locks so that concurrent attempts are counted one after the other; a count at
    its limit makes the next attempt wait. Answers whether this one must wait, and the email's
    row if this attempt paused the login."""
    insert_new(session, LoginThrottle.__table__, [{"key": count.key, "failures": 0, "window_started_at": now}
                                                  for count in counts], key="key")
    rows = {row.key: row for row in session.scalars(
        select(LoginThrottle).where(LoginThrottle.key.in_([count.key for count in counts])).order_by(LoginThrottle.key)
        .with_for_update().execution_options(populate_existing=True))}
    for row in rows.values():
        if row.window_started_at < now - THROTTLE_WINDOW and (row.locked_until is None or row.locked_until <= now):
            row.failures, row.window_started_at, row.locked_until, row.unlock_token_hash = 0, now, None, None
    if any(row.locked_until is not None and row.locked_until > now for row in rows.values()):
        return True, None
    paused = None
    for count in counts:
        row = rows[count.key]
        row.failures += 1
        if row.failures >= count.limit:
            email_count = count.key.startswith("email:")
            row.locked_until = now + (EMAIL_PAUSE if email_count else delay(row.failures, count.limit))
            paused = row if email_count else paused
    return False, paused


def _count_success(session: Session, counts: list[_Count]) -> None:
    """The attempt signed in: it was no failure. Its email and address start afresh; the wider
    counts only lose this attempt (a success must not wipe out someone else's guesses), and stop
    making others wait if that takes them back under their limit. One statement, whatever the counts."""
    pair = counts[0]
    rows = LoginThrottle.__table__.c
    failures = case((rows.key == pair.key, 0), (rows.failures > 0, rows.failures - 1), else_=0)
    limit = case({count.key: count.limit for count in counts}, value=rows.key)
    # On the table, not the entity: the next attempt reloads the rows (populate_existing) before it reads them.
    session.execute(update(LoginThrottle.__table__).where(rows.key.in_([count.key for count in counts]))
                    .values(failures=failures, locked_until=case((failures < limit, None), else_=rows.locked_until)))


def _email_unlock_link(session: Session, user: User, paused: LoginThrottle, storefront: Storefront | None,
                       unlock_link: Callable[[str], str] | None) -> None:
    """Tell the login's owner it is paused, with the link that lifts the pause (once per pause)."""
    token = new_secret()
    paused.unlock_token_hash = secret_hash(token)
    link = (unlock_link or (lambda secret: links.backoffice(f"sign-in/unlock/{secret}")))(token)
    translator = Translator.for_setting(user.locale)
    _ = translator.gettext
    queue_email(
        session, to=user.email, subject=_("Sign-ins to your login are paused"),
        text=_("Hello %(name)s,\n\nSomeone tried many times, from several places, to sign in as %(email)s with a wrong "
               "password. To keep them out, sign-ins to this login are paused for a day.\n\nIf it was you, or to sign "
               "in now, lift the pause here:\n%(link)s\n\nThen consider choosing a new password.\n")
        % {"name": user.name, "email": user.email, "link": link},
        sender_name=sender_name_for(session, storefront.account) if storefront is not None else None,
        brand=storefront,
        locale=translator.locale,
    )


def resume_session(session: Session, token: str, storefront: Storefront | None = None) -> LoginSession | None:
    """Return the live session for a cookie's token, or ``None`` if it is over or began elsewhere
    (on another storefront, or in the back office when ``storefront`` is given, and the reverse).
    One query, the person included: every signed-in request begins with it."""
    values = {"token_hash": secret_hash(token), "since": utcnow() - SESSION_LIFETIME}
    if storefront is None:
        return session.scalar(_BACKOFFICE_SESSION, values)
    return session.scalar(_STOREFRONT_SESSION, {**values, "storefront_id": storefront.id})


# Built once: every signed-in request runs one of them, and building a statement costs as much as running it.
_LIVE_SESSION = select(LoginSession).join(LoginSession.user).options(contains_eager(LoginSession.user)).where(
    LoginSession.token_hash == bindparam("token_hash"),
    LoginSession.revoked_at.is_(None),
    LoginSession.created_at >= bindparam("since"),
    User.active.is_(True),
)
_BACKOFFICE_SESSION = _LIVE_SESSION.where(LoginSession.storefront_id.is_(None))
_STOREFRONT_SESSION = _LIVE_SESSION.where(LoginSession.storefront_id == bindparam("storefront_id"))


def sign_out(session: Session, login_session: LoginSession) -> None:
    login_session.revoked_at = utcnow()


def switch_account(session: Session, login_session: LoginSession, account_id: int) -> Account:
    """Act for another of the person's accounts without signing in again: on a storefront, of its seller's
    customers; in the back office, of the distributors and resellers."""
    storefront = session.get(Storefront, login_session.storefront_id) if login_session.storefront_id else None
    for account in accounts_of(session, login_session.user, customers_of=storefront.account if storefront else None,
                               staff=storefront is None):
        if account.id == account_id:
            login_session.account_id = account.id
            return account
    raise NotFoundError(say("No account %(id)s.", id=account_id))
