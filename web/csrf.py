"""CSRF protection for every form: a per-session token, checked on each unsafe request.

The JSON APIs under ``/api/`` and ``/tmf-api/`` are exempt because they never accept cookies, only
bearer keys.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session
from flask_babel import gettext

SESSION_KEY = "_csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Paths of the APIs authenticated by bearer keys alone.
_BEARER_ONLY = ("/api/", "/tmf-api/")


def csrf_token() -> str:
    """Return this session's token, creating it on first use (templates call it in forms)."""
    token = session.get(SESSION_KEY)
    if not token:
        token = rotate_csrf_token()
    return token


def rotate_csrf_token() -> str:
    """Give the session a new token, at sign-in and sign-out, so that a planted one never survives them; made in
    the response that signs in, the session cookie it sets stays as it is on the pages after it."""
    token = session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def init_csrf(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def check_csrf_token() -> None:
        if request.method not in _UNSAFE or request.path.startswith(_BEARER_ONLY) or request.routing_exception:
            return  # safe, API, or bound for a 404/405 anyway
        sent = request.form.get(FIELD) or request.headers.get(HEADER) or ""
        expected = session.get(SESSION_KEY) or ""
        if not expected or not hmac.compare_digest(sent, expected):
            abort(400, gettext("This form has expired. Reload the page and try again."))
