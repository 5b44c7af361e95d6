"""Field types for the API's conventions: ids are strings, times are UTC ending in ``Z``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import fields, validate

from core.clock import as_utc

#: The largest id a database integer column holds; bigger ids exist nowhere.
MAX_ID = 2**63 - 1


class Id(fields.Integer):
    """A database id, written as a string of digits (``"42"``); reads ``"42"`` or ``42``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Range(min=1, max=MAX_ID, error="No such id."))
        super().__init__(strict=False, as_string=True, **kwargs)


class Timestamp(fields.DateTime):
    """An aware moment written in UTC as ISO 8601 ending in ``Z``: ``2026-03-02T09:30:00Z``."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return as_utc(value).isoformat().replace("+00:00", "Z")
