"""Keyset paging for lists: ``{"items": [...], "next": <url or null>}`` with an opaque cursor.

A cursor is the id a page continues after, in base 36 (``"2s"``): up to 12 digits and lower-case
letters, a shape the document states as a pattern, so that every cursor it allows is one to read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from flask import request, url_for
from marshmallow import fields

from web.input_checks import MAX_ID

Item = TypeVar("Item")

CURSOR_PATTERN = r"^[0-9a-z]{0,12}$"
_CURSOR = re.compile(CURSOR_PATTERN)
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Page(Generic[Item]):
    items: Sequence[Item]
    #: The absolute URL of the next page; ``None`` on the last one.
    next: str | None = None


def encode_cursor(after_id: int) -> str:
    digits = ""
    while True:
        after_id, digit = divmod(after_id, 36)
        digits = _DIGITS[digit] + digits
        if not after_id:
            return digits


class Cursor(fields.String):
    """The ``cursor`` of a list's query, loaded as the id its page continues after (empty: the first page)."""

    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "This cursor is not one the API gave out."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {"description": "From the previous page's `next`.",
                                       "json_schema": {"type": "string", "pattern": CURSOR_PATTERN}})
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int | None:  # type: ignore[override]
        if not isinstance(value, str) or not _CURSOR.fullmatch(value):
            raise self.make_error("invalid")
        # A cursor past the largest id continues after every row: its page is empty.
        return min(int(value, 36), MAX_ID) if value else None


def page_of(rows: Sequence[Any], limit: int) -> Page[Any]:
    """Cut ``rows`` (fetched with ``limit + 1``) to a page linking to the next one, if any."""
    if len(rows) <= limit:
        return Page(rows)
    items = rows[:limit]
    arguments: dict[str, Any] = {**(request.view_args or {}), **request.args.to_dict()}
    arguments["cursor"] = encode_cursor(items[-1].id)
    return Page(items, url_for(request.endpoint or "", _external=True, **arguments))
