"""A real SMTP server on loopback that keeps what it receives, and free ports to serve things on."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """The messages an SMTP server accepted, in arrival order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        #: Each message's envelope sender (SMTP's ``MAIL FROM``, the Return-Path), in the same order.
        self.envelope_senders: list[str] = []
        #: Each message's envelope recipients (SMTP's ``RCPT TO``), in the same order.
        self.envelope_recipients: list[list[str]] = []
        self.refuse_with: str | None = None
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_with:
            return self.refuse_with
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.messages.append(message)  # type: ignore[arg-type]
            self.envelope_senders.append(envelope.mail_from)
            self.envelope_recipients.append(list(envelope.rcpt_tos))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} emails, got {len(self.messages)}")
                self._arrived.wait(remaining)
        return list(self.messages)


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, Mailbox]]:
    """Start an SMTP server; yields its ``smtp://`` URL and its mailbox."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", mailbox
    finally:
        controller.stop()
