"""A seller's live preview: its storefront as it would look with branding it has not saved yet.

The back office frames the storefront with ``?preview=<token>`` and the form's values in the
query. The token, signed with the platform's secret and valid for an hour, names one storefront:
only that seller's pages change, only for that request, and nothing is written. The values go
through the same checks as saving them; a value that would be refused is left out.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from core.models.storefronts import Storefront
from core.services.branding import BRANDING_FIELDS, checked_branding
from web.database import db
from web.security_headers import allow_framing_by

PARAMETER = "preview"
MAX_AGE_SECONDS = 3600
_SALT = "storefront-preview"


def _serializer(app: Flask) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=_SALT)


def preview_token(storefront_id: int) -> str:
    """A token that lets whoever holds it preview ``storefront_id`` for an hour (the back office gives it to its seller)."""
    return _serializer(current_app).dumps(storefront_id)


def _previewed_id() -> int | None:
    token = request.args.get(PARAMETER)
    if not token:
        return None
    try:
        storefront_id: Any = _serializer(current_app).loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    return storefront_id if isinstance(storefront_id, int) else None


def apply_preview(storefront: Storefront) -> bool:
    """Dress ``storefront`` in the previewed values, for this request only; whether a valid preview was asked."""
    if request.method != "GET" or _previewed_id() != storefront.id:  # a form never posts from a preview
        return False
    wanted, _errors = checked_branding({field: request.args[field] for field in BRANDING_FIELDS if field in request.args},
                                       storefront.account)
    theme = request.args.get("theme")
    db.session.expunge(storefront)  # from here on, nothing said to it reaches the database
    for field, value in wanted.items():
        setattr(storefront, field, value)
    if theme in current_app.extensions["themes"].themes:
        storefront.theme = theme
    g.previewing = True
    base = urlsplit(current_app.config["CASCADE_BASE_URL"])
    allow_framing_by(f"{base.scheme}://{base.netloc}")  # the back office, and no one else
    return True


def init_preview(app: Flask) -> None:
    @app.after_request
    def never_keep_a_preview(response: Response) -> Response:
        if g.get("previewing"):
            response.headers["Cache-Control"] = "no-store"
        return response
