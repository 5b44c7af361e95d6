"""Password hashing with argon2id; the cost is the library's recommended default."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password``; a missing hash still costs one hash, so timing tells nothing."""
    if password_hash is None:
        _hasher.hash(password)
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@contextmanager
def hasher(replacement: PasswordHasher) -> Iterator[None]:
    """Use another hasher for the block (tests use a cheap one)."""
    global _hasher
    previous, _hasher = _hasher, replacement
    try:
        yield
    finally:
        _hasher = previous
