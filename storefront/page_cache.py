"""Pages that are the same for every visitor of a shop, kept a few seconds by each web process.

A visitor's catalog shows the prices the seller charges a new customer, the same for everyone,
so it is rendered once per shop, theme, language and address, and served again for
``LIFETIME_SECONDS``. The key holds the storefront's ``updated_at``: a branding change shows at
once, in every process, since each request reads the storefront anyway. A price change reaches
visitors within ``LIFETIME_SECONDS``; signed-in customers, checkout and the order itself always
price afresh. Anyone with something of their own in the session (signed in, a cart, a message
to show) gets a page rendered for them, and so does a preview.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, current_app, g, request, session
from flask_login import current_user

from storefront.hosts import current_storefront
from storefront.i18n import SESSION_KEY as LOCALE_KEY
from storefront.i18n import current_locale
from storefront.themes import current_theme

LIFETIME_SECONDS = 30.0
#: Pages kept per process at most (the least recently served go first).
MAX_PAGES = 512
#: What a visitor's session may hold and still see the shared page: its form token and its language.
_SHARED_SESSION_KEYS = frozenset({"_csrf", LOCALE_KEY})

_Key = tuple[object, ...]


class PageCache:
    """One process's kept pages, least recently served first."""

    def __init__(self) -> None:
        self.pages: OrderedDict[_Key, tuple[float, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: _Key, now: float) -> str | None:
        with self.lock:
            found = self.pages.get(key)
            if found is None or found[0] <= now:
                return None
            self.pages.move_to_end(key)
            return found[1]

    def keep(self, key: _Key, page: str, now: float) -> None:
        with self.lock:
            self.pages[key] = (now + LIFETIME_SECONDS, page)
            self.pages.move_to_end(key)
            while len(self.pages) > MAX_PAGES:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


def _shared() -> bool:
    return (request.method == "GET" and not current_user.is_authenticated and not g.get("previewing")
            and set(session) <= _SHARED_SESSION_KEYS)


def visitor_page(render: Callable[[], str]) -> str:
    """``render()``'s page, from the cache when it is the shared visitors' page and was rendered lately."""
    if not _shared():
        return render()
    cache: PageCache = current_app.extensions["page_cache"]
    storefront = current_storefront()
    key = (storefront.id, storefront.updated_at, current_theme(), current_locale(), request.full_path)
    now = time.monotonic()
    page = cache.get(key, now)
    if page is None:
        page = render()
        if not session.modified:  # a page that wrote to the session was not everyone's
            cache.keep(key, page, now)
    return page


def init_page_cache(app: Flask) -> PageCache:
    cache = app.extensions["page_cache"] = PageCache()
    return cache
