"""Invitations to join a team: an emailed one-time link, stored only as a hash, valid 7 days.

Accepting a link signs the person in. A newcomer chooses a name and a password; a person
who already has a login proves it with their password, through the same throttled check
as the sign-in form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import GoneError, NotFoundError, ValidationError
from core.i18n import Translator
from core.languages import _, quoted, say
from core.models.accounts import Account
from core.models.invitations import Invitation
from core.models.people import Membership, Team, User
from core.models.storefronts import Storefront
from core.passwords import hash_password
from core.permissions import Permission
from core.services.audit import record_event
from core.services.outbox import queue_email
from core.services.people import add_member, check_password_strength, create_user, normalise_email, require_permission
from core.services.sign_in import SignedIn, SignInError, sign_in
from core.tokens import new_secret, secret_hash

LIFETIME = timedelta(days=7)

_EMAIL = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[A-Za-z]{2,}$")


class InvitationGoneError(GoneError):
    """The link was real but is used, withdrawn or expired: it will never work again."""

    title = _("Invitation no longer valid")


def invite_person(
    session: Session,
    *,
    account: Account,
    team_id: int,
    email: str,
    by: User,
    link_for: Callable[[str], str],
    sender_name: str | None = None,
) -> Invitation:
    """Invite ``email`` into one of the account's teams and queue the email with its link.

    ``link_for`` turns the token into the absolute URL of the page that accepts it; the email
    comes in ``sender_name`` (a storefront's shop name), else in the account's name. A new
    invitation replaces a pending one to the same person for the same team.
    """
    require_permission(session, by, account, Permission.MANAGE_TEAM)
    team = session.scalar(select(Team).where(Team.id == team_id, Team.account_id == account.id))
    if team is None:
        raise NotFoundError(say("No team %(id)s.", id=team_id))
    email = normalise_email(email)
    if not _EMAIL.match(email):
        raise ValidationError({"email": [say("%(email)s is not an email address.", email=quoted(email))]})
    existing = session.scalar(select(User).where(User.email == email))
    if existing is not None and not existing.active:
        raise ValidationError({"email": [say("The login %(email)s is disabled.", email=email)]})
    if existing is not None and session.scalar(
        select(Membership.id).where(Membership.team_id == team.id, Membership.user_id == existing.id)
    ):
        raise ValidationError({"email": [say("%(email)s is already in the team %(team)s.", email=email, team=team.name)]})
    now = utcnow()
    for pending in _pending(session, team, email):
        pending.revoked_at = now
        record_event(
            session, account=account, by=by, action="invitation.revoked", target=pending,
            changes={"team": team.name, "email": email, "reason": "replaced by a new invitation"},
        )
    token = new_secret()
    invitation = Invitation(
        team=team, email=email, token_hash=secret_hash(token), invited_by=by, expires_at=now + LIFETIME
    )
    session.add(invitation)
    record_event(
        session, account=account, by=by, action="invitation.created", target=invitation,
        changes={"team": team.name, "email": email},
    )
    link = link_for(token)
    translator = Translator.for_setting(existing.locale if existing is not None else None)
    _ = translator.gettext
    named = {"by": by.name, "by_email": by.email, "account": account.name, "team": team.name, "link": link,
             "day": translator.day(invitation.expires_at), "time": f"{invitation.expires_at:%H:%M}"}
    queue_email(
        session,
        to=email,
        subject=_("%(by)s invited you to join %(account)s") % named,
        text=_("Hello,\n\n%(by)s (%(by_email)s) invited you to join %(account)s, in the team %(team)s.\n\n"
               "Accept the invitation here:\n%(link)s\n\nThe link works once and expires on %(day)s at %(time)s UTC.\n"
               "If you did not expect this invitation, ignore this email.\n") % named,
        sender_name=sender_name or account.name,
        reply_to=by.email,
        locale=translator.locale,
    )
    return invitation


def pending_invitations(session: Session, team: Team) -> list[Invitation]:
    """Return the team's invitations that can still be accepted, oldest first."""
    return _pending(session, team)


def revoke_invitation(
    session: Session, *, account: Account, team_id: int, invitation_id: int, by: User
) -> Invitation:
    """Withdraw a pending invitation: its link stops working."""
    require_permission(session, by, account, Permission.MANAGE_TEAM)
    invitation = session.scalar(
        select(Invitation)
        .join(Team)
        .where(Invitation.id == invitation_id, Invitation.team_id == team_id, Team.account_id == account.id)
    )
    if invitation is None:
        raise NotFoundError(say("No invitation %(id)s.", id=invitation_id))
    if invitation.accepted_at is not None:
        raise ValidationError({"invitation": [say("%(email)s already accepted this invitation.", email=invitation.email)]})
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        record_event(
            session, account=account, by=by, action="invitation.revoked", target=invitation,
            changes={"team": invitation.team.name, "email": invitation.email},
        )
    return invitation


def open_invitation(
    session: Session, token: str, *, for_update: bool = False, storefront: Storefront | None = None
) -> Invitation:
    """Return the invitation a link's token names, if it can still be accepted.

    Raises ``NotFoundError`` for a token that never existed (or, on a ``storefront``, that is
    not into an account its seller sells to) and ``InvitationGoneError`` for one that was used,
    withdrawn or has expired.
    """
    query = select(Invitation).where(Invitation.token_hash == secret_hash(token))
    invitation = session.scalar(query.with_for_update() if for_update else query)
    if invitation is None or (storefront is not None and invitation.team.account.parent_id != storefront.account_id):
        raise NotFoundError(say("This invitation link is not valid. Check that you copied all of it."))
    if invitation.accepted_at is not None:
        raise InvitationGoneError(say("This invitation has already been accepted. Sign in to continue."))
    if invitation.revoked_at is not None:
        raise InvitationGoneError(say("This invitation was withdrawn. Ask for a new one if you still need it."))
    if invitation.expires_at <= utcnow():
        raise InvitationGoneError(say("This invitation has expired. Ask for a new one."))
    return invitation


def invitee(session: Session, invitation: Invitation) -> User | None:
    """Return the person the invitation is for, if they already have a login."""
    return session.scalar(select(User).where(User.email == invitation.email))


def accept_invitation(
    session: Session,
    *,
    token: str,
    password: str,
    name: str | None = None,
    ip_address: str | None = None,
    user_agent: str | None = None,
    storefront: Storefront | None = None,
) -> SignedIn:
    """Join the invitation's team and sign in; the link works once.

    A person without a password yet gives a name and a new password; anyone else gives their
    own password. A wrong password counts as a failed sign-in (the caller commits it). On a
    ``storefront``, only its seller's customers' invitations work, and the session is that
    storefront's.
    """
    invitation = open_invitation(session, token, for_update=True, storefront=storefront)
    user = invitee(session, invitation)
    if user is not None and not user.active:
        raise ValidationError({"email": [say("The login %(email)s is disabled.", email=user.email)]})
    newcomer = None
    if user is None or user.password_hash is None:
        _check_newcomer(name or "", password)
        newcomer = session.begin_nested()
        user = _set_up_newcomer(session, invitation, user, name or "", password)
    try:
        signed_in = sign_in(
            session, email=invitation.email, password=password, ip_address=ip_address, user_agent=user_agent,
            storefront=storefront, commit_attempt=False, joining=invitation.team,
        )
    except SignInError as error:
        # A newcomer fails only while their email is locked out: undo their login, keep nothing.
        if newcomer is not None:
            newcomer.rollback()
        raise ValidationError({"password": [error.detail]}) from None
    team = invitation.team
    add_member(session, team, user, by=user)
    invitation.accepted_at = utcnow()
    record_event(
        session, account=team.account, by=user, action="invitation.accepted", target=invitation,
        changes={"team": team.name, "email": invitation.email},
    )
    return signed_in


def _check_newcomer(name: str, password: str) -> None:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [say("Give your name.")]
    if problems := check_password_strength(password):
        errors["password"] = problems
    if errors:
        raise ValidationError(errors)


def _set_up_newcomer(session: Session, invitation: Invitation, user: User | None, name: str, password: str) -> User:
    if user is None:
        return create_user(session, email=invitation.email, name=name, password=password)
    user.name = name.strip()
    user.password_hash = hash_password(password)
    session.flush()
    return user


def _pending(session: Session, team: Team, email: str | None = None) -> list[Invitation]:
    query = select(Invitation).where(
        Invitation.team_id == team.id,
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > utcnow(),
    )
    if email is not None:
        query = query.where(Invitation.email == email)
    return list(session.scalars(query.order_by(Invitation.id)))
