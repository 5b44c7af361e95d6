"""A month of a seller's invoices as CSV for its accounting (``core.services.accounting_export``)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from core.models.invoices import Invoice
from core.services.accounting_export import XERO_COLUMNS, ExportLayout, export_invoices
from core.services.billing_profiles import billing_profile
from core.services.billing_run import run_billing
from core.services.credit_notes import issue_credit_note


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_the_xero_layout_has_its_template_columns_and_a_row_per_line(frozen_clock, db, demo, subscribe):
    profile = billing_profile(db, demo["bright"])
    profile.tax_name, profile.tax_rate = "VAT", Decimal("20")
    subscribe("harbour", quantity=3)
    subscribe("maple")
    run_billing(db, date(2026, 4, 1))
    text = export_invoices(db, issuer=demo["bright"], period_start=date(2026, 3, 1), account_code="4000")
    assert text.splitlines()[0].split(",") == list(XERO_COLUMNS)
    rows = _rows(text)
    assert [(row["*ContactName"], row["*InvoiceNumber"], row["*InvoiceDate"], row["*DueDate"], row["Total"],
             row["*Description"], row["*Quantity"], row["*UnitAmount"], row["*AccountCode"], row["*TaxType"],
             row["TaxAmount"], row["Currency"]) for row in rows] == [
        ("Harbour Dental", "BRIGHT-000001", "01/04/2026", "15/04/2026", "51.77", "3 x Fake product Small", "3",
         "14.38", "4000", "20% (VAT on Income)", "8.63", "EUR"),
        ("Maple Bakery", "BRIGHT-000002", "01/04/2026", "15/04/2026", "17.26", "Fake product Small", "1",
         "14.38", "4000", "20% (VAT on Income)", "2.88", "EUR"),
    ]
    assert export_invoices(db, issuer=demo["bright"], period_start=date(2026, 2, 1)).splitlines() == [
        ",".join(XERO_COLUMNS)]  # a month with no invoice: the header alone


def test_the_plain_layout_has_every_field_with_iso_dates(frozen_clock, db, demo, subscribe):
    subscription = subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    (row,) = _rows(export_invoices(db, issuer=demo["bright"], period_start=date(2026, 3, 1), layout=ExportLayout.PLAIN))
    assert {key: row[key] for key in ("number", "recipient", "status", "issued_on", "due_on", "subtotal", "tax",
                                      "total", "line_kind", "subscription_id", "unit_price", "amount")} == {
        "number": "BRIGHT-000001", "recipient": "Harbour Dental", "status": "open", "issued_on": "2026-04-01",
        "due_on": "2026-04-15", "subtotal": "14.38", "tax": "0.00", "total": "14.38", "line_kind": "recurring",
        "subscription_id": str(subscription.id), "unit_price": "14.38", "amount": "14.38"}


def test_a_credit_note_is_exported_with_negative_amounts_naming_the_invoice_it_corrects(frozen_clock, db, demo,
                                                                                        actor_for, subscribe):
    subscribe("harbour", quantity=3)
    run_billing(db, date(2026, 4, 1))
    invoice = db.scalars(select(Invoice).where(Invoice.number == "BRIGHT-000001")).one()
    issue_credit_note(db, actor=actor_for("bright"), invoice_id=invoice.id, reason="wrong seats")
    rows = _rows(export_invoices(db, issuer=demo["bright"], period_start=date(2026, 3, 1)))
    assert [(row["*InvoiceNumber"], row["Reference"], row["Total"], row["*Quantity"], row["*UnitAmount"])
            for row in rows] == [
        ("BRIGHT-000001", "March 2026", "43.14", "3", "14.38"),
        ("BRIGHT-000002", "Credit note for BRIGHT-000001", "-43.14", "3", "-14.38"),  # 3 x -14.38 is its line
    ]
    plain = _rows(export_invoices(db, issuer=demo["bright"], period_start=date(2026, 3, 1), layout=ExportLayout.PLAIN))
    assert [(row["credited_invoice"], row["unit_price"], row["amount"]) for row in plain] == [
        ("", "14.38", "43.14"), ("BRIGHT-000001", "-14.38", "-43.14")]
