"""Keyset paging for lists: ``{"items": [...], "next": <url or null>}`` with an opaque cursor."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import request, url_for

from core.errors import ValidationError
from web.api.fields import MAX_ID

Item = TypeVar("Item")

_CURSOR_PREFIX = "after:"


@dataclass(frozen=True)
class Page(Generic[Item]):
    items: Sequence[Item]
    #: The absolute URL of the next page; ``None`` on the last one.
    next: str | None = None


def encode_cursor(after_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{after_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    """Return the id a cursor continues after; a cursor we never gave out is invalid input."""
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    after = text.removeprefix(_CURSOR_PREFIX)
    if not (text.startswith(_CURSOR_PREFIX) and after.isascii() and after.isdigit() and int(after) <= MAX_ID):
        raise ValidationError({"cursor": ["This cursor is not one the API gave out."]})
    return int(after)


def page_of(rows: Sequence[Any], limit: int) -> Page[Any]:
    """Cut ``rows`` (fetched with ``limit + 1``) to a page linking to the next one, if any."""
    if len(rows) <= limit:
        return Page(rows)
    items = rows[:limit]
    arguments: dict[str, Any] = {**(request.view_args or {}), **request.args.to_dict()}
    arguments["cursor"] = encode_cursor(items[-1].id)
    return Page(items, url_for(request.endpoint or "", _external=True, **arguments))
