"""``Idempotency-Key`` on API writes: a write sent again with its key gets its first answer.

An operation declared ``idempotent=True`` accepts the header, and its view answers with
``commit_and_respond``. Before the view runs, a key already answered is replayed (the same
status and body, with ``Idempotent-Replayed: true``) and a key first sent with another request
(method, path, or body: JSON, or a form with its files) is refused with 409. Otherwise the view
writes, and ``commit_and_respond`` stores the answer under the key in the same transaction. Two concurrent
requests with one key make one write: the second one's insert of the key waits until the first
commits, then fails; the second request rolls its write back and answers with the first one's
answer. A write that fails stores nothing, so it may be sent again with the same key. Keys are
unique per calling account and may be used for a new request 24 hours after their first use.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, g, jsonify, request
from sqlalchemy.exc import IntegrityError

from core.errors import ValidationError
from core.services.idempotency import KEY_MAX_LENGTH, StoredAnswer, request_hash, store_answer, stored_answer
from web.api.auth import current_caller
from web.api.operations import operation_of, request_content, respond
from web.database import db

HEADER = "Idempotency-Key"
#: Printable ASCII, with no space first or last (HTTP would trim it): what a header carries unchanged.
KEY_PATTERN = r"^[!-~](?:[ -~]*[!-~])?$"
REPLAYED_HEADER = "Idempotent-Replayed"
#: Headers of the first answer that a replay carries again.
KEPT_HEADERS = ("Location",)


@dataclass(frozen=True)
class _PendingKey:
    """A key sent with a write that has not been answered yet."""

    account_id: int
    key: str
    fingerprint: str

    def stored(self) -> StoredAnswer | None:
        return stored_answer(db.session, account_id=self.account_id, key=self.key, fingerprint=self.fingerprint)


def replay_repeated_write() -> Response | None:
    """Before an idempotent write: answer a key already answered, or keep it for ``commit_and_respond``."""
    declared = operation_of(current_app.view_functions[request.endpoint or ""])
    if declared is None or not declared.idempotent:
        return None
    return replay_keyed_write()


def replay_keyed_write() -> Response | None:
    """Answer the request's key if it was answered already, or keep it for ``commit_answer``; no key, no answer.

    For a write whose view answers without an operation's schemas (the TMF APIs): it calls this
    before writing anything.
    """
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not (len(key) <= KEY_MAX_LENGTH and re.fullmatch(KEY_PATTERN, key)):
        raise ValidationError({HEADER: [f"Send a key of 1 to {KEY_MAX_LENGTH} printable ASCII characters."]})
    fingerprint = request_hash(request.method, request.path, request_content())
    pending = _PendingKey(current_caller().account.id, key, fingerprint)
    stored = pending.stored()
    if stored is not None:
        return _replay(stored)
    g.idempotency_key = pending
    return None


def commit_and_respond(result: Any, headers: Mapping[str, str] | None = None) -> Response:
    """Commit the write and answer it; the answer is kept under the request's key, if any, in the same transaction."""
    db.session.flush()  # the write's own rows first: their ids go into the answer
    return commit_answer(respond(result, headers))


def commit_answer(response: Response) -> Response:
    """Commit the write answered by ``response``, kept under the request's key, if any, in the same transaction."""
    pending: _PendingKey | None = g.pop("idempotency_key", None)
    if pending is not None:
        try:
            store_answer(db.session, account_id=pending.account_id, key=pending.key, fingerprint=pending.fingerprint,
                         status=response.status_code, body=response.get_json(),
                         headers={name: response.headers[name] for name in KEPT_HEADERS if name in response.headers})
        except IntegrityError:
            db.session.rollback()  # a concurrent request with this key committed first: its write is the one
            stored = pending.stored()
            if stored is None:
                raise
            return _replay(stored)
    db.session.commit()
    return response


def _replay(stored: StoredAnswer) -> Response:
    response = jsonify(stored.body)
    response.status_code = stored.status
    response.headers.update(stored.headers)
    response.headers[REPLAYED_HEADER] = "true"
    return response
