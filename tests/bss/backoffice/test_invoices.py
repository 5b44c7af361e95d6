"""Invoices in the back office: those an account sent and received, each as a document, and how it invoices."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from core.models.accounts import Account
from core.models.audit import AuditEvent
from core.models.invoices import BillingProfile, Invoice
from core.services.billing_run import run_billing
from core.services.dunning import run_dunning
from plugin_kit.testing import main_of, text_of
from tests.bss.backoffice.conftest import sign_out


def test_a_reseller_sees_what_it_invoiced_and_what_it_was_invoiced(frozen_clock, client, db, login_as, subscribe):
    subscribe("harbour", quantity=3)
    run_billing(db, date(2026, 4, 1))
    login_as("owner@bright.example")
    listed = text_of(client.get("/bss/invoices"))
    assert "BRIGHT-000001 Bright IT Harbour Dental March 2026 15 Apr 2026 Open €43.14" in listed
    assert "NORTHWIND-000001 Northwind Distribution Bright IT March 2026 15 Apr 2026 Open €34.50" in listed
    sent = text_of(client.get("/bss/invoices?direction=sent"))
    assert "BRIGHT-000001" in sent and "NORTHWIND-000001" not in sent

    invoice = db.scalars(select(Invoice).where(Invoice.number == "BRIGHT-000001")).one()
    response = client.get(f"/bss/invoices/{invoice.id}")
    assert "<title>Invoice BRIGHT-000001 · Northwind Distribution</title>" in response.get_data(as_text=True)
    page = text_of(response)
    assert "From Bright IT To Harbour Dental For 1 Mar 2026 to 31 Mar 2026 Issued 1 Apr 2026 Due 15 Apr 2026" in page
    assert "3 x Fake product Small" in page and "2 Mar 2026 to 2 Apr 2026 3 €14.38 €43.14" in page
    assert "Subtotal €43.14 Total €43.14" in page


def test_an_invoice_downloads_as_a_pdf_from_its_page(frozen_clock, client, db, login_as, subscribe):
    subscribe("harbour", quantity=3)
    run_billing(db, date(2026, 4, 1))
    invoice = db.scalars(select(Invoice).where(Invoice.number == "BRIGHT-000001")).one()
    login_as("owner@bright.example")  # its issuer; its recipient reads it on the shop
    page = client.get(f"/bss/invoices/{invoice.id}")
    assert f'<a href="/bss/invoices/{invoice.id}/pdf" download>Download PDF</a>' in page.get_data(as_text=True)
    pdf = client.get(f"/bss/invoices/{invoice.id}/pdf")
    assert (pdf.status_code, pdf.mimetype) == (200, "application/pdf")
    assert pdf.headers["Content-Disposition"] == "attachment; filename=BRIGHT-000001.pdf"
    text = PdfReader(BytesIO(pdf.data)).pages[0].extract_text()
    assert "Invoice BRIGHT-000001" in text and "3 x Fake product Small" in text
    sign_out(client)
    login_as("owner@corner.example")
    assert client.get(f"/bss/invoices/{invoice.id}/pdf").status_code == 404


def test_an_invoice_between_others_is_not_found(frozen_clock, client, db, login_as, subscribe):
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    invoice = db.scalars(select(Invoice).where(Invoice.number == "BRIGHT-000001")).one()
    login_as("owner@corner.example")
    assert client.get(f"/bss/invoices/{invoice.id}").status_code == 404
    assert "BRIGHT-000001" not in text_of(client.get("/bss/invoices"))


def test_a_seller_sets_how_it_invoices_and_the_next_invoices_follow(frozen_clock, client, db, demo, login_as, post,
                                                                     subscribe):
    login_as("owner@bright.example")
    assert "BRIGHT-000001" in text_of(client.get("/bss/payments/settings"))  # the defaults
    saved = post("/bss/payments/invoicing", {"invoice_prefix": "bit/26-", "tax_name": "VAT", "tax_rate": "20",
                                             "payment_terms_days": "30", "reminder_days": "12 5",
                                             "suspend_after_days": "20", "reverse_charge": "on",
                                             "customer_cycle": "first"})
    assert saved.status_code == 302
    assert db.scalar(select(AuditEvent.action).where(AuditEvent.action == "billing_profile.changed"))
    profile = db.scalars(select(BillingProfile).where(BillingProfile.account_id == demo["bright"].id)).one()
    assert (profile.reminder_days, profile.suspend_after_days, profile.reverse_charge) == ([5, 12], 20, True)
    settings = client.get("/bss/payments/settings").get_data(as_text=True)
    assert 'value="5, 12"' in settings and 'value="20"' in settings
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    invoice = db.scalars(select(Invoice).where(Invoice.recipient_id == demo["harbour"].id)).one()
    assert (invoice.number, str(invoice.total), invoice.due_on) == ("BIT/26-000001", "17.26 EUR", date(2026, 5, 1))
    assert "VAT at 20 % €2.88" in text_of(client.get(f"/bss/invoices/{invoice.id}"))


def test_bad_invoicing_settings_are_refused_by_field_and_change_nothing(client, db, demo, login_as, post):
    login_as("owner@bright.example")
    refused = post("/bss/payments/invoicing", {"invoice_prefix": "no spaces", "tax_name": "", "tax_rate": "120",
                                               "payment_terms_days": "-1", "reminder_days": "3, 3",
                                               "suspend_after_days": "0"})
    assert refused.status_code == 422
    page = text_of(refused)
    for message in ("Invoice numbers: Use 1 to 20 letters", "Tax name: Name the tax", "Tax rate: Give a percentage",
                    "Payment terms: Give a whole number of days", "Reminders: Give up to 6 different days",
                    "Suspension: Give a whole number of days past the due date after the last reminder, from 1"):
        assert message in page
    assert db.scalar(select(BillingProfile).where(BillingProfile.account_id == demo["bright"].id)) is None


def test_the_issuer_records_payments_until_the_invoice_is_paid(frozen_clock, client, db, demo, login_as, post,
                                                                 subscribe):
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    invoice = db.scalars(select(Invoice).where(Invoice.recipient_id == demo["harbour"].id)).one()
    login_as("owner@bright.example")
    refused = post(f"/bss/invoices/{invoice.id}/payments", {"method": "bank_transfer", "reference": "",
                                                             "amount": "10", "paid_on": "2026-03-02"})
    assert refused.status_code == 422 and "Reference: Give the payment's reference" in text_of(refused)
    first = post(f"/bss/invoices/{invoice.id}/payments", {"method": "bank_transfer", "reference": "TR-1",
                                                           "amount": "10", "paid_on": "2026-03-02"})
    assert first.status_code == 302
    page = text_of(client.get(f"/bss/invoices/{invoice.id}"))
    assert "Payment recorded: €4.38 is still due on invoice BRIGHT-000001." in page
    assert "2 Mar 2026 Bank transfer TR-1 €10.00 Owner at Bright" in page
    post(f"/bss/invoices/{invoice.id}/payments", {"method": "bank_transfer", "reference": "TR-2", "amount": "4.38",
                                                  "paid_on": "2026-03-02"})
    page = text_of(client.get(f"/bss/invoices/{invoice.id}"))
    assert "Invoice BRIGHT-000001 is paid." in page and "Record the payment" not in page


def test_a_seller_downloads_a_month_of_the_invoices_it_sent(frozen_clock, client, db, login_as, subscribe):
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    login_as("owner@bright.example")
    assert 'value="2026-02"' in client.get("/bss/invoices").get_data(as_text=True)  # last month, by default
    download = client.get("/bss/invoices/export?period=2026-03&layout=xero")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"] == 'attachment; filename="invoices-bright-2026-03-xero.csv"'
    text = download.get_data(as_text=True)
    assert "BRIGHT-000001" in text and "NORTHWIND-000001" not in text  # what it sent, not what it received
    assert client.get("/bss/invoices/export?period=March").status_code == 422


def test_the_issuer_issues_a_credit_note_from_the_invoice_page(frozen_clock, client, db, demo, login_as, post,
                                                                 subscribe):
    subscribe("harbour", quantity=3)
    run_billing(db, date(2026, 4, 1))
    invoice = db.scalars(select(Invoice).where(Invoice.recipient_id == demo["harbour"].id)).one()
    login_as("owner@bright.example")
    refused = post(f"/bss/invoices/{invoice.id}/credit-notes", {"reason": "Too much", "credit_amount": "100"})
    assert refused.status_code == 422
    assert "Amount to credit: Give an amount above zero and at most €43.14" in text_of(refused)
    issued = post(f"/bss/invoices/{invoice.id}/credit-notes", {"reason": "A seat was never used",
                                                                "credit_amount": "14.38"})
    assert issued.status_code == 302
    note_page = text_of(client.get(issued.location))
    assert "Credit note BRIGHT-000002 is issued for €14.38." in note_page
    assert "Credit on invoice BRIGHT-000001: A seat was never used" in note_page and "Record the payment" not in note_page
    page = text_of(client.get(f"/bss/invoices/{invoice.id}"))
    assert "Corrected by credit note BRIGHT-000002 (-€14.38)." in page and "Still due: €28.76" in page


def test_the_issuer_reads_on_the_invoice_how_far_dunning_went(frozen_clock, client, db, demo, login_as, subscribe):
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    invoice = db.scalars(select(Invoice).where(Invoice.recipient_id == demo["harbour"].id)).one()
    run_dunning(db, date(2026, 5, 9))
    db.commit()
    login_as("owner@bright.example")
    page = " ".join(client.get(f"/bss/invoices/{invoice.id}").get_data(as_text=True).split())
    assert "Reminded</dt><dd>3 times since it fell due" in page
    assert "Suspended for it</dt><dd>what Harbour Dental pays you for, since" in page


def _numbers_listed(client, **query) -> list[str]:
    """The invoice numbers the list shows, in its order."""
    response = client.get("/bss/invoices", query_string=query)
    assert response.status_code == 200
    return re.findall(r"\b[A-Z]+-\d{6}\b", main_of(response))


def test_the_list_sorts_both_ways_searches_and_keeps_its_filters(frozen_clock, client, db, login_as, subscribe):
    subscribe("harbour", quantity=3)
    subscribe("maple")
    subscribe("solo")  # Northwind's own customer: its invoice is none of Bright IT's business
    run_billing(db, date(2026, 4, 1))
    login_as("owner@bright.example")
    newest_first = _numbers_listed(client)
    assert sorted(newest_first) == ["BRIGHT-000001", "BRIGHT-000002", "NORTHWIND-000001"]
    assert _numbers_listed(client, sort="invoice", dir="asc") == list(reversed(newest_first))
    by_total = [invoice.number for invoice in db.scalars(
        select(Invoice).where(Invoice.number.in_(newest_first)).order_by(Invoice.total_amount))]
    assert _numbers_listed(client, sort="total") == by_total
    assert _numbers_listed(client, sort="total", dir="desc") == list(reversed(by_total))
    to_harbour, to_maple = (db.scalars(select(Invoice.number).join(Account, Account.id == Invoice.recipient_id)
                                       .where(Account.slug == slug)).one() for slug in ("harbour", "maple"))
    assert _numbers_listed(client, sort="to") == ["NORTHWIND-000001", to_harbour, to_maple]  # Bright IT, Harbour, Maple
    assert "Newest first." in main_of(client.get("/bss/invoices"))
    assert "Newest first." not in main_of(client.get("/bss/invoices?sort=to"))

    assert _numbers_listed(client, q="bakery") == [to_maple]
    assert _numbers_listed(client, q="northwind-") == ["NORTHWIND-000001"]
    assert _numbers_listed(client, q="northwind", direction="sent") == []
    assert "No invoices match." in main_of(client.get("/bss/invoices?q=solo"))
    html = client.get("/bss/invoices?direction=sent&status=open").get_data(as_text=True)
    assert 'aria-sort="descending"' in html
    assert 'href="/bss/invoices?direction=sent&amp;status=open&amp;sort=to&amp;dir=asc"' in html
    assert 'href="/bss/invoices?direction=sent&amp;status=open&amp;sort=invoice&amp;dir=asc"' in html

    sign_out(client)
    login_as("admin@northwind.example")
    assert len(_numbers_listed(client, q="solo")) == 1


def test_the_list_pages_say_where_they_are_and_go_back_and_forth(frozen_clock, client, db, demo, login_as):
    for n in range(1, 56):  # a month each, from January 2020
        month = date(2020 + (n - 1) // 12, (n - 1) % 12 + 1, 1)
        db.add(Invoice(issuer=demo["bright"], recipient=demo["harbour"], number=f"HARBOUR-{n:06d}", currency="EUR",
                       period_start=month, period_end=month.replace(day=28), issued_on=month, due_on=month,
                       tax_name="Tax", tax_rate=0, subtotal_amount=n, tax_amount=0, total_amount=n))
    db.commit()
    login_as("owner@bright.example")
    first = client.get("/bss/invoices?direction=sent")
    assert "1–50 of 55" in main_of(first) and 'rel="prev"' not in first.get_data(as_text=True)
    assert "HARBOUR-000055" in main_of(first) and "HARBOUR-000005" not in main_of(first)
    assert 'rel="next" href="/bss/invoices?direction=sent&amp;page=2"' in first.get_data(as_text=True)
    second = client.get("/bss/invoices?direction=sent&page=2")
    assert "51–55 of 55" in main_of(second)
    assert _numbers_listed(client, direction="sent", page=2) == [f"HARBOUR-{n:06d}" for n in (5, 4, 3, 2, 1)]
    assert 'rel="prev" href="/bss/invoices?direction=sent"' in second.get_data(as_text=True)
    assert _numbers_listed(client, direction="sent", sort="total", dir="desc", page=2) == _numbers_listed(
        client, direction="sent", page=2)

    sign_out(client)
    login_as("owner@corner.example")
    assert "HARBOUR-" not in main_of(client.get("/bss/invoices?q=harbour"))
