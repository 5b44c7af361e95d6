"""The hosting plugin's settings, declared through the ``declared_settings`` hook.

They are read each time a connector or a job needs them (cheap, and a test or a deployment
that points a URL elsewhere is seen at once); every app checks them when it starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.settings import Setting, http_url, seconds, whole_number

PANEL_PORT = 5082
REGISTRAR_PORT = 5083

_trial_days = whole_number(1, 90, "days")


def _reminder_days(value: str) -> tuple[int, ...]:
    parts = [part.strip() for part in value.split(",")]
    if not all(part.isdigit() and 1 <= int(part) <= 90 for part in parts):
        raise ValueError("use days from 1 to 90 separated by commas, such as 7,3,1")
    return tuple(sorted({int(part) for part in parts}, reverse=True))


PANEL_URL = Setting("CASCADE_HOSTING_PANEL_URL", http_url, f"http://127.0.0.1:{PANEL_PORT}",
                    "the hosting panel's API; unset or local, `cascade run` starts the panel simulator there")
REGISTRAR_URL = Setting("CASCADE_REGISTRAR_URL", http_url, f"http://127.0.0.1:{REGISTRAR_PORT}",
                        "the domain registrar's API; unset or local, `cascade run` starts the registrar simulator there")
TRIAL_DAYS = Setting("CASCADE_HOSTING_TRIAL_DAYS", _trial_days, 14,
                     "how long a free website trial runs before it expires (1 to 90)")
TRIAL_REMINDER_DAYS = Setting("CASCADE_HOSTING_TRIAL_REMINDER_DAYS", _reminder_days, (7, 3, 1),
                              "days before a trial's end when its customer and reseller are reminded")
VENDOR_TIMEOUT = Setting("CASCADE_HOSTING_VENDOR_TIMEOUT", seconds(120), 10.0,
                         "seconds a panel or registrar call may take before it is retried later")

SETTINGS = (PANEL_URL, REGISTRAR_URL, TRIAL_DAYS, TRIAL_REMINDER_DAYS, VENDOR_TIMEOUT)


@dataclass(frozen=True)
class HostingSettings:
    panel_url: str
    registrar_url: str
    trial_days: int
    trial_reminder_days: tuple[int, ...]
    vendor_timeout: float


def hosting_settings(environ: Mapping[str, str] | None = None) -> HostingSettings:
    """Read the settings from ``environ`` (the process environment by default)."""
    return HostingSettings(
        panel_url=PANEL_URL.read(environ),
        registrar_url=REGISTRAR_URL.read(environ),
        trial_days=TRIAL_DAYS.read(environ),
        trial_reminder_days=TRIAL_REMINDER_DAYS.read(environ),
        vendor_timeout=VENDOR_TIMEOUT.read(environ),
    )
