"""The storefront's pages: its home, its logo and its theme's files, in the seller's branding."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, g, send_file
from werkzeug.wrappers import Response

from bss.extensions import db
from core.services.storefronts import storefront_catalog
from storefront.hosts import current_storefront
from storefront.themes import current_theme, render_page, themes

bp = Blueprint("shop", __name__)


@bp.app_context_processor
def branding() -> dict[str, Any]:
    """Give every page the storefront whose branding it wears (``brand``), or ``None`` off any shop."""
    return {"brand": g.get("storefront")}


@bp.get("/")
def home() -> str:
    shop = current_storefront().account
    return render_page("home.html", shop=shop, catalog=storefront_catalog(db.session, shop))


@bp.get("/logo")
def logo() -> Response:
    """The shop's logo, as the media type its bytes were recognised as when it was uploaded."""
    storefront = current_storefront()
    if storefront.logo is None or storefront.logo_media_type is None:
        abort(404)
    response = Response(storefront.logo, mimetype=storefront.logo_media_type)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the image is never a document that may run anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/theme/<path:filename>")
def theme_static(filename: str) -> Response:
    """A static file of the shop's theme, else of its nearest ancestor that has it; 404 for any other path."""
    found = themes().static_file(current_theme(), filename)
    if found is None:
        abort(404)
    # Read whole (a theme's files are small), so no file stays open whoever consumes the answer.
    stat = found.stat()
    response = send_file(io.BytesIO(found.read_bytes()), download_name=found.name, max_age=3600, conditional=True,
                         etag=f"{stat.st_mtime_ns:x}-{stat.st_size:x}", last_modified=stat.st_mtime)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
