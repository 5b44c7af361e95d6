"""The plugin's settings, ``CASCADE_OFFICE365_*``, declared through the ``declared_settings`` hook.

Read at each use rather than once at import, so that a test (or a worker started with other
settings) sees its own; every app checks them when it starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.settings import Setting, http_url, seconds, text, whole_number

PREFIX = "CASCADE_OFFICE365_"
#: Where the plugin's simulator listens by default; the connector's default URL.
SIMULATOR_PORT = 5081

URL = Setting(f"{PREFIX}URL", http_url, f"http://127.0.0.1:{SIMULATOR_PORT}",
              "Microsoft's partner and directory APIs; unset or local, `cascade run` starts the Microsoft 365 simulator there")
CLIENT_ID = Setting(f"{PREFIX}CLIENT_ID", text, "cascade-simulator",
                    "the app registration Cascade signs in to Microsoft with (OAuth client credentials)")
CLIENT_SECRET = Setting(f"{PREFIX}CLIENT_SECRET", text, "cascade-simulator-secret", "the app registration's secret")
TIMEOUT = Setting(f"{PREFIX}TIMEOUT", seconds(120), 10.0,
                  "seconds a Microsoft call may take before it counts as timed out and is retried later")
CHANGE_WINDOW_DAYS = Setting(f"{PREFIX}CHANGE_WINDOW_DAYS", whole_number(0, 365, "days"), 7,
                             "days after a purchase or renewal during which seats can be removed and the subscription "
                             "cancelled at once")

SETTINGS = (URL, CLIENT_ID, CLIENT_SECRET, TIMEOUT, CHANGE_WINDOW_DAYS)


@dataclass(frozen=True)
class Settings:
    #: Base URL of the partner and directory APIs (the simulator's by default).
    url: str
    client_id: str
    client_secret: str
    #: Seconds to wait for an answer before a call counts as timed out (and is retried).
    timeout: float
    #: Days after a purchase or a renewal during which seats can be reduced or the subscription cancelled.
    change_window_days: int


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from ``environ`` (the process environment by default)."""
    return Settings(url=URL.read(environ), client_id=CLIENT_ID.read(environ), client_secret=CLIENT_SECRET.read(environ),
                    timeout=TIMEOUT.read(environ), change_window_days=CHANGE_WINDOW_DAYS.read(environ))
