"""The plugin's settings, ``CASCADE_EMAIL_SECURITY_*``, declared through the ``declared_settings`` hook.

Read at each use, so that a test (or a worker started with other values) sees its own; every app
checks them when it starts. The DNS server the "check DNS" action asks is the platform's own
``CASCADE_DNS_RESOLVER``, the one custom storefront domains are verified with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.settings import Setting, http_url, seconds, text

PREFIX = "CASCADE_EMAIL_SECURITY_"
#: Where the plugin's simulator listens by default; the connector's default URL.
SIMULATOR_PORT = 5085

URL = Setting(f"{PREFIX}URL", http_url, f"http://127.0.0.1:{SIMULATOR_PORT}",
              "the email security service's API; unset or local, `cascade run` starts its simulator there")
API_KEY = Setting(f"{PREFIX}API_KEY", text, "simulator-api-key",
                  "the key the distributor's account at the email security service calls its API with")
TIMEOUT = Setting(f"{PREFIX}TIMEOUT", seconds(120), 10.0,
                  "seconds an email security service call may take before it counts as timed out and is retried later")

SETTINGS = (URL, API_KEY, TIMEOUT)


@dataclass(frozen=True)
class Settings:
    url: str
    api_key: str
    timeout: float


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from ``environ`` (the process environment by default)."""
    return Settings(url=URL.read(environ), api_key=API_KEY.read(environ), timeout=TIMEOUT.read(environ))
