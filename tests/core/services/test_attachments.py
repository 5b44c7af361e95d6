"""An email's documents are attached when it is sent; one that cannot be had never holds the email back
(``core.services.attachments``)."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy import select

from core.mail import SMTPTransport
from core.models.invoices import Invoice
from core.models.outbox import EmailStatus
from core.services import attachments
from core.services.billing_run import run_billing
from core.services.outbox import deliver_email, queue_email

SENDER = "Bright IT <no-reply@cascade.example>"


@pytest.fixture
def invoice_id(frozen_clock, db, demo, subscribe):
    """Harbour Dental's March invoice from Bright IT."""
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    return db.scalar(select(Invoice.id).where(Invoice.recipient_id == demo["harbour"].id))


def _send(db, url, references):
    email = queue_email(db, to="owner@harbour.example", subject="Your invoice", text="See it online.",
                        attachments=references)
    db.commit()
    return deliver_email(db, email.id, SMTPTransport(url), SENDER)


def test_a_reference_that_names_no_document_is_left_out_and_the_email_goes(db, smtp_server, caplog):
    url, mailbox = smtp_server
    with caplog.at_level(logging.WARNING, logger=attachments.__name__):
        sent = _send(db, url, ["invoice:987654321", "invoice:first", "receipt:1"])
    assert sent.status is EmailStatus.SENT
    (message,) = mailbox.wait_for(1)
    assert list(message.iter_attachments()) == []
    assert message.get_body(("plain",)).get_content().strip() == "See it online."
    logged = caplog.text
    assert "'invoice:987654321' names no document" in logged and "'receipt:1' names no document" in logged


def test_a_document_that_fails_to_render_is_left_out_and_the_email_goes(db, smtp_server, caplog, invoice_id,
                                                                         monkeypatch):
    url, mailbox = smtp_server

    def broken(session, invoice, locale="en"):
        raise ValueError("a font went missing")

    monkeypatch.setattr(attachments, "invoice_pdf", broken)
    with caplog.at_level(logging.WARNING, logger=attachments.__name__):
        assert _send(db, url, [f"invoice:{invoice_id}"]).status is EmailStatus.SENT
    (message,) = mailbox.wait_for(1)
    assert list(message.iter_attachments()) == []
    assert f"'invoice:{invoice_id}' could not be rendered" in caplog.text
