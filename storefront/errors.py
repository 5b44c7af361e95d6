"""Errors as neutral pages, in the shop's name when the host names a live shop."""

from __future__ import annotations

import logging

from flask import Flask, g, request
from werkzeug.exceptions import HTTPException

from storefront.themes import render_page

log = logging.getLogger(__name__)

#: What a visitor reads for the statuses a storefront answers most; others use Werkzeug's wording.
MESSAGES = {
    404: ("Page not found", "There is no page at this address."),
    405: ("Not allowed", "This page cannot be used that way."),
    500: ("Something went wrong", "Please try again in a moment."),
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

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        log.exception("unhandled error on %s %s%s", request.method, request.host, request.path)
        return error_page(500, *MESSAGES[500])
