"""Mail transports: real SMTP, or .eml files a developer can open when no server is configured."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit


class MailTransport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def batch(self) -> AbstractContextManager[None]:
        """Send the messages of the block as one batch (over one connection, where there is one)."""
        ...


class SMTPTransport:
    """Send through an SMTP server: ``smtp://[user:pass@]host:port`` (STARTTLS when offered)
    or ``smtps://`` (TLS from the first byte)."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout
        self._batching = False
        #: The connection the messages of a batch share, once the first has opened it.
        self._client: smtplib.SMTP | None = None

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Send every message of the block over one connection, opened by the first of them (a message
        the server refused leaves it open; one that broke it, the next opens another)."""
        self._batching = True
        try:
            yield
        finally:
            self._batching = False
            self._hang_up()

    def send(self, message: EmailMessage) -> None:
        if not self._batching:
            with self._connect() as client:
                client.send_message(message)
            return
        if self._client is None:
            self._client = self._connect()
        try:
            self._client.send_message(message)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
            raise  # the server answered: the connection serves the next message
        except OSError:  # smtplib's errors are OSErrors too: the connection broke
            self._hang_up()
            raise

    def _hang_up(self) -> None:
        """Say goodbye to the server of the batch's connection if it still listens, and close it."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if not self.implicit_tls:
                client.ehlo()
                if client.has_extn("starttls"):
                    client.starttls(context=ssl.create_default_context())
                    client.ehlo()
            if self.username:
                client.login(self.username, self.password or "")
        except Exception:
            client.close()
            raise
        return client


class FileTransport:
    """Write each message as ``<directory>/<message id>.eml``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def batch(self) -> AbstractContextManager[None]:
        """Files need no connection: a batch is its messages, written one by one."""
        return nullcontext()

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("@", "_at_").replace("/", "_")
        (self.directory / f"{name}.eml").write_bytes(bytes(message))


def transport_for(mail_url: str | None, outbox_directory: Path) -> MailTransport:
    """Pick the transport a ``CASCADE_MAIL_URL`` names; no URL writes files."""
    if mail_url:
        return SMTPTransport(mail_url)
    return FileTransport(outbox_directory)
