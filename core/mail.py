"""Mail transports: real SMTP, or .eml files a developer can open when no server is configured."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit


class MailTransport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


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

    def send(self, message: EmailMessage) -> None:
        if self.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if not self.implicit_tls:
                client.ehlo()
                if client.has_extn("starttls"):
                    client.starttls(context=ssl.create_default_context())
                    client.ehlo()
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(message)


class FileTransport:
    """Write each message as ``<directory>/<message id>.eml``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("@", "_at_").replace("/", "_")
        (self.directory / f"{name}.eml").write_bytes(bytes(message))


def transport_for(mail_url: str | None, outbox_directory: Path) -> MailTransport:
    """Pick the transport a ``CASCADE_MAIL_URL`` names; no URL writes files."""
    if mail_url:
        return SMTPTransport(mail_url)
    return FileTransport(outbox_directory)
