"""Errors as neutral pages, in the shop's name when the host names a live shop."""

from __future__ import annotations

import logging

from flask import Flask, g, request
from flask_babel import lazy_gettext
from werkzeug.exceptions import HTTPException

from core.errors import CascadeError
from storefront.themes import render_page
from web.errors import status_for

log = logging.getLogger(__name__)

#: What a visitor reads for the statuses a storefront answers most, in their language; others use Werkzeug's wording.
MESSAGES = {
    400: (lazy_gettext("Please try again"), lazy_gettext("This form has expired. Reload the page and try again.")),
    403: (lazy_gettext("Not allowed"), lazy_gettext("You cannot open this page.")),
    404: (lazy_gettext("Page not found"), lazy_gettext("There is no page at this address.")),
    405: (lazy_gettext("Not allowed"), lazy_gettext("This page cannot be used that way.")),
    413: (lazy_gettext("Too large"), lazy_gettext("What you sent is too large.")),
    500: (lazy_gettext("Something went wrong"), lazy_gettext("Please try again in a moment.")),
}


def error_page(status: int, title: str, detail: str) -> tuple[str, int]:
    """Render an error page; it names the shop only when the request found a live one."""
    storefront = g.get("storefront")
    shop = storefront.account if storefront is not None and storefront.is_live else None
    return render_page("error.html", shop=shop, status=status, title=title, detail=detail), status


def register_error_handlers(app: Flask) -> None:
    """Answer every error with a page of the storefront's own, never the back office's."""
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        status = error.code or 500
        title, detail = MESSAGES.get(status, (error.name, error.description or error.name))
        return error_page(status, title, detail)

    @app.errorhandler(CascadeError)
    def service_error(error: CascadeError) -> tuple[str, int]:
        """A refusal a page did not handle itself: its status, with the neutral wording for it."""
        status = status_for(error)
        title, detail = MESSAGES.get(status, (error.title, error.detail))
        return error_page(status, title, detail)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        log.exception("unhandled error on %s %s%s", request.method, request.host, request.path)
        return error_page(500, *MESSAGES[500])
