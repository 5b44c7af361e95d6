"""Absolute links for emails: the address people reach the back office at.

Emails are written by web requests and by workers alike, and a worker has no request to
build a URL from; the app factory sets the address from ``CASCADE_BASE_URL``.
"""

from __future__ import annotations


class Links:
    def __init__(self) -> None:
        self.base_url = "http://127.0.0.1:5000"

    def configure(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def backoffice(self, path: str = "") -> str:
        """The absolute URL of a back-office page, ``path`` relative to ``/bss/``."""
        return f"{self.base_url}/bss/{path.lstrip('/')}"


links = Links()
