"""Errors as answers: ``application/problem+json`` for the API, a friendly page for people.

The API's problem details keep each error's English title, the same for every instance (RFC 9457); a page says it
in the reader's language, and each field at fault by its label.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import marshmallow
from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext, lazy_gettext
from werkzeug.exceptions import HTTPException, default_exceptions

from core.errors import CascadeError, ValidationError
from web.audit_words import field_name
from web.errors import STATUS_WORDS, status_for

log = logging.getLogger(__name__)

#: The back office's filters as its lists label them, for a page refusing one an address gives
#: (``/bss/tickets?waiting=0``); any other field is named as the audit log names it (``web.audit_words``).
FILTER_LABELS = {
    "account": lazy_gettext("Account"), "area": lazy_gettext("What"), "assignee": lazy_gettext("Assignee"),
    "direction": lazy_gettext("Invoices"), "layout": lazy_gettext("Layout"), "period": lazy_gettext("Month"),
    "q": lazy_gettext("Search"), "since": lazy_gettext("From"), "until": lazy_gettext("To"),
    "waiting": lazy_gettext("Waiting longer than (hours)"), "who": lazy_gettext("Who"),
}


def wants_json() -> bool:
    """API paths always answer JSON; elsewhere, a client that prefers JSON over HTML gets it."""
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "application/problem+json"])
    return best in ("application/json", "application/problem+json")


def error_response(status: int, title: str, detail: str, **extra: Any) -> Response:
    """Answer with problem details (RFC 9457) or an HTML page, as the client prefers."""
    if wants_json():
        response = jsonify({"type": "about:blank", "title": title, "status": status, "detail": detail, **extra})
        response.mimetype = "application/problem+json"
    else:
        response = Response(error_page(status, title, detail, extra.get("fields", {})), mimetype="text/html")
    response.status_code = status
    return response


def error_page(status: int, title: str, detail: str, fields: Mapping[str, Sequence[str]]) -> str:
    """The page of an error in the reader's language: its title, then each field at fault by its label, else what
    went wrong."""
    return render_template("error.html", status=status, title=page_title(status, title), detail=page_detail(status, detail),
                           fields=[(field_label(name), messages) for name, messages in fields.items()])


def page_title(status: int, title: str) -> str:
    """An error's title as a page gives it: a service's in the reader's language, else its status's words."""
    if title in _titles(CascadeError):
        return gettext(title)
    return str(STATUS_WORDS[status][0]) if status in STATUS_WORDS else title


def _titles(kind: type[CascadeError]) -> set[str]:
    """The titles of ``kind`` and of every error class made from it: each marked with ``_`` where it is defined."""
    return {kind.title}.union(*(_titles(subclass) for subclass in kind.__subclasses__()))


def page_detail(status: int, detail: str) -> str:
    """What went wrong: Werkzeug's English description of a status is said in the reader's language."""
    werkzeug = default_exceptions.get(status)
    if werkzeug is not None and detail == werkzeug.description and status in STATUS_WORDS:
        return str(STATUS_WORDS[status][1])
    return detail


def field_label(name: str) -> str:
    """A field at fault as a page names it; a refusal of the whole input (``_schema``) names none."""
    if name == "_schema":
        return ""
    return str(FILTER_LABELS[name]) if name in FILTER_LABELS else field_name(name)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CascadeError)
    def domain_error(error: CascadeError) -> Response:
        extra = {"fields": error.fields} if isinstance(error, ValidationError) else {}
        return error_response(status_for(error), error.title, error.detail, **extra)

    @app.errorhandler(marshmallow.ValidationError)
    def invalid_input(error: marshmallow.ValidationError) -> Response:
        fields = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        return error_response(422, ValidationError.title, "Some fields are invalid.", fields=fields)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        response = error_response(error.code or 500, error.name, error.description or error.name)
        allowed = getattr(error, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "Internal server error", str(STATUS_WORDS[500][1]))
