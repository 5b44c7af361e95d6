"""JSON over HTTP to a vendor's API, with the vendor's failures sorted into two kinds.

A failure that trying again can fix (no answer in time, a refused connection, a 5xx or a 429)
raises ``core.provisioning.RetryableError``, which the core retries with backoff. A refusal
(any other 4xx) raises ``VendorError`` with the vendor's own code and message: retrying would
get the same answer.
"""

from __future__ import annotations

import json
import socket
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

from core.provisioning import RetryableError


class VendorError(Exception):
    """The vendor refused the request; ``code`` says why in the vendor's terms."""

    def __init__(self, vendor: str, status: int, code: str, message: str) -> None:
        super().__init__(f"{vendor}: {message}")
        self.vendor, self.status, self.code, self.message = vendor, status, code, message


def segment(value: str) -> str:
    """``value`` as one path segment."""
    return quote(value, safe="")


class JsonApi:
    """One vendor's API at ``base_url``."""

    def __init__(self, vendor: str, base_url: str, timeout: float) -> None:
        self.vendor = vendor
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def get(self, path: str) -> dict[str, Any]:
        return self.call("GET", path)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, *, key: str | None = None) -> dict[str, Any]:
        """Send ``body`` as JSON and return the JSON answer; ``key`` makes a write happen once."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if key is not None:
            headers["Idempotency-Key"] = key
        request = Request(f"{self.base_url}{path}", data=data, headers=headers, method=method)
        try:
            with urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except HTTPError as error:
            code, message = _problem(error)
            if error.code >= 500 or error.code == 429:
                raise RetryableError(f"{self.vendor} answered {error.code}: {message}") from None
            raise VendorError(self.vendor, error.code, code, message) from None
        except (TimeoutError, socket.timeout):
            raise RetryableError(f"{self.vendor} did not answer within {self.timeout:g} s") from None
        except URLError as error:
            if isinstance(error.reason, TimeoutError | socket.timeout):
                raise RetryableError(f"{self.vendor} did not answer within {self.timeout:g} s") from None
            raise RetryableError(f"{self.vendor} cannot be reached at {self.base_url}: {error.reason}") from None


def _problem(error: HTTPError) -> tuple[str, str]:
    """The vendor's error code and message, from its ``{"error": {"code", "message"}}`` body if it sent one."""
    try:
        found = json.loads(error.read() or b"{}").get("error") or {}
    except (ValueError, AttributeError, OSError):
        found = {}
    return str(found.get("code") or error.code), str(found.get("message") or error.reason)
