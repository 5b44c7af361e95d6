"""The storefront's pages: its home and its logo, in the seller's branding."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, render_template
from werkzeug.wrappers import Response

from bss.extensions import db
from core.services.storefronts import storefront_catalog
from storefront.hosts import current_storefront

bp = Blueprint("shop", __name__)


@bp.app_context_processor
def branding() -> dict[str, Any]:
    """Give every page the storefront whose branding it wears (``brand``), or ``None`` off any shop."""
    return {"brand": g.get("storefront")}


@bp.get("/")
def home() -> str:
    shop = current_storefront().account
    return render_template("home.html", shop=shop, catalog=storefront_catalog(db.session, shop))


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
