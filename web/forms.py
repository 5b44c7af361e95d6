"""Reading what people type into forms and query strings, the same on every page.

A value that cannot be read gives the reason under its field's name, as the services do, so a
page shows it beside the field and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, TypeVar

from flask import Blueprint, request
from flask_babel import format_decimal, gettext

from core.errors import ValidationError
from core.languages import quoted
from core.models.accounts import Account
from core.services.accounts import list_accounts
from core.services.ticket_files import MAX_UPLOAD_BYTES, UploadedFile
from web.database import db
from web.input_checks import MAX_ID
from web.pages import current_account

#: How many accounts a select offers; past that, a seller finds an account on the accounts page.
MAX_CHOICES = 1000

Choice = TypeVar("Choice", bound=StrEnum)


def account_choices() -> list[Account]:
    """The current account, then the accounts below it: whom an order can be for, whose things a list shows."""
    viewer = current_account()
    return [viewer, *list_accounts(db.session, viewer, limit=MAX_CHOICES)]


def enum_arg(kind: type[Choice], name: str, what: str) -> Choice | None:
    """The query argument ``name`` as one of ``kind``'s values; empty means no filter.

    ``what`` names such a value in the reader's language, as the refusal puts it: ``gettext("an order status")``."""
    value = request.args.get(name) or None
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        raise ValidationError({name: [gettext("%(value)s is not %(what)s.", value=quoted(value), what=what)]}) from None


def whole_number(
    value: str | None, field: str, errors: dict[str, list[str]], *, at_most: int = MAX_ID, required: str = ""
) -> int | None:
    """Read a whole number typed or chosen in a form; ``None`` if it is empty or, with the reason in
    ``errors``, not a number (or empty, when ``required`` says what to do instead)."""
    text = (value or "").strip()
    if not text:
        if required:
            errors[field] = [required]
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > at_most:
        errors[field] = [gettext("Write a whole number from 1 to %(most)s.", most=format_decimal(at_most))]
        return None
    return int(text)


def accept_files(blueprint: Blueprint, endpoints: Iterable[str]) -> None:
    """Let the forms of ``endpoints`` carry files, weighing up to ``MAX_UPLOAD_BYTES`` where every other form
    keeps the app's limit. The limit is raised in a URL value preprocessor: those run before any
    ``before_request`` function, the CSRF check among them, reads the form."""
    taking = frozenset(endpoints)

    @blueprint.url_value_preprocessor
    def allow_files(endpoint: str | None, _values: dict[str, Any] | None) -> None:
        if endpoint in taking:
            request.max_content_length = MAX_UPLOAD_BYTES


def uploaded_files(field: str = "attachments") -> list[UploadedFile]:
    """The files the form sends under ``field``; a file input left empty sends a part with no name, which is no file."""
    return [UploadedFile(upload.filename or "", upload.read()) for upload in request.files.getlist(field) if upload.filename]
