"""Customers signing themselves up on a storefront, confirmed by an emailed one-time link.

Signing up writes only a ``SignUp``; following the link creates the customer account under
the storefront's seller, with the person in its owner team. An email that already has a
login keeps it (and its password): confirming proves the address, which is all joining a
new account of one's own needs. Asking never tells whether an email has a login.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import GoneError, NotFoundError, ValidationError
from core.languages import _, say, supported, translations
from core.models.accounts import Account, AccountKind
from core.models.people import User
from core.models.sign_ups import SignUp
from core.models.storefronts import Storefront
from core.passwords import hash_password
from core.services.accounts import NAME_MAX_LENGTH, RESERVED_SLUGS, create_account
from core.services.audit import record_event
from core.services.notifications import sender_name_for
from core.services.outbox import queue_email
from core.services.people import (
    PERSON_NAME_MAX_LENGTH,
    add_member,
    check_password_strength,
    create_user,
    is_email_address,
    normalise_email,
    owner_team,
)
from core.tokens import new_secret, secret_hash
from core.typed_text import checked_name

LIFETIME = timedelta(days=2)
#: Sign-ups one email may start per ``LIFETIME`` on one storefront: enough for a lost email, too few to flood an inbox.
MAX_PER_EMAIL = 3


class SignUpLinkGoneError(GoneError):
    title = _("Link no longer valid")


@dataclass(frozen=True)
class Confirmed:
    account: Account
    user: User
    #: The person had a login before: they sign in with their own password, not the one just chosen.
    existing_login: bool


def start_sign_up(
    session: Session,
    *,
    storefront: Storefront,
    email: str,
    name: str,
    company_name: str,
    password: str,
    locale: str,
    link_for: Callable[[str], str],
) -> SignUp | None:
    """Check the form and email a confirmation link; ``None`` when the address asked too often
    (the caller answers the same either way)."""
    email = normalise_email(email)
    errors: dict[str, list[str]] = {}
    if not is_email_address(email):
        errors["email"] = [say("Enter an email address, such as name@example.com.")]
    name = checked_name(name, "name", errors, missing=say("Give your name."), max_length=PERSON_NAME_MAX_LENGTH)
    company_name = checked_name(company_name, "company_name", errors, max_length=NAME_MAX_LENGTH,
                                missing=say("Give your organisation's name (or your own, if you buy for yourself)."))
    if problems := check_password_strength(password):
        errors["password"] = problems
    if errors:
        raise ValidationError(errors)
    now = utcnow()
    recent = session.scalar(select(func.count()).select_from(SignUp).where(
        SignUp.storefront_id == storefront.id, SignUp.email == email, SignUp.created_at > now - LIFETIME))
    if recent >= MAX_PER_EMAIL:
        return None
    token = new_secret()
    locale = supported(locale)
    sign_up = SignUp(storefront=storefront, email=email, name=name, company_name=company_name,
                     password_hash=hash_password(password), locale=locale, token_hash=secret_hash(token),
                     expires_at=now + LIFETIME)
    session.add(sign_up)
    session.flush()
    _ = translations(locale).gettext
    shop = storefront.shop_name
    queue_email(
        session,
        to=email,
        subject=_("Confirm your email for %(shop)s") % {"shop": shop},
        text=_("Hello %(name)s,\n\nThank you for signing up with %(shop)s. Confirm your email address to open "
               "your account:\n%(link)s\n\nThe link works once and expires in two days. If you did not sign up, "
               "ignore this email: nothing is created without it.\n") % {"name": sign_up.name, "shop": shop,
                                                                        "link": link_for(token)},
        sender_name=sender_name_for(session, storefront.account),
        brand=storefront,
        locale=locale,
    )
    return sign_up


def pending_sign_up(session: Session, token: str, *, for_update: bool = False) -> SignUp:
    """The sign-up a link names; ``NotFoundError`` for a made-up token, ``SignUpLinkGoneError`` once used or expired."""
    query = select(SignUp).where(SignUp.token_hash == secret_hash(token))
    sign_up = session.scalar(query.with_for_update() if for_update else query)
    if sign_up is None:
        raise NotFoundError(say("This link is not valid."))
    if sign_up.confirmed_at is not None or sign_up.expires_at <= utcnow():
        raise SignUpLinkGoneError(say("This link has been used or has expired. Sign up again, or sign in."))
    return sign_up


def confirm_sign_up(session: Session, token: str) -> Confirmed:
    """Create the customer account under the storefront's seller, its owner being the person who signed up."""
    sign_up = pending_sign_up(session, token, for_update=True)
    seller = sign_up.storefront.account
    user = session.scalar(select(User).where(User.email == sign_up.email))
    existing_login = user is not None and user.password_hash is not None
    if user is not None and not user.active:
        raise ValidationError({"email": [say("The login %(email)s is disabled.", email=user.email)]})
    if user is None:
        user = create_user(session, email=sign_up.email, name=sign_up.name)
    if not existing_login:
        user.password_hash = sign_up.password_hash
    account = create_account(session, kind=AccountKind.CUSTOMER, name=sign_up.company_name,
                             slug=_free_slug(session, sign_up.company_name), parent=seller, by=user)
    add_member(session, owner_team(session, account), user, by=user)
    sign_up.confirmed_at, sign_up.account = utcnow(), account
    record_event(session, account=account, by=user, action="account.signed_up", target=account,
                 changes={"storefront_id": sign_up.storefront_id, "email": user.email})
    session.flush()
    return Confirmed(account=account, user=user, existing_login=existing_login)


def _free_slug(session: Session, name: str) -> str:
    """A slug made of the name (``"Café Noël"`` -> ``cafe-noel``), numbered when taken or reserved (``www-2``)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50].strip("-") or "customer"
    slug, number = base, 1
    while slug in RESERVED_SLUGS or session.scalar(select(exists().where(Account.slug == slug))):
        number += 1
        slug = f"{base}-{number}"
    return slug
