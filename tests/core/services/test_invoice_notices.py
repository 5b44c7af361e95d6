"""Each issued invoice is emailed once to its recipient's billing people, in the issuer's name
(``core.services.invoice_notices``)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from core.mail import SMTPTransport
from core.models.invoices import Invoice
from core.models.outbox import OutboxEmail
from core.models.people import Team
from core.services.billing_run import run_billing
from core.services.credit_notes import issue_credit_note
from core.services.invoice_notices import announce_all
from core.services.outbox import deliver_email
from core.services.people import add_member, create_user


def _emails(db, subject_start):
    return db.scalars(select(OutboxEmail).where(OutboxEmail.subject.startswith(subject_start))
                      .order_by(OutboxEmail.to_address)).all()


def test_an_invoice_is_emailed_once_to_the_people_who_see_billing_in_the_shops_name(frozen_clock, db, demo, shops,
                                                                                      subscribe):
    for name, permissions in (("Accounts", ["view_billing"]), ("Buyers", ["purchase"])):
        team = Team(account=demo["harbour"], name=name, permissions=permissions)
        db.add(team)
        add_member(db, team, create_user(db, email=f"{name.lower()}@harbour.example", name=name,
                                         password="a long enough password"))
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    assert announce_all(db) >= 2
    assert announce_all(db) == 0  # once
    emails = _emails(db, "Invoice BRIGHT-000001")
    addresses = {email.to_address for email in emails}
    assert {"accounts@harbour.example", "owner@harbour.example"} <= addresses  # the owners, and billing's people
    assert "buyers@harbour.example" not in addresses
    email = emails[0]
    assert email.sender_name == "Bright IT" and email.subject == "Invoice BRIGHT-000001 from Bright IT"
    assert "Bright IT has issued invoice BRIGHT-000001 to Harbour Dental for March 2026: €14.38. " \
           "It is due by 15 Apr 2026." in email.text_body
    assert "http://bright.shop.localhost:5000/invoices/" in email.text_body  # on its shop, not the back office
    assert "Northwind" not in email.text_body and "/bss/" not in email.text_body
    to_reseller = {email.to_address: email for email in _emails(db, "Invoice NORTHWIND-")}["owner@bright.example"]
    assert "/bss/invoices/" in to_reseller.text_body  # a reseller reads its invoices in the back office


def test_a_credit_note_is_announced_as_one(frozen_clock, db, demo, actor_for, subscribe):
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    announce_all(db)
    invoice = db.scalars(select(Invoice).where(Invoice.recipient_id == demo["harbour"].id)).one()
    note = issue_credit_note(db, actor=actor_for("bright"), invoice_id=invoice.id, reason="Never used")
    assert announce_all(db) == 1
    (email,) = [email for email in _emails(db, f"Credit note {note.number}") if email.to_address == "owner@harbour.example"]
    assert f"Bright IT has issued credit note {note.number} to Harbour Dental: it takes €14.38 off invoice " \
           f"{invoice.number}." in email.text_body


def test_the_email_arrives_with_the_invoice_attached_as_a_pdf_in_the_shops_name(frozen_clock, db, shops, subscribe,
                                                                                 smtp_server):
    url, mailbox = smtp_server
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    announce_all(db)
    db.commit()
    (email,) = [email for email in _emails(db, "Invoice BRIGHT-000001") if email.to_address == "owner@harbour.example"]
    deliver_email(db, email.id, SMTPTransport(url), "Cascade <no-reply@cascade.example>")
    (message,) = mailbox.wait_for(1)
    assert "Bright IT has issued invoice BRIGHT-000001" in message.get_body(("plain",)).get_content()
    (attached,) = message.iter_attachments()
    assert (attached.get_content_type(), attached.get_filename()) == ("application/pdf", "BRIGHT-000001.pdf")
    pdf = attached.get_content()
    assert pdf.startswith(b"%PDF-")
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert "Invoice BRIGHT-000001" in text and "Harbour Dental" in text and "Bright IT" in text
    assert "Northwind" not in text and b"Northwind" not in pdf
