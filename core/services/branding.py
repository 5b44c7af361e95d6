"""A reseller brands its storefront: the shop's name, colours, contact details, welcome text, logo.

Every value is checked here, so the storefront's templates only ever get data they can show
as text or put in a CSS variable: a colour is ``#rrggbb``, a support link is http(s), a logo
is a PNG, JPEG or WebP image by its own bytes (never SVG, which can carry script).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from core.errors import PermissionDeniedError, ValidationError
from core.languages import say
from core.models.accounts import Account, AccountKind
from core.models.storefronts import Storefront
from core.permissions import Permission
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.entitlements import OWN_SENDER_NAME, THEME_CHOICE
from core.services.storefronts import storefront_of
from core.typed_text import name_problem

#: The largest logo accepted, in bytes.
LOGO_MAX_BYTES = 256 * 1024
DISPLAY_NAME_MAX = 80
WELCOME_TEXT_MAX = 1000
SUPPORT_URL_MAX = 300
CONTACT_PHONE_MAX = 30
CONTACT_EMAIL_MAX = 254

_COLOUR = re.compile(r"#[0-9a-f]{6}")
_PHONE = re.compile(r"[0-9 +\-()]+")
_EMAIL = re.compile(r"[^@\s<>\"'(),;:]+@[^@\s<>\"'(),;:]+\.[A-Za-z]{2,}")
#: Control characters: a text keeps only its line breaks and tabs.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def logo_media_type(data: bytes) -> str | None:
    """The media type of a PNG, JPEG or WebP image, told by its first bytes; ``None`` for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def update_branding(
    session: Session, *, actor: Actor, values: Mapping[str, object], logo: bytes | None = None
) -> Storefront:
    """Change the branding fields in ``values`` (the others stay) and, when given, the logo.

    Nothing is saved unless every value is valid; every field at fault is named at once.
    """
    storefront = brandable_storefront(session, actor)
    wanted, errors = checked_branding(values, actor.account)
    if wanted.get("sender_name") and OWN_SENDER_NAME not in storefront.entitlements:
        errors["sender_name"] = [say("The plan %(account)s is on sends in the shop's name: a sender name of your own comes "
                                     "with Standard.", account=actor.account.name)]
    media_type = None
    if logo is not None:
        try:
            media_type = _checked_logo(logo)
        except ValueError as error:
            errors["logo"] = [str(error)]
    if errors:
        raise ValidationError(errors)

    changes: dict[str, list[object]] = {
        field: [getattr(storefront, field), value] for field, value in wanted.items() if getattr(storefront, field) != value
    }
    for field, value in wanted.items():
        setattr(storefront, field, value)
    if logo is not None and media_type is not None:
        # The audit log says what kind of image came, never its bytes.
        changes["logo"] = [storefront.logo_media_type, f"{media_type}, {len(logo)} bytes"]
        storefront.logo, storefront.logo_media_type = logo, media_type
    if changes:
        record_event(session, account=actor.account, by=actor.user, action="storefront.branding_changed",
                     target=storefront, changes=changes)
    session.flush()
    return storefront


def checked_branding(values: Mapping[str, object], seller: Account) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The branding fields in ``values`` for ``seller``'s shop, normalised, and what is wrong with the others, by field.

    A shop goes by its seller's own name: never by the name of a seller above it (its distributor),
    whom its customers never see.
    """
    errors: dict[str, list[str]] = {}
    wanted: dict[str, str] = {}
    for field, value in values.items():
        check = _FIELDS.get(field)
        if check is None:
            errors[field] = [say("This field cannot be changed.")]
            continue
        try:
            wanted[field] = check(value if isinstance(value, str) else "")
        except ValueError as error:
            errors[field] = [str(error)]
    for field in _NAME_FIELDS:
        if wanted.get(field) and (above := _seller_above_named(seller, wanted[field])) is not None:
            errors[field] = [say("%(seller)s is the name of the company you buy from: brand the shop in your own name.",
                                  seller=above.name)]
            del wanted[field]
    return wanted, errors


def _seller_above_named(seller: Account, name: str) -> Account | None:
    """The account above ``seller`` whose name ``name`` holds, however it is cased, spaced or written (NFKC)."""
    folded = _folded(name)
    above = seller.parent
    while above is not None:
        if _folded(above.name) in folded:
            return above
        above = above.parent
    return None


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def remove_logo(session: Session, *, actor: Actor) -> Storefront:
    """Take the logo off the storefront: its pages show the shop's name alone."""
    storefront = brandable_storefront(session, actor)
    if storefront.has_logo:
        record_event(session, account=actor.account, by=actor.user, action="storefront.branding_changed",
                     target=storefront, changes={"logo": [storefront.logo_media_type, None]})
        storefront.logo, storefront.logo_media_type = None, None
        session.flush()
    return storefront


def choose_theme(session: Session, *, actor: Actor, theme: str, available: Collection[str]) -> Storefront:
    """Dress the storefront in ``theme``, one of the installed themes (``available``).

    A choice of themes comes with the plans that have ``theme_choice``; the others wear the
    default theme.
    """
    storefront = brandable_storefront(session, actor)
    if THEME_CHOICE not in storefront.entitlements:
        raise PermissionDeniedError(say("The plan %(account)s is on has the default theme only: a choice of themes comes "
                                        "with Standard.", account=actor.account.name))
    if theme not in available:
        raise ValidationError({"theme": [say("Choose one of the themes: %(themes)s.", themes=", ".join(sorted(available)))]})
    if theme != storefront.theme:
        record_event(session, account=actor.account, by=actor.user, action="storefront.branding_changed",
                     target=storefront, changes={"theme": [storefront.theme, theme]})
        storefront.theme = theme
        session.flush()
    return storefront


def brandable_storefront(session: Session, actor: Actor) -> Storefront:
    """The storefront of the actor's account, when the actor may brand and configure it."""
    actor.require(Permission.MANAGE_STOREFRONT)
    account = actor.account
    if account.kind is AccountKind.CUSTOMER:
        raise PermissionDeniedError(say("Storefronts are for sellers: a customer has none to brand."))
    storefront = storefront_of(session, account)
    if storefront is None:
        raise PermissionDeniedError(
            say("%(account)s has no storefront to brand: choose a plan with a storefront first.", account=account.name)
        )
    return storefront


def _display_name(value: str) -> str:
    name = value.strip()
    if len(name) > DISPLAY_NAME_MAX:
        raise ValueError(say("Use at most %(most)s characters.", most=DISPLAY_NAME_MAX))
    if (problem := name_problem(name)) is not None:
        raise ValueError(problem)
    return name  # empty: the shop goes by the account's name


def _colour(value: str) -> str:
    colour = value.strip().lower()
    if not _COLOUR.fullmatch(colour):
        raise ValueError(say("Give a colour as # and six hexadecimal digits, like #2456c7."))
    return colour


def _contact_email(value: str) -> str:
    email = value.strip()
    if email and (len(email) > CONTACT_EMAIL_MAX or not _EMAIL.fullmatch(email)):
        raise ValueError(say("Give an email address like support@example.com, or leave it empty."))
    return email


def _contact_phone(value: str) -> str:
    phone = value.strip()
    if len(phone) > CONTACT_PHONE_MAX:
        raise ValueError(say("Use at most %(most)s characters.", most=CONTACT_PHONE_MAX))
    if phone and not (_PHONE.fullmatch(phone) and any(sign.isdigit() for sign in phone)):
        raise ValueError(say("Use digits, spaces, +, - and parentheses only, or leave it empty."))
    return phone


def _support_url(value: str) -> str:
    url = value.strip()
    if not url:
        return url
    if len(url) > SUPPORT_URL_MAX:
        raise ValueError(say("Use at most %(most)s characters.", most=SUPPORT_URL_MAX))
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"[\s\x00-\x1f\x7f]", url):
        raise ValueError(say("Give a web address that starts with https:// or http://, or leave it empty."))
    return url


def _welcome_text(value: str) -> str:
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if _CONTROL_IN_TEXT.search(text):
        raise ValueError(say("Use plain text: letters, line breaks and tabs."))
    if len(text) > WELCOME_TEXT_MAX:
        raise ValueError(say("Use at most %(most)s characters.", most=WELCOME_TEXT_MAX))
    return text


def _checked_logo(data: bytes) -> str:
    if len(data) > LOGO_MAX_BYTES:
        raise ValueError(say("Use an image of at most %(size)s KiB.", size=LOGO_MAX_BYTES // 1024))
    media_type = logo_media_type(data)
    if media_type is None:
        raise ValueError(say("Upload a PNG, JPEG or WebP image."))
    return media_type


#: Each branding field and the check that normalises it or says what is wrong.
_FIELDS: dict[str, Callable[[str], str]] = {
    "display_name": _display_name,
    "sender_name": _display_name,
    "primary_colour": _colour,
    "accent_colour": _colour,
    "contact_email": _contact_email,
    "contact_phone": _contact_phone,
    "support_url": _support_url,
    "welcome_text": _welcome_text,
}

#: The fields that name the shop to its customers.
_NAME_FIELDS = ("display_name", "sender_name")
#: The fields ``update_branding`` takes in ``values``.
BRANDING_FIELDS = tuple(_FIELDS)
