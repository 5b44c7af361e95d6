"""Which requests are the storefronts', and which storefront each of them is for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Flask, abort, current_app, g, request
from werkzeug.wsgi import get_host

from bss.extensions import db
from core.models.storefronts import Storefront
from core.services.storefront_hosts import find_storefront, storefront_label
from storefront.themes import render_page

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class HostDispatcher:
    """WSGI middleware: hosts below the storefront domain go to the storefronts, any other to ``default``."""

    def __init__(self, default: WSGIApplication, storefronts: WSGIApplication, storefront_domain: str) -> None:
        self.default = default
        self.storefronts = storefronts
        self.storefront_domain = storefront_domain

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        below = storefront_label(get_host(environ), self.storefront_domain) is not None
        return (self.storefronts if below else self.default)(environ, start_response)


def init_hosts(app: Flask) -> None:
    """Find each request's storefront: a closed one answers its closed page, an unknown host 404."""

    @app.before_request
    def resolve_storefront() -> tuple[str, int] | None:
        storefront = find_storefront(db.session, request.host, current_app.config["CASCADE_STOREFRONT_DOMAIN"])
        if storefront is None:
            abort(404)
        g.storefront = storefront  # its branding dresses every page, the closed one too
        if not storefront.is_live and request.endpoint != "shop.theme_static":  # a theme's files name no one
            # 404, not 410: a closed storefront opens again, as it was, when its seller's plan allows it.
            return render_page("closed.html", shop=storefront.account), 404
        return None


def current_storefront() -> Storefront:
    """Return the live storefront this request is for."""
    storefront: Storefront = g.storefront
    return storefront
