"""Secrets handed out once (sign-in cookies, API keys, emailed links) and kept only as hashes.

The secrets are 256 random bits, so a plain SHA-256 is enough to store them: there is nothing
to guess, unlike a password.
"""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    """Return a fresh URL-safe secret, with ``prefix`` in front when given."""
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """Return what the database keeps of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()
