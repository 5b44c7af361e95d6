"""Field types for the API's conventions: ids are strings, times are UTC ending in ``Z``, and a JSON
body's numbers and booleans are read as JSON types, never from look-alikes (``0`` is no boolean,
``"3"`` no quantity, ``1.5`` no id).

Each field reads exactly what the OpenAPI document says of it (``json_schema``), so that what the
document allows is accepted and what it forbids is refused.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, ClassVar

from marshmallow import ValidationError, fields, validate

from core.clock import as_utc
from web.input_checks import ID_PATTERN, MAX_ID

_ID = re.compile(ID_PATTERN)


def _json_integer(value: Any) -> int | None:
    """``value`` as a JSON integer (``3``, ``3.0``); ``None`` for anything else, a boolean included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


class Id(fields.Integer):
    """A database id, written as a string of digits (``"42"``); reads ``"42"`` or ``42``."""

    default_error_messages: ClassVar[dict[str, str]] = {"invalid_id": "No such id."}
    #: What the document says an id in a request may be.
    json_schema: ClassVar[dict[str, Any]] = {"type": ["string", "integer"], "pattern": ID_PATTERN, "minimum": 1, "maximum": MAX_ID}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=False, as_string=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        number = _json_integer(value)
        if number is None and isinstance(value, str) and _ID.fullmatch(value):
            number = int(value)
        if number is None or not 1 <= number <= MAX_ID:
            raise self.make_error("invalid_id")
        return number


class Integer(fields.Integer):
    """A whole number in a JSON body: ``3`` (or ``3.0``), never ``"3"`` or ``true``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        number = _json_integer(value)
        if number is None:
            raise self.make_error("invalid")
        return number


class Boolean(fields.Boolean):
    """``true`` or ``false`` in a JSON body, nothing else (not ``0``, ``"yes"`` or ``"on"``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):  # 0 == False and 1 == True: a set of truths would take them
            raise self.make_error("invalid", input=value)
        return value


class Pattern(validate.Regexp):
    """``validate.Regexp`` over the whole value, as JSON Schema reads a ``^...$`` pattern (no newline after ``$``)."""

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str) or self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


class Timestamp(fields.DateTime):
    """An aware moment written in UTC as ISO 8601 ending in ``Z``: ``2026-03-02T09:30:00Z``."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return as_utc(value).isoformat().replace("+00:00", "Z")

