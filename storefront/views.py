"""The storefront's pages: its home, its logo and its theme's files, in the seller's branding."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Blueprint, abort, current_app, g, send_file
from werkzeug.wrappers import Response

from storefront.catalog import shop_catalog
from storefront.hosts import current_storefront
from storefront.page_cache import visitor_page
from storefront.themes import current_theme, render_page, themes
from web.database import reads_only

bp = Blueprint("shop", __name__)

#: A CSS comment: ``/* ... */``, over lines.
_CSS_COMMENT = re.compile(rb"/\*.*?\*/", re.DOTALL)


@bp.app_context_processor
def branding() -> dict[str, Any]:
    """Give every page the storefront whose branding it wears (``brand``) and, on a live shop, the
    seller (``shop``), whose pages have the header, navigation and footer; ``None`` off any shop."""
    storefront = g.get("storefront")
    return {"brand": storefront, "shop": storefront.account if storefront is not None and storefront.is_live else None}


@bp.app_template_global()
def has_page(endpoint: str) -> bool:
    """Whether the storefront has the page ``endpoint`` (pages come from the core and from plugins)."""
    return endpoint in current_app.view_functions


@bp.get("/")
@reads_only
def home() -> str:
    return visitor_page(lambda: render_page("home.html", catalog=shop_catalog(with_blockers=False)))


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
    content = found.read_bytes()
    if found.suffix == ".css":  # our notes on how a style sheet is built are not for the shop's visitors
        content = _CSS_COMMENT.sub(b"", content)
    response = send_file(io.BytesIO(content), download_name=found.name, max_age=3600, conditional=True,
                         etag=f"{stat.st_mtime_ns:x}-{stat.st_size:x}", last_modified=stat.st_mtime)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
