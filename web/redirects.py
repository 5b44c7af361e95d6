"""Where a form may send its visitor back to: only ever within the same site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` when it is a path on this host, else ``fallback``.

    Browsers read a backslash as a slash, so ``/\\evil.example`` would leave the site too.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target or urlsplit(target).netloc:
        return fallback
    return target
