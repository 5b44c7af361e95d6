"""Pages that are the same for every visitor of a shop, kept a few seconds by each web process.

A visitor's home and catalog show the prices the seller charges a new customer, the same for
everyone, so each is rendered once per host, address and language and served again for
``LIFETIME_SECONDS``. A kept page is stamped with its storefront's ``updated_at`` and served only
while the row still has it: new branding, another theme or a closed shop shows at once, in every
process. A price change reaches visitors within ``LIFETIME_SECONDS``; signed-in customers, the
cart, checkout and the order itself always price afresh.

A browser without the shop's cookie is served a kept page before Flask builds a request
(``VisitorPages``): one indexed read of the stamp, on the session's connection (no ORM), and
nothing else. Anyone with something of their own in the session (signed in, a cart, a message
to show) gets a page rendered for them, and so does a preview.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header
from werkzeug.wsgi import get_host

from core.db import READ_ONLY
from core.languages import DEFAULT_LOCALE, LOCALES
from core.models.storefronts import Storefront
from core.services.storefront_hosts import host_name
from storefront.hosts import current_storefront
from storefront.i18n import SESSION_KEY as LOCALE_KEY
from web.formatting import current_locale
from web.logging import REQUEST_ID_HEADER
from web.security_headers import security_headers

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

LIFETIME_SECONDS = 30.0
#: Pages kept per process at most (the least recently served go first).
MAX_PAGES = 512
#: What a visitor's session may hold and still see the shared page: its form token, its language, and
#: Flask-Login's ``_fresh``, which its session protection writes into every anonymous session it reads.
_SHARED_SESSION_KEYS = frozenset({"_csrf", LOCALE_KEY, "_fresh"})
_STAMP = select(Storefront.updated_at).where(Storefront.id == bindparam("id"))
#: What a kept page is answered with: what Flask answers a visitor's page with.
_HEADERS = (("Content-Type", "text/html; charset=utf-8"), ("Vary", "Cookie, Accept-Language"))

_Key = tuple[str, str, str, str]


@dataclass(frozen=True)
class KeptPage:
    expires: float
    storefront_id: int
    #: The storefront's ``updated_at`` when the page was rendered.
    stamp: datetime
    body: bytes


class PageCache:
    """One process's kept pages, least recently served first, timed by ``clock`` (seconds, monotonic)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.pages: OrderedDict[_Key, KeptPage] = OrderedDict()
        self.lock = threading.Lock()
        self.clock = clock

    def get(self, key: _Key) -> KeptPage | None:
        with self.lock:
            found = self.pages.get(key)
            if found is None or found.expires <= self.clock():
                return None
            self.pages.move_to_end(key)
            return found

    def keep(self, key: _Key, page: KeptPage) -> None:
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > MAX_PAGES:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


def _key(environ: WSGIEnvironment, locale: str) -> _Key:
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return host_name(get_host(environ)), path, environ.get("QUERY_STRING", ""), locale


def _shared() -> bool:
    return (request.method == "GET" and not current_user.is_authenticated and not g.get("previewing")
            and set(session) <= _SHARED_SESSION_KEYS)


def visitor_page(render: Callable[[], str]) -> str:
    """``render()``'s page, or the one kept for this address when it is the shared visitors' page."""
    if not _shared():
        return render()
    cache: PageCache = current_app.extensions["page_cache"]
    storefront = current_storefront()
    key = _key(request.environ, current_locale())
    found = cache.get(key)
    if found is not None and found.storefront_id == storefront.id and found.stamp == storefront.updated_at:
        return found.body.decode()
    page = render()
    token = session.get("_csrf")
    # A page that wrote to the session, or holds this visitor's form token, was not everyone's.
    if not session.modified and not (token and token in page):
        cache.keep(key, KeptPage(cache.clock() + LIFETIME_SECONDS, storefront.id, storefront.updated_at,
                                 page.encode()))
    return page


class VisitorPages:
    """WSGI middleware: a browser with no session on the shop gets a kept page without Flask."""

    def __init__(self, app: WSGIApplication, cache: PageCache, session_factory: sessionmaker[Session],
                 session_cookie: str, headers: Iterable[tuple[str, str]]) -> None:
        self.app, self.cache, self.session_factory = app, cache, session_factory
        #: A kept page's headers, besides its length and request id: a page's own, and every answer's (``web.security_headers``).
        self.headers = [*_HEADERS, *headers]
        self.cookie = f"{session_cookie}="

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        found = self._kept(environ) if environ.get("REQUEST_METHOD") == "GET" else None
        if found is None:
            return self.app(environ, start_response)
        start_response("200 OK", [*self.headers, ("Content-Length", str(len(found.body))),
                                  (REQUEST_ID_HEADER, uuid.uuid4().hex)])
        return [found.body]

    def _kept(self, environ: WSGIEnvironment) -> KeptPage | None:
        if self.cookie in environ.get("HTTP_COOKIE", "") or "preview=" in environ.get("QUERY_STRING", ""):
            return None
        languages = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
        found = self.cache.get(_key(environ, languages.best_match(LOCALES) or DEFAULT_LOCALE))
        if found is None:
            return None
        with self.session_factory() as session:
            stamp = session.connection(execution_options={READ_ONLY: True}).scalar(_STAMP, {"id": found.storefront_id})
        return found if stamp == found.stamp else None


def init_page_cache(app: Flask, session_factory: sessionmaker[Session]) -> PageCache:
    cache = app.extensions["page_cache"] = PageCache()
    app.wsgi_app = VisitorPages(  # type: ignore[method-assign]
        app.wsgi_app, cache, session_factory, app.config["SESSION_COOKIE_NAME"],
        security_headers(production=app.config["CASCADE_ENV"] == "production").items())
    return cache
