"""What every TMF API here shares: its blueprint, its errors, and how it lists.

- A blueprint per API, under ``/tmf-api/<api>/v4``, behind the ``/api/v1`` authentication: a
  bearer API key, acting for its team's account (``web.api.auth``).
- Errors answer TMF's ``Error`` body (``code``, ``reason``, ``message``, ``status``, ``@type``):
  an unknown id or another tenant's 404, bad input 400 naming the field, a clash with the data
  409, a missing key 401, a missing permission 403. Never a 500 for what the caller sent.
- Lists are JSON arrays, as the specification says, cut by ``offset`` and ``limit``, with the
  whole count in ``X-Total-Count`` and the page's in ``X-Result-Count``; ``fields`` names the
  attributes to send (``id``, ``href`` and ``@type`` always come).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import marshmallow
from flask import Blueprint, Response, jsonify, request
from sqlalchemy import Select, func, select
from werkzeug.exceptions import HTTPException

from core.clock import as_utc
from core.errors import CascadeError, NotFoundError, ValidationError
from web.api.auth import authenticate, challenge
from web.database import db
from web.errors import status_for
from web.input_checks import MAX_ID

PREFIX = "/tmf-api"
#: The longest page a list answers.
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
#: Attributes every resource keeps, whatever ``fields`` asks.
ALWAYS = ("id", "href", "@type")


def tmf_blueprint(name: str, api: str) -> Blueprint:
    """The blueprint of one TMF API, ``/tmf-api/<api>/v4``: authenticated, answering TMF errors."""
    bp = Blueprint(name, __name__, url_prefix=f"{PREFIX}/{api}/v4")
    bp.before_request(authenticate)
    bp.after_request(challenge)
    bp.register_error_handler(CascadeError, _cascade_error)
    bp.register_error_handler(marshmallow.ValidationError, _invalid_body)
    bp.register_error_handler(HTTPException, _http_error)
    return bp


def error_response(status: int, code: str, reason: str, message: str = "") -> Response:
    """TMF's ``Error``: ``code`` for machines, ``reason`` for people, ``message`` with the detail."""
    response = jsonify({"code": code, "reason": reason, "message": message or reason, "status": str(status),
                        "@type": "Error"})
    response.status_code = status
    return response


def _cascade_error(error: CascadeError) -> Response:
    status = status_for(error)
    if isinstance(error, ValidationError) and status == 422:
        status = 400  # TMF answers bad input with 400
    detail = error.detail
    if isinstance(error, ValidationError):
        detail = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.fields.items()) or detail
    return error_response(status, str(status), error.title, detail)


def _invalid_body(error: marshmallow.ValidationError) -> Response:
    messages = error.messages if isinstance(error.messages, dict) else {"body": error.messages}
    return error_response(400, "400", "Invalid input", "; ".join(f"{field}: {messages[field]}" for field in messages))


def _http_error(error: HTTPException) -> Response:
    response = error_response(error.code or 500, str(error.code or 500), error.name, error.description or error.name)
    response.headers.extend((name, value) for name, value in error.get_headers() if name.lower() != "content-type")
    return response


def path_id(value: str, what: str) -> int:
    """A Cascade id a TMF path names (TMF ids are strings): one that is no such number, or is past what a database
    integer holds, is not found, like another tenant's or a missing one."""
    if not (value.isdigit() and len(value) <= 10 and 1 <= int(value) <= MAX_ID):
        raise NotFoundError(f"No {what} {value}.")
    return int(value)


def timestamp(moment: datetime | None) -> str | None:
    """An aware moment in ISO 8601, UTC, ending in ``Z``."""
    return as_utc(moment).isoformat().replace("+00:00", "Z") if moment is not None else None


def json_body() -> dict[str, Any]:
    """The request's JSON object, its numbers with a fraction read as ``Decimal`` (an amount is never a float), or
    a 400 saying it is not one."""
    try:
        body = json.loads(request.get_data(cache=True), parse_float=Decimal) if request.is_json else None
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ValidationError({"body": ["Send a JSON object (Content-Type: application/json)."]})
    return body


def page_args() -> tuple[int, int]:
    """``offset`` and ``limit`` from the query string; a bad one is a 400 naming it."""
    found = {}
    for name, default, most in (("offset", 0, None), ("limit", DEFAULT_LIMIT, MAX_LIMIT)):
        raw = request.args.get(name)
        if raw is None:
            found[name] = default
            continue
        if not raw.isdigit() or (most is not None and not 1 <= int(raw) <= most) or len(raw) > 9:
            bounds = f"from 1 to {most}" if most is not None else "0 or more"
            raise ValidationError({name: [f"Give a whole number {bounds}."]})
        found[name] = int(raw)
    return found["offset"], found["limit"]


def filters(allowed: Mapping[str, Callable[[str], Any]]) -> dict[str, Any]:
    """The attribute filters of a list (``?lifecycleStatus=Active``), each read by its reader; an attribute
    the list cannot filter on, or a value that cannot be read, is a 400 naming it."""
    found, errors = {}, {}
    for name, value in request.args.items():
        if name in ("fields", "offset", "limit"):
            continue
        reader = allowed.get(name)
        if reader is None:
            errors[name] = [f"This list filters on {', '.join(sorted(allowed)) or 'nothing'} only."]
            continue
        try:
            found[name] = reader(value)
        except ValueError as error:
            errors[name] = [str(error) or "This value cannot be read."]
    if errors:
        raise ValidationError(errors)
    return found


def selected(resource: Mapping[str, Any]) -> dict[str, Any]:
    """``resource`` with only the attributes the query's ``fields`` names (all of them without it)."""
    wanted = request.args.get("fields")
    if not wanted:
        return dict(resource)
    names = {name.strip() for name in wanted.split(",") if name.strip()} | set(ALWAYS)
    return {name: value for name, value in resource.items() if name in names}


def list_response(resources: Sequence[Mapping[str, Any]], total: int) -> Response:
    """A page of resources as a JSON array, with the whole count and the page's."""
    response = jsonify([selected(resource) for resource in resources])
    response.headers["X-Total-Count"] = str(total)
    response.headers["X-Result-Count"] = str(len(resources))
    return response


def one_response(resource: Mapping[str, Any], status: int = 200, location: str | None = None) -> Response:
    response = jsonify(selected(resource))
    response.status_code = status
    if location:
        response.headers["Location"] = location
    return response


def paged(items: Iterable[Any], offset: int, limit: int) -> tuple[list[Any], int]:
    """The page of ``items`` from ``offset``, at most ``limit`` long, and how many there are in all."""
    every = list(items)
    return every[offset:offset + limit], len(every)


def paged_rows(query: Select[Any], offset: int, limit: int) -> tuple[list[Any], int]:
    """The page of the rows ``query`` selects, in its order, from ``offset``, and how many it selects in all: two
    statements, however many rows there are."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return list(db.session.scalars(query.offset(offset).limit(limit)).unique()), total or 0
