"""Idempotency keys, as Stripe has them: a write sent again with its key is answered, not redone.

Keys are unique per calling account. A key is stored with a hash of the request that first
used it and that request's answer, in the same transaction as the write itself: the write and
its key commit together or not at all, and only answers that committed are ever replayed. A
second request with the key is answered from the store when it is the same request, and
refused when it is another. A key older than ``KEY_LIFETIME`` is forgotten and may be used
again; ``purge_idempotency_keys`` deletes such keys for good.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import ConflictError
from core.languages import quoted, say
from core.models.idempotency import IdempotencyKey

#: The longest key accepted (the column's width).
KEY_MAX_LENGTH = 255
#: How long a key keeps its answer; after that it may be used for a new request.
KEY_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class StoredAnswer:
    """The answer given to the request that first used a key."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def request_hash(method: str, path: str, body: Any) -> str:
    """Hash what makes two requests the same: method, path and what they say (a JSON body, or a form with its
    files' names and hashes), key order and spacing aside."""
    canonical = json.dumps([method.upper(), path, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def stored_answer(session: Session, *, account_id: int, key: str, fingerprint: str) -> StoredAnswer | None:
    """Return the answer kept for ``key`` (``None``: a new key); ``ConflictError`` if it came with another request."""
    row = session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.account_id == account_id,
        IdempotencyKey.key == key,
        IdempotencyKey.created_at > utcnow() - KEY_LIFETIME,
    ))
    if row is None:
        return None
    if row.request_hash != fingerprint:
        raise ConflictError(say("The idempotency key %(key)s was sent before with another request; send a new key with a "
                                "new request.", key=quoted(key)))
    return StoredAnswer(row.response_status, row.response_body, row.response_headers)


def store_answer(
    session: Session, *, account_id: int, key: str, fingerprint: str, status: int, body: dict[str, Any],
    headers: dict[str, str],
) -> None:
    """Keep ``key``'s answer in the caller's transaction.

    The insert meets the unique index on (account, key): while another transaction holds the
    key, PostgreSQL makes it wait, and raises ``IntegrityError`` once that one has committed.
    The caller then rolls back and answers from ``stored_answer``.
    """
    session.execute(delete(IdempotencyKey).where(
        IdempotencyKey.account_id == account_id,
        IdempotencyKey.key == key,
        IdempotencyKey.created_at <= utcnow() - KEY_LIFETIME,
    ))
    session.add(IdempotencyKey(account_id=account_id, key=key, request_hash=fingerprint,
                               response_status=status, response_body=body, response_headers=headers))
    session.flush()


def purge_idempotency_keys(session: Session) -> int:
    """Delete the keys past their lifetime; return how many went."""
    return session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at <= utcnow() - KEY_LIFETIME)).rowcount
