"""The email outbox: queue an email inside a transaction, deliver it after the commit.

Delivery is at least once: an email whose send succeeded but whose row could not be marked
sent (a worker killed in between) goes out again once its lease has run out, with the same
Message-ID so that mail clients show it once.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from functools import cache, lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.db import end_before_outside_call
from core.errors import ValidationError
from core.languages import DEFAULT_LOCALE, quoted, say
from core.mail import MailTransport
from core.models.outbox import EMAIL_STATES, EmailStatus, OutboxEmail
from core.models.storefronts import Storefront
from core.services.attachments import Attachment, resolve_attachments
from core.services.email_layout import email_html, logo_reference

#: Attempts before an email that keeps failing for a temporary reason is given up.
MAX_ATTEMPTS = 5
#: How long a worker holds an email it is sending: no other sends it meanwhile, and the sweep
#: publishes it again once this (and its grace) has passed, should the worker have died.
SEND_LEASE = timedelta(minutes=5)

_ADDRESS = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


class _ParsedOnce(HeaderRegistry):
    """The standard library's header registry without its cost per header, most of building a message: it
    makes a new class for every header, and parses the same From, To and Content-Type lines for every
    message again. A parsed header is read-only, so one serves every message that has it."""

    @cache
    def __getitem__(self, name: str) -> type[BaseHeader]:
        return super().__getitem__(name)

    @lru_cache(maxsize=1024)
    def __call__(self, name: str, value: str) -> BaseHeader:
        return super().__call__(name, value)


#: The standard library's default policy (what ``EmailMessage()`` uses), with headers parsed once.
_POLICY = policy.default.clone(header_factory=_ParsedOnce())


def queue_email(
    session: Session,
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    sender_name: str | None = None,
    reply_to: str | None = None,
    attachments: Sequence[str] = (),
    brand: Storefront | None = None,
    locale: str = DEFAULT_LOCALE,
) -> OutboxEmail:
    """Write an email to the outbox; it is sent once the caller's transaction commits.

    ``attachments`` names documents (``invoice:42``) rendered and attached when it is sent. An
    email to a shop's customers goes in the shop's ``brand``: with an HTML part in its layout
    (``core.services.email_layout``) beside the plain text, from the shop's own subdomain of the
    mail domain, and answered (unless ``reply_to`` says otherwise) at the shop's contact email.
    ``locale`` is the language its text is written in."""
    errors: dict[str, list[str]] = {}
    for field, value in (("to", to), ("reply_to", reply_to)):
        if value is not None and not _ADDRESS.match(value):
            errors[field] = [say("%(email)s is not an email address.", email=quoted(value))]
    for field, value in (("subject", subject), ("sender_name", sender_name)):
        if value is not None and ("\r" in value or "\n" in value):
            errors[field] = [say("Must be a single line.")]
    if not subject.strip():
        errors["subject"] = [say("An email needs a subject.")]
    if errors:
        raise ValidationError(errors)
    if brand is not None:
        reply_to = reply_to or brand.contact_email or None
        if html is None:
            html = email_html(brand, subject.strip(), text, lang=locale)
            attachments = [*attachments, *logo_reference(brand)]
    email = OutboxEmail(
        to_address=to,
        subject=subject.strip(),
        text_body=text,
        html_body=html,
        sender_name=sender_name,
        sender_subdomain=brand.account.slug if brand is not None else None,
        reply_to=reply_to,
        attachments=list(attachments),
    )
    session.add(email)
    return email


def build_message(email: OutboxEmail, sender: str, attachments: Sequence[Attachment] = (),
                  mail_domain: str | None = None) -> EmailMessage:
    """Render an outbox row as a MIME message from ``sender`` ("Name <address>"), with the files its
    references resolved to (``core.services.attachments``).

    A shop's email goes from the same mailbox on the shop's subdomain of ``mail_domain`` (by
    default ``sender``'s domain): its From, its envelope sender (SMTP takes it from From) and its
    Message-ID all name the shop's domain, never the platform's or the distributor's."""
    default_name, address = parseaddr(sender)
    if email.sender_subdomain:
        mailbox, _, sender_domain = address.rpartition("@")
        address = f"{mailbox}@{email.sender_subdomain}.{mail_domain or sender_domain}"
    message = EmailMessage(policy=_POLICY)
    message["From"] = formataddr((email.sender_name or default_name, address))
    message["To"] = email.to_address
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(email.created_at)
    domain = Address(addr_spec=address).domain or "cascade.invalid"
    message["Message-ID"] = f"<outbox-{email.id}.{int(email.created_at.timestamp())}@{domain}>"
    message.set_content(email.text_body)
    html = None
    if email.html_body:
        message.add_alternative(email.html_body, subtype="html")
        html = message.get_body(("html",))
    for attachment in attachments:
        maintype, _, subtype = attachment.media_type.partition("/")
        if attachment.content_id is not None:
            # An image the HTML part shows: it travels with that part (multipart/related), or not at all.
            if html is not None:
                html.add_related(attachment.content, maintype=maintype, subtype=subtype, disposition="inline",
                                 filename=attachment.filename, cid=f"<{attachment.content_id}>")
            continue
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


def deliver_email(
    session: Session, email_id: int, transport: MailTransport, sender: str, mail_domain: str | None = None
) -> OutboxEmail | None:
    """Send one pending email that is due, and record the outcome (``deliver_emails`` for one);
    ``None`` when there is nothing to do."""
    delivered = deliver_emails(session, [email_id], transport, sender, mail_domain)
    return delivered[0] if delivered else None


def deliver_emails(
    session: Session, email_ids: Iterable[int], transport: MailTransport, sender: str, mail_domain: str | None = None
) -> list[OutboxEmail]:
    """Send the pending emails among ``email_ids`` that are due, in the order they were queued, and
    record each outcome; return those it tried.

    It claims them all in the session's transaction and commits it (with what the caller wrote
    before: a claimed email is not due for ``SEND_LEASE``), builds and sends them with no
    transaction open, a mail server being as slow as it likes, then records the outcomes in the
    session's new transaction, for the caller to commit. An
    email that was sent or given up already, is not due yet, or that another worker holds is
    left out. A temporary failure leaves its email pending (the caller retries) until
    ``MAX_ATTEMPTS``; a permanent refusal from the server fails it at once.
    """
    ids = sorted(set(email_ids))
    if not ids:
        return []
    now = utcnow()
    emails = list(session.scalars(
        select(OutboxEmail)
        .where(OutboxEmail.id.in_(ids), OutboxEmail.status == EmailStatus.PENDING, OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.id)
        .with_for_update(skip_locked=True)
    ))
    if not emails:
        return []
    attachments = []
    for email in emails:
        email.attempts += 1
        email.next_attempt_at = now + SEND_LEASE
        # Its documents are read and rendered now, while the session is open; the send comes after.
        attachments.append(resolve_attachments(session, email.attachments))
    end_before_outside_call(session)  # the claims stand on their own
    messages = [build_message(email, sender, files, mail_domain) for email, files in zip(emails, attachments, strict=True)]
    with transport.batch():
        outcomes = [_send(message, transport) for message in messages]  # the rows are written to once all are sent
    for email, outcome in zip(emails, outcomes, strict=True):
        if outcome.sent_at is not None:
            email.status = EMAIL_STATES.check(email.status, EmailStatus.SENT)
            email.sent_at = outcome.sent_at
            email.last_error = None
        else:
            _record_failure(email, outcome.error or "", permanent=outcome.permanent)
    session.flush()
    return emails


@dataclass(frozen=True)
class _Outcome:
    """What became of a message handed to the mail server: sent when, or the server's error."""

    sent_at: datetime | None = None
    error: str | None = None
    permanent: bool = False


def _send(message: EmailMessage, transport: MailTransport) -> _Outcome:
    try:
        transport.send(message)
    except smtplib.SMTPResponseException as exc:
        return _Outcome(error=f"{exc.smtp_code} {exc.smtp_error!r}", permanent=exc.smtp_code >= 500)
    except smtplib.SMTPRecipientsRefused as exc:
        return _Outcome(error=f"recipients refused: {exc.recipients}", permanent=True)
    except (OSError, smtplib.SMTPException) as exc:
        return _Outcome(error=f"{type(exc).__name__}: {exc}")
    return _Outcome(sent_at=utcnow())


def retry_delay(attempts: int) -> timedelta:
    """Back off exponentially after each failed attempt: 30 s, 1 min, 2 min, ... at most an hour."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), timedelta(hours=1))


def _record_failure(email: OutboxEmail, error: str, *, permanent: bool) -> None:
    email.last_error = error[:2000]
    if permanent or email.attempts >= MAX_ATTEMPTS:
        email.status = EMAIL_STATES.check(email.status, EmailStatus.FAILED)
    else:
        email.next_attempt_at = utcnow() + retry_delay(email.attempts)


def overdue_email_ids(session: Session, grace: timedelta, limit: int = 500) -> list[int]:
    """Return pending emails whose attempt was due more than ``grace`` ago: their task was lost."""
    return list(
        session.scalars(
            select(OutboxEmail.id)
            .where(
                OutboxEmail.status == EmailStatus.PENDING,
                OutboxEmail.next_attempt_at < utcnow() - grace,
            )
            .order_by(OutboxEmail.id)
            .limit(limit)
        )
    )
