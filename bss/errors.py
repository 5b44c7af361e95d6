"""Errors as answers: ``application/problem+json`` for the API, a friendly page for people."""

from __future__ import annotations

import logging
from typing import Any

import marshmallow
from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from core.errors import CascadeError, ValidationError
from web.errors import status_for

log = logging.getLogger(__name__)

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
        response = Response(
            render_template("error.html", status=status, title=title, detail=detail, **extra),
            mimetype="text/html",
        )
    response.status_code = status
    return response


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
        return error_response(
            500, "Internal server error", "Something went wrong on our side. It has been logged."
        )
