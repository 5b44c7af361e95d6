"""Which requests are the storefronts', and which storefront each of them is for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.wsgi import get_host

from core.db import READ_ONLY
from core.models.storefronts import Storefront
from core.services.storefront_hosts import find_storefront, host_name, is_custom_domain, storefront_label
from storefront.preview import apply_preview
from storefront.themes import render_page
from web.database import db

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


#: What every host answers, storefronts' included, from ``default``: the APIs (a reseller's customers and
#: integrators call them on the shop's own address) and the files their documentation page is dressed in.
SHARED_PATHS = ("/api/", "/tmf-api/", "/bss/assets/")


class HostDispatcher:
    """WSGI middleware: storefront hosts go to the storefronts, any other to ``default``.

    A storefront host is one below the storefront domain, or a seller's verified custom domain;
    on every host, the ``SHARED_PATHS`` go to ``default``. The back office's own hosts are known
    without asking the database; any other host costs one indexed look-up.
    """

    def __init__(self, default: WSGIApplication, storefronts: WSGIApplication, storefront_domain: str,
                 backoffice_hosts: Iterable[str], session_factory: sessionmaker[Session]) -> None:
        self.default = default
        self.storefronts = storefronts
        self.storefront_domain = storefront_domain
        self.backoffice_hosts = frozenset(host_name(host) for host in backoffice_hosts)
        self.session_factory = session_factory

    def is_storefront_host(self, host: str) -> bool:
        if storefront_label(host, self.storefront_domain) is not None:
            return True
        if host_name(host) in self.backoffice_hosts:
            return False
        with self.session_factory() as session:
            session.connection(execution_options={READ_ONLY: True})  # one read: no write lock to wait for
            return is_custom_domain(session, host)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        shared = environ.get("PATH_INFO", "").startswith(SHARED_PATHS)
        app = self.storefronts if not shared and self.is_storefront_host(get_host(environ)) else self.default
        return app(environ, start_response)


def backoffice_hosts(base_url: str) -> frozenset[str]:
    """The back office's own host names: that of ``CASCADE_BASE_URL``, and this machine's."""
    return frozenset({host_name(urlsplit(base_url).netloc), "localhost", "127.0.0.1", "[::1]"})


def init_hosts(app: Flask) -> None:
    """Find each request's storefront: a closed one answers its closed page, an unknown host 404."""

    @app.before_request
    def resolve_storefront() -> tuple[str, int] | None:
        storefront = find_storefront(db.session, request.host, current_app.config["CASCADE_STOREFRONT_DOMAIN"])
        if storefront is None:
            abort(404)
        apply_preview(storefront)  # the seller's unsaved branding, when it previews its shop
        g.storefront = storefront  # its branding dresses every page, the closed one too
        if not storefront.is_live and request.endpoint != "shop.theme_static":  # a theme's files name no one
            # 404, not 410: a closed storefront opens again, as it was, when its seller's plan allows it.
            return render_page("closed.html", shop=storefront.account), 404
        return None


def current_storefront() -> Storefront:
    """Return the live storefront this request is for."""
    storefront: Storefront = g.storefront
    return storefront
