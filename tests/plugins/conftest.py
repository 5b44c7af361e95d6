"""What the plugins' tests share: vendor clients that back off without waiting."""

from __future__ import annotations

import dataclasses
import time

import pytest

from plugin_kit import vendor_http


@pytest.fixture(autouse=True)
def vendor_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits of every vendor client's backoff, in seconds: recorded and counted by the policy's
    clock, never waited."""
    waits: list[float] = []
    monkeypatch.setattr(vendor_http, "DEFAULT_RETRY", dataclasses.replace(
        vendor_http.DEFAULT_RETRY, sleep=waits.append, clock=lambda: time.monotonic() + sum(waits)))
    return waits
