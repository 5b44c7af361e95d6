"""The HTTP status each family of the services' errors answers with, and the words of the statuses a page answers
most, in every web app."""

from __future__ import annotations

from flask_babel import lazy_gettext

from core.errors import (
    CascadeError,
    ConflictError,
    ConflictingFieldError,
    GoneError,
    NotAuthenticatedError,
    NotFoundError,
    PermissionDeniedError,
    UnknownReferenceError,
    ValidationError,
    VendorUnavailableError,
)

#: The HTTP status of each family of domain error; subclasses inherit their family's.
STATUS_BY_ERROR: dict[type[CascadeError], int] = {
    NotAuthenticatedError: 401,
    NotFoundError: 404,
    GoneError: 410,
    PermissionDeniedError: 403,
    ConflictError: 409,
    ValidationError: 422,
    UnknownReferenceError: 404,
    ConflictingFieldError: 409,
    VendorUnavailableError: 503,
}


def status_for(error: CascadeError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400

#: What a page calls the statuses answered most, whose Werkzeug words are English: its title and what it means, in the
#: reader's language (the back office's pages and the storefronts' alike).
STATUS_WORDS = {
    400: (lazy_gettext("Please try again"), lazy_gettext("This request cannot be read. Reload the page and try again.")),
    403: (lazy_gettext("Not allowed"), lazy_gettext("You cannot open this page.")),
    404: (lazy_gettext("Page not found"), lazy_gettext("There is no page at this address.")),
    405: (lazy_gettext("Not allowed"), lazy_gettext("This page cannot be used that way.")),
    413: (lazy_gettext("Too large"), lazy_gettext("What you sent is too large.")),
    500: (lazy_gettext("Something went wrong"), lazy_gettext("Please try again in a moment.")),
}
