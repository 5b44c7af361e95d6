"""A month of a seller's invoices as CSV for its accounting (``core.services.accounting_export``)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from core.services.accounting_export import XERO_COLUMNS, ExportLayout, export_invoices
from core.services.billing_profiles import billing_profile
from core.services.billing_run import run_billing


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
