"""Input no database or encoder can take, refused once for every app, before any view reads it.

The back office, the API, the storefronts and every plugin's pages pass here (``init_input_checks``):

- Text holding a NUL byte (PostgreSQL's text cannot) or a lone UTF-16 surrogate (``"\\ud800"`` in
  JSON: no encoding can write it), in the query string, a form, the URL's path or a JSON body, is
  refused with a ``ValidationError`` (422) naming the field: ``q``, ``lines.0.params.domain_name``.
- JSON nested deeper than ``MAX_JSON_DEPTH`` is refused the same way, before anything walks it.
- ``<int:...>`` in any route matches only the ids a database integer holds (``MAX_ID``): a larger
  number names nothing and answers 404 without reaching the database.
- ``request.args.get(name, type=int)`` (and ``request.form``'s) reads such a number as it reads
  ``"abc"``: as no value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask, Request, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from core.errors import ValidationError

#: The largest id: PostgreSQL's ``integer`` columns hold no more (SQLite's hold 2**63 - 1).
MAX_ID = 2**31 - 1


def whole_numbers_up_to(most: int) -> str:
    """A regular expression of the whole numbers from 1 to ``most``, written without a leading zero."""
    digits = str(most)
    choices = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for place, digit in enumerate(digits):
        low = 1 if place == 0 else 0
        if int(digit) > low:
            rest = len(digits) - place - 1
            choices.append(f"{digits[:place]}[{low}-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return f"(?:{'|'.join([*choices, digits])})"


#: An id as a path, a query or a body writes it: 1 to ``MAX_ID``.
ID_PATTERN = f"^{whole_numbers_up_to(MAX_ID)}$"

#: Deeper than any body the API reads (an order line's parameters are three levels down).
MAX_JSON_DEPTH = 32
UNSTORABLE_TEXT = "Remove the NUL (\\x00) and unpaired surrogate (\\ud800-\\udfff) characters: text cannot hold them."
TOO_DEEP = f"JSON nested more than {MAX_JSON_DEPTH} levels deep: send the fields as documented."

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class IdConverter(IntegerConverter):
    """``<int:...>``: an id, 1 to ``MAX_ID``; any other number matches no route (404). The pattern
    itself refuses it: a number refused after matching makes the router answer 405 when another
    method's route has the same path."""

    regex = whole_numbers_up_to(MAX_ID)


def _database_int(value: str) -> int:
    """``value`` as a whole number a database integer holds; ``ValueError`` for anything else."""
    number = int(value)
    if abs(number) > MAX_ID:
        raise ValueError(f"{value!r} is out of range")
    return number


class _Parameters(ImmutableMultiDict[str, str]):
    """Query and form values; ``get(name, type=int)`` takes only numbers a database integer holds."""

    def get(self, key: str, default: Any = None, type: Callable[[str], Any] | None = None) -> Any:
        return super().get(key, default, _database_int if type is int else type)


class CheckedRequest(Request):
    parameter_storage_class = _Parameters


def _printable(name: str) -> str:
    """A field name as it can be shown back: the characters at fault written as escapes."""
    return _UNSTORABLE.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), name)


def _unstorable_fields(pairs: Iterator[tuple[str, Any]]) -> dict[str, list[str]]:
    return {_printable(name): [UNSTORABLE_TEXT] for name, value in pairs
            if _UNSTORABLE.search(name) or (isinstance(value, str) and _UNSTORABLE.search(value))}


def _json_problems(body: Any) -> dict[str, list[str]]:
    """Each field of ``body`` at fault, by its dotted path: text no database stores, or nesting past ``MAX_JSON_DEPTH``.

    Walked with a stack, not recursion: the walk itself must not overflow on what it refuses.
    """
    problems: dict[str, list[str]] = {}
    stack: list[tuple[str, Any, int]] = [("", body, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                problems[path or "_schema"] = [UNSTORABLE_TEXT]
            continue
        if not isinstance(value, dict | list):
            continue
        if depth >= MAX_JSON_DEPTH:
            problems[path.partition(".")[0] or "_schema"] = [TOO_DEEP]
            continue
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and _UNSTORABLE.search(key):
                problems[_printable(name)] = [UNSTORABLE_TEXT]
                continue
            stack.append((name, item, depth + 1))
    return problems


def _json_body() -> Any:
    if not request.is_json or not request.get_data(cache=True):
        return None
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise ValidationError({"_schema": [TOO_DEEP]}) from None


def refuse_unstorable_input() -> None:
    """Refuse a request whose query, path, form or JSON body holds what no field can take, naming each field."""
    if request.routing_exception is not None:
        return  # bound for a 404 or 405 anyway
    problems = {
        **_unstorable_fields(iter(request.args.items(multi=True))),
        **_unstorable_fields(iter((request.view_args or {}).items())),
        **_unstorable_fields(iter(request.form.items(multi=True))),
        **_json_problems(_json_body()),
    }
    if problems:
        raise ValidationError(problems)


def init_input_checks(app: Flask) -> None:
    """Check every request of ``app``; call it before any blueprint is registered (its routes use the id converter)."""
    app.url_map.converters["int"] = IdConverter
    app.request_class = CheckedRequest
    app.before_request(refuse_unstorable_input)
