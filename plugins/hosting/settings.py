"""The hosting plugin's settings, from ``CASCADE_*`` environment variables.

They are read each time a connector or a job needs them (cheap, and a test or a deployment
that points a URL elsewhere is seen at once). A bad value raises ``HostingSettingError``, one
line naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

PANEL_URL = "CASCADE_HOSTING_PANEL_URL"
REGISTRAR_URL = "CASCADE_REGISTRAR_URL"
TRIAL_DAYS = "CASCADE_HOSTING_TRIAL_DAYS"
TRIAL_REMINDER_DAYS = "CASCADE_HOSTING_TRIAL_REMINDER_DAYS"
VENDOR_TIMEOUT = "CASCADE_HOSTING_VENDOR_TIMEOUT"

PANEL_PORT = 5082
REGISTRAR_PORT = 5083


class HostingSettingError(ValueError):
    """A hosting setting is invalid; the message is one line naming it."""


@dataclass(frozen=True)
class HostingSettings:
    #: The hosting panel's API (the local simulator unless set).
    panel_url: str = f"http://127.0.0.1:{PANEL_PORT}"
    #: The domain registrar's API (the local simulator unless set).
    registrar_url: str = f"http://127.0.0.1:{REGISTRAR_PORT}"
    #: How long a free trial site runs before it expires, unless taken live.
    trial_days: int = 14
    #: Days before a trial's end when its customer and reseller are reminded.
    trial_reminder_days: tuple[int, ...] = (7, 3, 1)
    #: Seconds a panel or registrar call may take before it is retried later.
    vendor_timeout: float = 10.0


def hosting_settings(environ: Mapping[str, str] | None = None) -> HostingSettings:
    """Read and check the settings from ``environ`` (the process environment by default)."""
    environ = os.environ if environ is None else environ
    defaults = HostingSettings()

    def raw(name: str) -> str:
        return environ.get(name, "").strip()

    return HostingSettings(
        panel_url=_url(PANEL_URL, raw(PANEL_URL) or defaults.panel_url),
        registrar_url=_url(REGISTRAR_URL, raw(REGISTRAR_URL) or defaults.registrar_url),
        trial_days=_days(TRIAL_DAYS, raw(TRIAL_DAYS)) if raw(TRIAL_DAYS) else defaults.trial_days,
        trial_reminder_days=(_reminder_days(raw(TRIAL_REMINDER_DAYS)) if raw(TRIAL_REMINDER_DAYS)
                             else defaults.trial_reminder_days),
        vendor_timeout=_timeout(raw(VENDOR_TIMEOUT)) if raw(VENDOR_TIMEOUT) else defaults.vendor_timeout,
    )


def _url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise HostingSettingError(f"{name}: {value!r}: use http(s)://host[:port][/path]")
    return value.rstrip("/")


def _days(name: str, value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 90:
        raise HostingSettingError(f"{name}: {value!r} is not a number of days from 1 to 90")
    return int(value)


def _reminder_days(value: str) -> tuple[int, ...]:
    parts = [part.strip() for part in value.split(",")]
    if not all(part.isdigit() and 1 <= int(part) <= 90 for part in parts):
        raise HostingSettingError(f"{TRIAL_REMINDER_DAYS}: {value!r}: use days from 1 to 90 separated by commas, such as 7,3,1")
    return tuple(sorted({int(part) for part in parts}, reverse=True))


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 120:
        raise HostingSettingError(f"{VENDOR_TIMEOUT}: {value!r} is not a number of seconds from 0 to 120")
    return seconds
