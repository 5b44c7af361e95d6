"""The HTTP status each family of the services' errors answers with, in every web app."""

from __future__ import annotations

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
