"""Domain errors. The web layer maps each class to an HTTP status; services only raise them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.languages import _, quoted, say


class CascadeError(Exception):
    """Base of every error a service raises on purpose."""

    #: Short, human title shared by every instance of the error (problem details ``title``).
    title = _("Request failed")

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title


class NotFoundError(CascadeError):
    """The object does not exist or belongs to another tenant: the two are never told apart."""

    title = _("Not found")


class NotAuthenticatedError(CascadeError):
    """The caller is not signed in, or their credentials do not identify anybody."""

    title = _("Not signed in")


class GoneError(CascadeError):
    """The thing existed but is used up or over (a one-time link already used, or expired)."""

    title = _("No longer available")


class PermissionDeniedError(CascadeError):
    """The caller is known but may not do this."""

    title = _("Not allowed")


class ConflictError(CascadeError):
    """The request clashes with the current state of the data."""

    title = _("Conflict")


class VendorUnavailableError(CascadeError):
    """The vendor behind a product did not answer, or failed on its side; trying again later may work."""

    title = _("Vendor unavailable")


class ValidationError(CascadeError):
    """Input is invalid; ``fields`` maps each field at fault to its messages."""

    title = _("Invalid input")

    def __init__(
        self, fields: Mapping[str, Sequence[str]], detail: str | None = None
    ) -> None:
        self.fields = {name: list(messages) for name, messages in fields.items()}
        summary = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in self.fields.items())
        super().__init__(detail or summary or self.title)


class IllegalTransitionError(ConflictError):
    """A state machine was asked for a move its transition table does not allow."""

    title = _("Illegal state transition")

    def __init__(self, machine: str, current: str, target: str) -> None:
        self.machine, self.current, self.target = machine, current, target
        super().__init__(say("A %(machine)s cannot go from %(current)s to %(target)s.", machine=machine,
                             current=quoted(current), target=quoted(target)))


class UnknownReferenceError(ValidationError):
    """A field names something by id (or name) that does not exist, or is not the caller's to name.

    Invalid input like any other to a form, which shows it beside the field; the API answers it
    as it answers such an id in a path: 404, the two never told apart.
    """

    title = _("Not found")


class ConflictingFieldError(ValidationError):
    """A well-formed field clashes with the data: a slug or domain another account has, a price tier for an
    account that has none. Invalid input to a form; the API answers 409, as for any clash with the data."""

    title = _("Conflict")


def raise_field_errors(invalid: Mapping[str, Sequence[str]], *, unknown: Mapping[str, Sequence[str]] | None = None,
                       taken: Mapping[str, Sequence[str]] | None = None) -> None:
    """Raise for every field at fault, if any: ``ValidationError`` (422) when a value is invalid, else
    ``UnknownReferenceError`` (404) when one names nothing, else ``ConflictingFieldError`` (409) when one clashes
    with the data (``taken``)."""
    unknown, taken = unknown or {}, taken or {}
    if invalid:
        raise ValidationError({**invalid, **unknown, **taken})
    if unknown:
        raise UnknownReferenceError({**unknown, **taken})
    if taken:
        raise ConflictingFieldError(taken)
