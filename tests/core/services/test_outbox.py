import smtplib
from datetime import timedelta
from email import message_from_bytes, policy

import pytest

from core.errors import ValidationError
from core.mail import FileTransport, SMTPTransport
from core.models.outbox import EmailStatus
from core.services.outbox import MAX_ATTEMPTS, deliver_email, deliver_emails, overdue_email_ids, queue_email
from plugin_kit.testing import free_port

SENDER = "Cascade <no-reply@cascade.example>"
connect = smtplib.SMTP.connect


def _queue(db, **values):
    values = {"to": "ann@customer.example", "subject": "Your order", "text": "It is on its way.", **values}
    email = queue_email(db, **values)
    db.commit()
    return email


def test_an_email_is_delivered_over_smtp_in_the_sellers_name(db, smtp_server, frozen_clock):
    url, mailbox = smtp_server
    email = _queue(db, sender_name="Bright IT", reply_to="help@bright.example", html="<p>It is on its way.</p>")
    delivered = deliver_email(db, email.id, SMTPTransport(url), SENDER)
    assert delivered.status is EmailStatus.SENT
    assert delivered.sent_at == frozen_clock.now()
    (message,) = mailbox.wait_for(1)
    assert message["From"] == "Bright IT <no-reply@cascade.example>"
    assert message["To"] == "ann@customer.example"
    assert message["Reply-To"] == "help@bright.example"
    assert message["Subject"] == "Your order"
    assert message.get_body(("plain",)).get_content().strip() == "It is on its way."
    assert message.get_body(("html",)).get_content().strip() == "<p>It is on its way.</p>"


def test_delivering_twice_sends_once(db, smtp_server):
    url, mailbox = smtp_server
    email = _queue(db)
    assert deliver_email(db, email.id, SMTPTransport(url), SENDER) is not None
    assert deliver_email(db, email.id, SMTPTransport(url), SENDER) is None
    assert len(mailbox.wait_for(1)) == 1


def test_emails_delivered_together_are_each_sent_once_in_the_order_they_were_queued(db, smtp_server):
    url, mailbox = smtp_server
    received, ready, invoice = (_queue(db, subject=subject) for subject in ("Received", "Ready", "Invoice"))
    deliver_email(db, invoice.id, SMTPTransport(url), SENDER)  # one of them went out already
    delivered = deliver_emails(db, [invoice.id, ready.id, received.id, received.id], SMTPTransport(url), SENDER)
    assert delivered == [received, ready]
    assert deliver_emails(db, [received.id, ready.id], SMTPTransport(url), SENDER) == []  # delivered again: nothing
    assert [message["Subject"] for message in mailbox.wait_for(3)] == ["Invoice", "Received", "Ready"]
    assert {email.status for email in (received, ready, invoice)} == {EmailStatus.SENT}


def test_emails_delivered_together_share_one_connection_to_the_server(db, smtp_server, monkeypatch):
    url, mailbox = smtp_server
    connections = []

    def counted(client, *args, **kwargs):
        connections.append(args)
        return connect(client, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "connect", counted)
    emails = [_queue(db, subject=subject) for subject in ("Received", "Ready", "Invoice")]
    deliver_emails(db, [email.id for email in emails], SMTPTransport(url), SENDER)
    assert [message["Subject"] for message in mailbox.wait_for(3)] == ["Received", "Ready", "Invoice"]
    assert len(connections) == 1


def test_a_refused_email_leaves_the_others_of_its_batch_sent(db, smtp_server):
    url, mailbox = smtp_server
    refused, accepted = _queue(db, to="gone@customer.example"), _queue(db)
    handle_data = mailbox.handle_DATA

    async def refuse_gone(server, session, envelope):
        if envelope.rcpt_tos == ["gone@customer.example"]:
            return "550 No such user here"
        return await handle_data(server, session, envelope)

    mailbox.handle_DATA = refuse_gone
    deliver_emails(db, [refused.id, accepted.id], SMTPTransport(url), SENDER)
    assert (refused.status, accepted.status) == (EmailStatus.FAILED, EmailStatus.SENT)
    assert len(mailbox.wait_for(1)) == 1


def test_a_server_that_is_down_is_retried_with_backoff_then_given_up(db, frozen_clock):
    unreachable = SMTPTransport(f"smtp://127.0.0.1:{free_port()}", timeout=2)
    email = _queue(db)
    deliver_email(db, email.id, unreachable, SENDER)
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
    assert email.next_attempt_at == frozen_clock.now() + timedelta(seconds=30)
    assert "ConnectionRefusedError" in email.last_error
    assert deliver_email(db, email.id, unreachable, SENDER) is None  # not due again yet
    frozen_clock.advance(timedelta(seconds=30))
    deliver_email(db, email.id, unreachable, SENDER)
    assert email.next_attempt_at == frozen_clock.now() + timedelta(seconds=60)
    for _ in range(MAX_ATTEMPTS - 2):
        frozen_clock.advance(email.next_attempt_at - frozen_clock.now())
        deliver_email(db, email.id, unreachable, SENDER)
    assert (email.status, email.attempts) == (EmailStatus.FAILED, MAX_ATTEMPTS)


def test_a_permanent_refusal_fails_at_once(db, smtp_server):
    url, mailbox = smtp_server
    mailbox.refuse_with = "550 No such user here"
    email = _queue(db)
    deliver_email(db, email.id, SMTPTransport(url), SENDER)
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 1)
    assert "550" in email.last_error


def test_without_a_server_emails_are_written_as_eml_files(db, tmp_path):
    email = _queue(db, subject="Welcome aboard")
    deliver_email(db, email.id, FileTransport(tmp_path), SENDER)
    (path,) = tmp_path.glob("*.eml")
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Subject"] == "Welcome aboard"
    assert email.status is EmailStatus.SENT


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"to": "not-an-address"}, "to"),
        ({"subject": "Hi\r\nBcc: victim@example.com"}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"sender_name": "Evil\nBcc: x@example.com"}, "sender_name"),
        ({"reply_to": "nope"}, "reply_to"),
    ],
)
def test_bad_emails_are_refused_naming_the_field(db, values, field):
    with pytest.raises(ValidationError) as caught:
        queue_email(db, **{"to": "a@example.com", "subject": "Hi", "text": "x", **values})
    assert field in caught.value.fields


def test_overdue_emails_are_found_for_the_sweep(db, frozen_clock):
    email = _queue(db)
    assert email.id not in overdue_email_ids(db, timedelta(minutes=2))
    frozen_clock.advance(timedelta(minutes=3))
    assert email.id in overdue_email_ids(db, timedelta(minutes=2))
