"""Answering a ticket by email: the notification goes out over real SMTP, the answer comes back over real
SMTP, and ``cascade support receive-email`` takes it in as the mail server's pipe would."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from core.mail import SMTPTransport
from core.models.outbox import OutboxEmail
from core.models.support import TicketMessage
from core.reply_addresses import reply_addresses
from core.services.outbox import deliver_email
from core.services.tickets import add_message, get_ticket, open_ticket, thread

SENDER = "Cascade <no-reply@mail.example>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def answered(db, shops, actor_for, smtp_server):
    """Harbour Dental's request, answered by Bright IT, whose email reached Harbour's owner over SMTP."""
    url, mailbox = smtp_server
    ticket = open_ticket(db, actor=actor_for("harbour"), subject="Mail stopped", body="Since this morning.")
    add_message(db, actor=actor_for("bright"), ticket_id=ticket.id, body="Is it working now?")
    db.commit()
    email = db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == "owner@harbour.example")
                       .order_by(OutboxEmail.id.desc())).first()
    deliver_email(db, email.id, SMTPTransport(url), SENDER, "mail.example")
    db.commit()
    return ticket, mailbox.wait_for(1)[-1]


def send_reply(smtp_url, notification, *, sender="owner@harbour.example", to=None, attach=None):
    """Answer ``notification`` as a mail client does, through the SMTP server at ``smtp_url``."""
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = to or notification["Reply-To"]
    reply["Subject"] = f"Re: {notification['Subject']}"
    reply.set_content("Yes, all good, thank you!\n\nOn Monday, Bright IT wrote:\n> Is it working now?\n")
    if attach:
        reply.add_attachment(attach[1], maintype="image", subtype="png", filename=attach[0])
    host, port = smtp_url.removeprefix("smtp://").split(":")
    with smtplib.SMTP(host, int(port)) as smtp:
        smtp.send_message(reply)
    return reply["To"]


def pipe(runner, mailbox, index):
    """Hand the message the server received to the command, as Postfix's pipe transport does."""
    return runner.invoke(args=["support", "receive-email", "--recipient", mailbox.envelope_recipients[index][0]],
                         input=mailbox.messages[index].as_bytes())


def test_a_customers_email_answer_joins_its_ticket_without_the_quoted_text(db, runner, answered, actor_for,
                                                                           smtp_server):
    ticket, notification = answered
    url, mailbox = smtp_server
    assert notification["Reply-To"].endswith(f"@bright.{reply_addresses.mail_domain}")  # the shop's own mail domain
    send_reply(url, notification, attach=("screen.png", PNG))
    mailbox.wait_for(2)

    result = pipe(runner, mailbox, 1)

    assert result.exit_code == 0, result.output
    last = thread(db, get_ticket(db, actor_for("bright"), ticket.id))[-1]
    assert (last.body, last.source, last.author.email) == ("Yes, all good, thank you!", "email", "owner@harbour.example")
    assert [(file.filename, file.media_type) for file in last.attachments] == [("screen.png", "image/png")]


@pytest.mark.parametrize("forgery", ["signature", "sender"])
def test_a_forged_reply_address_or_sender_is_refused_and_stores_nothing(db, runner, answered, smtp_server, forgery,
                                                                        caplog):
    ticket, notification = answered
    url, mailbox = smtp_server
    address = notification["Reply-To"]
    if forgery == "signature":
        local, domain = address.split("@")
        send_reply(url, notification, to=f"{local[:-1]}{'0' if local[-1] != '0' else '1'}@{domain}")
    else:
        send_reply(url, notification, sender="owner@maple.example")
    mailbox.wait_for(2)
    before = db.scalar(select(func.count(TicketMessage.id)))

    result = pipe(runner, mailbox, 1)

    assert result.exit_code == 67 and "answers no ticket" in result.output
    assert db.scalar(select(func.count(TicketMessage.id))) == before
    assert "refused" in caplog.text


def test_an_answer_with_a_disguised_file_bounces_with_the_reason(db, runner, answered, smtp_server):
    ticket, notification = answered
    url, mailbox = smtp_server
    send_reply(url, notification, attach=("photo.png", b"MZ\x90\x00 a program"))
    mailbox.wait_for(2)

    result = pipe(runner, mailbox, 1)

    assert result.exit_code == 65 and "photo.png is not a file we accept" in result.output
