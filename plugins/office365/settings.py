"""The plugin's settings, from ``CASCADE_OFFICE365_*`` environment variables.

Read at each use rather than once at import, so that a test (or a worker started with other
settings) sees its own. A bad value raises ``SettingError`` naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

PREFIX = "CASCADE_OFFICE365_"
#: Where the plugin's simulator listens by default; the connector's default URL.
SIMULATOR_PORT = 5081
DEFAULT_URL = f"http://127.0.0.1:{SIMULATOR_PORT}"
#: The simulator's own credentials: what the plugin sends when none are set.
DEFAULT_CLIENT_ID = "cascade-simulator"
DEFAULT_CLIENT_SECRET = "cascade-simulator-secret"


N = TypeVar("N", int, float)


class SettingError(ValueError):
    """A ``CASCADE_OFFICE365_*`` variable holds a value that cannot work; the message names it."""


@dataclass(frozen=True)
class Settings:
    #: Base URL of the partner and directory APIs (the simulator's by default).
    url: str = DEFAULT_URL
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    #: Seconds to wait for an answer before a call counts as timed out (and is retried).
    timeout: float = 10.0
    #: Days after a purchase or a renewal during which seats can be reduced or the subscription cancelled.
    change_window_days: int = 7


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from ``environ`` (the process environment by default)."""
    environ = os.environ if environ is None else environ

    def raw(name: str) -> str:
        return environ.get(PREFIX + name, "").strip()

    url = raw("URL") or DEFAULT_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise SettingError(f"{PREFIX}URL: {url!r}: use http(s)://host[:port][/path]")
    return Settings(
        url=url.rstrip("/"),
        client_id=raw("CLIENT_ID") or DEFAULT_CLIENT_ID,
        client_secret=raw("CLIENT_SECRET") or DEFAULT_CLIENT_SECRET,
        timeout=_number("TIMEOUT", raw("TIMEOUT"), float, Settings.timeout, minimum=0.1),
        change_window_days=_number("CHANGE_WINDOW_DAYS", raw("CHANGE_WINDOW_DAYS"), int, Settings.change_window_days,
                                   minimum=0),
    )


def _number(name: str, value: str, kind: type[N], default: N, *, minimum: N) -> N:
    if not value:
        return default
    try:
        number = kind(value)
    except ValueError:
        raise SettingError(f"{PREFIX}{name}: {value!r} is not a {'whole ' if kind is int else ''}number") from None
    if number < minimum:
        raise SettingError(f"{PREFIX}{name}: {value!r} is below {minimum}")
    return number
