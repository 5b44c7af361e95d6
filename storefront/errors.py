"""Errors as neutral pages, in the shop's name when the host names a live shop."""

from __future__ import annotations

import logging

from flask import Flask, g, request
from werkzeug.exceptions import HTTPException

from core.errors import CascadeError
from storefront.themes import render_page
from web.errors import STATUS_WORDS, status_for

log = logging.getLogger(__name__)


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
        title, detail = STATUS_WORDS.get(status, (error.name, error.description or error.name))
        if error.description and error.description != type(error).description:  # its own words: abort(400, "...")
            detail = error.description
        return error_page(status, title, detail)

    @app.errorhandler(CascadeError)
    def service_error(error: CascadeError) -> tuple[str, int]:
        """A refusal a page did not handle itself: its status, with the neutral wording for it."""
        status = status_for(error)
        title, detail = STATUS_WORDS.get(status, (error.title, error.detail))
        return error_page(status, title, detail)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        log.exception("unhandled error on %s %s%s", request.method, request.host, request.path)
        return error_page(500, *STATUS_WORDS[500])
