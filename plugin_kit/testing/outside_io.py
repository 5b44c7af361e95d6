"""A guard on every test: nothing talks to the outside world while a database transaction is open.

A vendor's API, the mail server or a DNS resolver may take seconds; on SQLite every transaction
holds the whole database's write lock, and on PostgreSQL it holds a connection and its row locks.
So the code reads what it needs, ends its transaction (``core.db.end_before_outside_call``),
talks to the outside, then writes what it learnt in a new one. During each test, a call through
``VendorClient``, ``SMTPTransport`` or ``dns.resolver`` with the app context's session in a
transaction fails the test, naming the call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import dns.resolver
import pytest
from flask import has_app_context

from core.mail import SMTPTransport
from plugin_kit.vendor_http import VendorClient
from web.database import db


def _in_transaction() -> bool:
    return has_app_context() and db.session.registry.has() and db.session().in_transaction()


def _guarded(call: Callable[..., Any], what: Callable[..., str]) -> Callable[..., Any]:
    @functools.wraps(call)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if _in_transaction():
            pytest.fail(f"{what(*args, **kwargs)} was called with a database transaction open: end it first "
                        "(core.db.end_before_outside_call), then write what it answered in a new one", pytrace=True)
        return call(*args, **kwargs)

    return checked


@pytest.fixture(autouse=True)
def outside_io_outside_transactions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test when a vendor, the mail server or a DNS resolver is called inside a transaction."""
    monkeypatch.setattr(VendorClient, "call", _guarded(
        VendorClient.call, lambda client, method, path, *_a, **_k: f"{client.vendor} ({method} {path.split('?')[0]})"))
    monkeypatch.setattr(SMTPTransport, "send", _guarded(
        SMTPTransport.send, lambda transport, message: f"the mail server ({message['Subject']!r})"))
    monkeypatch.setattr(dns.resolver.Resolver, "resolve", _guarded(
        dns.resolver.Resolver.resolve, lambda _resolver, name, *_a, **_k: f"a DNS resolver ({name})"))
