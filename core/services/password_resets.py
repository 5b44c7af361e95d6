"""Forgotten passwords: an emailed one-time link, valid one hour, that signs the person out everywhere.

Asking for a link never tells whether the email has a login: the caller answers the same
either way, and only a real, active person gets an email.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import GoneError, NotFoundError, ValidationError
from core.languages import DEFAULT_LOCALE, _, say, supported, translations
from core.models.invitations import PasswordReset
from core.models.people import LoginSession, LoginThrottle, User
from core.models.storefronts import Storefront
from core.passwords import hash_password
from core.services.audit import record_event
from core.services.notifications import sender_name_for
from core.services.outbox import queue_email
from core.services.people import accounts_of, check_password_strength, normalise_email
from core.tokens import new_secret, secret_hash

LIFETIME = timedelta(hours=1)
#: Links sent to one person per ``LIFETIME``: enough for a lost email, too few to flood an inbox.
MAX_REQUESTS_PER_LIFETIME = 3


class ResetLinkGoneError(GoneError):
    """The link was real but is used or expired: it will never work again."""

    title = _("Link no longer valid")


def request_password_reset(
    session: Session, *, email: str, link_for: Callable[[str], str], storefront: Storefront | None = None,
    locale: str = DEFAULT_LOCALE,
) -> PasswordReset | None:
    """Email a reset link if ``email`` belongs to an active person; return the reset, if any.

    ``link_for`` turns the token into the absolute URL of the page that sets the password. Asked
    on a ``storefront``, only a person who signs in there gets a link, in the shop's name. The
    email is in the person's chosen language, else ``locale``, the language the link was asked for in.
    """
    user = session.scalar(select(User).where(User.email == normalise_email(email), User.active))
    if user is None or _recent_requests(session, user) >= MAX_REQUESTS_PER_LIFETIME:
        return None
    if storefront is not None and not accounts_of(session, user, customers_of=storefront.account):
        return None
    token = new_secret()
    reset = PasswordReset(user=user, token_hash=secret_hash(token), expires_at=utcnow() + LIFETIME)
    session.add(reset)
    # Nobody is signed in when asking: the event has no actor.
    _record(session, user, None, "password_reset.requested", reset, {"email": user.email})
    locale = supported(user.locale or locale)  # the person's own choice, else the page's language
    _ = translations(locale).gettext
    queue_email(
        session,
        to=user.email,
        subject=_("Reset your password"),
        text=_("Hello %(name)s,\n\nSomeone, probably you, asked to reset the password of the login %(email)s.\n\n"
               "Choose a new password here:\n%(link)s\n\nThe link works once and expires in one hour. Setting a "
               "new password signs you out everywhere.\nIf you did not ask for this, ignore this email: your "
               "password stays as it is.\n") % {"name": user.name, "email": user.email, "link": link_for(token)},
        sender_name=sender_name_for(session, storefront.account) if storefront is not None else None,
        brand=storefront,
        locale=locale,
    )
    return reset


def open_password_reset(session: Session, token: str, *, for_update: bool = False) -> PasswordReset:
    """Return the reset a link's token names, if it can still be used.

    Raises ``NotFoundError`` for a token that never existed and ``ResetLinkGoneError`` for
    one that was used or has expired.
    """
    query = select(PasswordReset).where(PasswordReset.token_hash == secret_hash(token))
    reset = session.scalar(query.with_for_update() if for_update else query)
    if reset is None:
        raise NotFoundError(say("This password reset link is not valid. Check that you copied all of it."))
    if reset.used_at is not None:
        raise ResetLinkGoneError(say("This password reset link has already been used. Ask for a new one if you need it."))
    if reset.expires_at <= utcnow() or not reset.user.active:
        raise ResetLinkGoneError(say("This password reset link has expired. Ask for a new one."))
    return reset


def reset_password(session: Session, *, token: str, password: str, confirmation: str) -> User:
    """Set a new password, use up the person's reset links and end all their sessions."""
    reset = open_password_reset(session, token, for_update=True)
    errors: dict[str, list[str]] = {}
    if problems := check_password_strength(password):
        errors["password"] = problems
    if confirmation != password:
        errors["confirmation"] = [say("The two passwords differ.")]
    if errors:
        raise ValidationError(errors)
    user = reset.user
    now = utcnow()
    user.password_hash = hash_password(password)
    # Every other link sent before this one would otherwise still change the password.
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    revoked = session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    # Whoever was guessing the old password must not keep the owner locked out of the new one.
    session.execute(
        update(LoginThrottle).where(or_(LoginThrottle.key == f"email:{user.email}",
                                        LoginThrottle.key.startswith(f"pair:{user.email}|", autoescape=True)))
        .values(failures=0, locked_until=None, unlock_token_hash=None)
    )
    _record(session, user, user, "user.password_reset", user, {"sessions_revoked": revoked})
    session.flush()
    return user


def _recent_requests(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.created_at > utcnow() - LIFETIME)
    ) or 0


def _record(
    session: Session, user: User, by: User | None, action: str, target: object, changes: dict[str, object]
) -> None:
    """Log the event in each of the person's accounts: their admins see who lost access when."""
    for account in accounts_of(session, user):
        record_event(session, account=account, by=by, action=action, target=target, changes=changes)
