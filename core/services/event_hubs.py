"""TMF event hubs: listeners registered through an API's ``/hub``, and the events sent to them.

A service that changes what a hub may hear of calls ``publish`` inside its transaction: it
writes one ``EventDelivery`` per hub that listens to the event and whose account may see what
it is about, with a small payload (ids and a state). The worker sends each after the commit
(``deliver``), rendering the TMF resource then, as the hub's account may see it; a send that
fails for a reason a retry can fix is retried with backoff, a listener refusing it (4xx) fails
it for good. Delivery is at least once, with the same ``eventId`` on every attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.db import end_before_outside_call
from core.errors import NotFoundError, ValidationError
from core.languages import say
from core.models.accounts import Account
from core.models.event_hubs import DELIVERY_STATES, DeliveryStatus, EventDelivery, EventHub
from core.models.people import User
from core.services.audit import record_event
from core.services.outbox import retry_delay

ORDERING, INVENTORY, CATALOG = "productOrderingManagement", "productInventoryManagement", "productCatalogManagement"
APIS = (ORDERING, INVENTORY, CATALOG)
#: Attempts before an event that keeps failing for a temporary reason is given up.
MAX_ATTEMPTS = 8
#: How long a worker holds an event it is sending; the sweep publishes it again once this (and a grace) has passed.
SEND_LEASE = timedelta(minutes=2)
#: The longest a listener may take to answer.
TIMEOUT_SECONDS = 10.0
SIGNATURE_HEADER = "X-Hub-Signature-256"

#: ``post(url, body, headers, timeout)``: the listener's HTTP status; ``OSError`` when it cannot be reached in time.
Post = Callable[[str, bytes, Mapping[str, str], float], int]
#: ``render(session, delivery)``: the TMF event to send, as a JSON object.
Render = Callable[[Session, EventDelivery], dict[str, Any]]


def register_hub(session: Session, account: Account, *, api: str, callback: Any, query: Any,
                 event_types: Collection[str], by: User | None, public_only: bool = True) -> EventHub:
    """Register a listener of ``api`` for ``account``; ``event_types`` are those a query may name.

    ``callback`` is an http or https URL; ``query`` is empty or ``eventType=`` with one or more
    comma-separated types of ``event_types``. The hub's secret is made here: show it once.
    With ``public_only`` (production), a callback may not name this machine or a private network
    by its address or a local name: the platform would otherwise post into its own network.
    """
    errors: dict[str, list[str]] = {}
    if not isinstance(callback, str) or not _is_web_url(callback):
        errors["callback"] = [say("Give an http or https URL of at most 2000 characters.")]
    elif public_only and _is_local(urlsplit(callback).hostname or ""):
        errors["callback"] = [say("Give a public address: listeners on this machine or a private network are refused.")]
    wanted = _event_types(query, event_types, errors)
    if errors:
        raise ValidationError(errors)
    hub = EventHub(account=account, api=api, callback=callback, query=query or None, event_types=wanted,
                   secret=secrets.token_hex(32))
    session.add(hub)
    record_event(session, account=account, by=by, action="event_hub.registered", target=hub,
                 changes={"api": api, "callback": callback, "query": query or ""})
    return hub


def _is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return len(value) <= 2000 and parts.scheme in ("http", "https") and bool(parts.hostname)


def _is_local(host: str) -> bool:
    """Whether ``host`` is a local name or an address that is not on the public internet."""
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")) or "." not in host.strip("[]"):
        return True
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_global
    except ValueError:
        return False


def _event_types(query: Any, known: Collection[str], errors: dict[str, list[str]]) -> list[str]:
    if query is None or query == "":
        return []
    name, _, value = query.partition("=") if isinstance(query, str) else ("", "", "")
    types = [each.strip() for each in value.split(",")]
    if name.strip() != "eventType" or not all(types) or "&" in value:
        errors["query"] = [say("Filter on event types only: eventType=<type>[,<type>...].")]
        return []
    unknown = [each for each in types if each not in known]
    if unknown:
        errors["query"] = [say("This API has no event %(unknown)s; it has %(known)s.", unknown=", ".join(unknown),
                                known=", ".join(sorted(known)))]
    return types


def delete_hub(session: Session, account: Account, *, api: str, hub_id: int, by: User | None) -> None:
    """Delete a listener the account registered on ``api``, with the events still on their way to it."""
    hub = session.scalar(select(EventHub).where(EventHub.id == hub_id, EventHub.account_id == account.id,
                                                EventHub.api == api))
    if hub is None:
        raise NotFoundError(say("No hub %(id)s.", id=hub_id))
    record_event(session, account=account, by=by, action="event_hub.deleted", target=hub,
                 changes={"api": api, "callback": hub.callback})
    session.execute(delete(EventDelivery).where(EventDelivery.hub_id == hub.id))
    session.delete(hub)
    session.flush()


def publish(session: Session, seen_by: Iterable[int], api: str, event_type: str,
            about: Callable[[], dict[str, Any]]) -> None:
    """Write an event about a resource the accounts ``seen_by`` may see, for each of their hubs that hears it.

    ``about`` gives the event's payload, asked only when a hub hears it, once the session is
    flushed (a resource added in this transaction has its id then).
    """
    _publish(session, EventHub.account_id.in_(list(seen_by)), api, event_type, lambda: [about()])


def publish_to_buyers(session: Session, seller: Account, event_type: str, payloads: Iterable[dict[str, Any]]) -> None:
    """Write catalog events about what ``seller`` offers (one per payload: a ``seller_id`` and ``plan_id``, and for a
    price which one), heard by the hubs of the seller and of the accounts that buy from it."""
    buyers = select(Account.id).where(or_(Account.id == seller.id, Account.parent_id == seller.id))
    _publish(session, EventHub.account_id.in_(buyers), CATALOG, event_type, lambda: list(payloads))


def _publish(session: Session, listening: ColumnElement[bool], api: str, event_type: str,
             about: Callable[[], list[dict[str, Any]]]) -> None:
    hubs = [hub for hub in session.scalars(select(EventHub).where(EventHub.api == api, listening).order_by(EventHub.id))
            if hub.hears(event_type)]
    if not hubs:
        return
    session.flush()
    payloads, now = about(), utcnow()
    for hub in hubs:
        for payload in payloads:
            session.add(EventDelivery(hub=hub, event_id=str(uuid.uuid4()), event_type=event_type, event_time=now,
                                      payload=payload, next_attempt_at=now))


def account_ids(path: str) -> list[int]:
    """The ids of an account's path (``/1/5/23/``): the account and the sellers above it."""
    return [int(part) for part in path.split("/") if part]


def deliver(session: Session, delivery_id: int, render: Render, post: Post | None = None) -> EventDelivery | None:
    """Send one pending event that is due to its hub, signed, and record the outcome.

    It claims the event in a transaction of its own (committed: a claimed event is not due for
    ``SEND_LEASE``), posts it with no transaction open, then records the outcome in the
    session's new transaction, for the caller to commit. Returns ``None`` when there is nothing
    to do: sent or given up already, not due yet, or held by another worker.
    """
    now = utcnow()
    delivery = session.scalar(
        select(EventDelivery)
        .where(EventDelivery.id == delivery_id, EventDelivery.status == DeliveryStatus.PENDING,
               EventDelivery.next_attempt_at <= now)
        .with_for_update(skip_locked=True)
    )
    if delivery is None:
        return None
    delivery.attempts += 1
    delivery.next_attempt_at = now + SEND_LEASE
    callback, secret = delivery.hub.callback, delivery.hub.secret
    body = json.dumps(render(session, delivery), separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: f"sha256={signature(secret, body)}"}
    end_before_outside_call(session)  # the claim stands on its own
    try:
        status = (post or post_json)(callback, body, headers, TIMEOUT_SECONDS)
    except OSError as exc:
        _record_failure(delivery, f"{type(exc).__name__}: {exc}", permanent=False)
    else:
        if 200 <= status < 300:
            delivery.status = DELIVERY_STATES.check(delivery.status, DeliveryStatus.SENT)
            delivery.sent_at = utcnow()
            delivery.last_error = None
        else:
            _record_failure(delivery, f"HTTP {status}", permanent=status < 500 and status not in (408, 429))
    session.flush()
    return delivery


def signature(secret: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``body`` with the hub's secret, as ``X-Hub-Signature-256`` carries it."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_json(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
    """POST ``body`` to ``url`` and return the HTTP status; ``OSError`` if it cannot be reached in ``timeout``."""
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _record_failure(delivery: EventDelivery, error: str, *, permanent: bool) -> None:
    delivery.last_error = error[:2000]
    if permanent or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DELIVERY_STATES.check(delivery.status, DeliveryStatus.FAILED)
    else:
        delivery.next_attempt_at = utcnow() + retry_delay(delivery.attempts)


def overdue_delivery_ids(session: Session, grace: timedelta, limit: int = 500) -> list[int]:
    """Return pending events whose attempt was due more than ``grace`` ago: their task was lost."""
    return list(session.scalars(
        select(EventDelivery.id)
        .where(EventDelivery.status == DeliveryStatus.PENDING, EventDelivery.next_attempt_at < utcnow() - grace)
        .order_by(EventDelivery.id)
        .limit(limit)
    ))
