"""Password hashing with argon2id, at RFC 9106's setting for memory-constrained hosts.

That is 64 MiB of memory, 3 passes and 4 lanes (``PARAMETERS``), above OWASP's minimum for
argon2id (19 MiB, 2 passes, 1 lane; the Password Storage Cheat Sheet) on every count. It is
argon2-cffi's default today, named here so that no upgrade of the library changes it unseen. A
hash made with other parameters is made again at its owner's next sign-in (``needs_rehash``).
On two cores one verification takes about a tenth of a second: a sign-in's only real cost.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10

PARAMETERS: Parameters = profiles.RFC_9106_LOW_MEMORY

_hasher = PasswordHasher.from_parameters(PARAMETERS)


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
