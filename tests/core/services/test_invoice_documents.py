"""Invoices and credit notes as PDF documents in their issuer's brand (``core.services.invoice_documents``)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core.models.invoices import Invoice
from core.services.billing_profiles import billing_profile
from core.services.billing_run import run_billing
from core.services.branding import update_branding
from core.services.credit_notes import issue_credit_note
from core.services.invoice_documents import invoice_filename, invoice_pdf
from core.services.invoice_payments import record_invoice_payment
from tests.core.services.test_branding import JPEG, PNG


def _read(pdf: bytes) -> tuple[str, dict[str, str]]:
    """The document's text, its lines joined by spaces, and its metadata."""
    reader = PdfReader(BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return text, {key: str(value) for key, value in (reader.metadata or {}).items()}


@pytest.fixture
def invoiced(frozen_clock, db, shops, subscribe):
    """Harbour Dental's March invoice from Bright IT (3 seats at 14.38 EUR), and Bright IT's from Northwind,
    issued on 1 April; the clock then stands on 2 April."""

    def invoice(**profile: object) -> Invoice:
        for field, value in profile.items():
            setattr(billing_profile(db, shops["bright"]), field, value)
        subscribe("harbour", quantity=3)
        run_billing(db, date(2026, 4, 1))
        frozen_clock.advance(timedelta(days=31))
        return db.scalars(select(Invoice).where(Invoice.recipient_id == shops["harbour"].id)).one()

    return invoice


def test_an_invoice_shows_its_issuers_shop_its_lines_and_its_totals(db, actor_for, invoiced):
    update_branding(db, actor=actor_for("bright"), logo=PNG, values={
        "display_name": "Bright Cloud Shop", "contact_email": "help@bright-it.example",
        "contact_phone": "+44 20 7946 0321", "support_url": "https://bright-it.example/support"})
    invoice = invoiced(tax_name="VAT", tax_rate=Decimal(20))
    pdf = invoice_pdf(db, invoice)
    assert pdf.startswith(b"%PDF-")
    text, metadata = _read(pdf)
    assert text.startswith("Bright Cloud Shop help@bright-it.example +44 20 7946 0321 https://bright-it.example/support")
    assert "Invoice BRIGHT-000001 Issued 1 Apr 2026 Due 15 Apr 2026 For 1 Mar 2026 to 31 Mar 2026" in text
    assert "Billed to Harbour Dental" in text
    assert "Description Period Quantity Unit price Amount" in text
    assert "3 x Fake product Small 2 Mar 2026 to 2 Apr 2026 3 €14.38 €43.14" in text
    assert "Subtotal €43.14 VAT at 20 % €8.63 Total €51.77 Balance due €51.77" in text
    assert "Bright Cloud Shop · Invoice BRIGHT-000001 · Page 1 of 1" in text
    assert len(PdfReader(BytesIO(pdf)).pages[0].images) == 1  # the shop's logo
    assert metadata == {"/Title": "Invoice BRIGHT-000001 from Bright Cloud Shop", "/Author": "Bright Cloud Shop",
                        "/Creator": "Bright Cloud Shop", "/Producer": "Bright Cloud Shop",
                        "/CreationDate": "D:20260401000000Z"}
    assert invoice_pdf(db, invoice) == pdf  # the same invoice, the same document


def test_a_logo_that_cannot_be_drawn_leaves_the_shops_name_alone(db, actor_for, invoiced):
    update_branding(db, actor=actor_for("bright"), values={}, logo=JPEG)  # a JPEG by its first bytes, then nothing
    pdf = invoice_pdf(db, invoiced())
    assert _read(pdf)[0].startswith("Bright IT Invoice BRIGHT-000001")
    assert len(PdfReader(BytesIO(pdf)).pages[0].images) == 0


def test_a_resellers_customer_reads_its_reseller_alone(db, invoiced):
    invoice = invoiced()
    pdf = invoice_pdf(db, invoice)
    text, metadata = _read(pdf)
    for name in ("Northwind", "Cascade", "fpdf", "PyFPDF"):
        assert name.lower() not in text.lower()
        assert name.lower().encode() not in pdf.lower()
        assert all(name.lower() not in value.lower() for value in metadata.values())
    assert set(metadata) >= {"/Title", "/Author", "/Creator", "/Producer"}


def test_without_a_live_shop_the_issuer_goes_by_its_account_name(db, actor_for, close_bright, invoiced):
    update_branding(db, actor=actor_for("bright"), values={"display_name": "Bright Cloud Shop",
                                                           "contact_email": "help@bright.example"})
    close_bright()
    text, metadata = _read(invoice_pdf(db, invoiced()))
    assert text.startswith("Bright IT Invoice BRIGHT-000001")
    assert "Bright Cloud Shop" not in text and "help@bright.example" not in text
    assert metadata["/Author"] == "Bright IT"


def test_a_credit_note_says_so_and_names_the_invoice_it_corrects(db, actor_for, invoiced):
    invoice = invoiced()
    note = issue_credit_note(db, actor=actor_for("bright"), invoice_id=invoice.id, reason="A seat unused",
                             amount="14.38")
    text, metadata = _read(invoice_pdf(db, note))
    assert f"Credit note {note.number} Issued 2 Apr 2026 For 1 Mar 2026 to 31 Mar 2026" in text
    assert "It corrects invoice BRIGHT-000001 of 1 Apr 2026." in text
    assert "Credit on invoice BRIGHT-000001: A seat unused 1 -€14.38 -€14.38" in text
    assert "Subtotal -€14.38 Total -€14.38" in text and "Balance due" not in text
    assert metadata["/Title"] == f"Credit note {note.number} from Bright IT"
    corrected, _ = _read(invoice_pdf(db, invoice))
    assert f"Total €43.14 Credit note {note.number} -€14.38 Balance due €28.76" in corrected


def test_payments_recorded_lower_the_balance_due(db, actor_for, invoiced):
    invoice = invoiced()
    record_invoice_payment(db, actor=actor_for("bright"), invoice_id=invoice.id, method="bank_transfer",
                           reference="TR-42", amount="40.00", paid_on=date(2026, 4, 2))
    text, _ = _read(invoice_pdf(db, invoice))
    assert "Total €43.14 Paid 2 Apr 2026: Bank transfer TR-42 -€40.00 Balance due €3.14" in text


def test_a_reverse_charged_invoice_says_the_recipient_accounts_for_the_tax(db, shops, invoiced):
    shops["harbour"].tax_id, shops["bright"].tax_id = "GB123456789", "IE6388047V"
    invoice = invoiced(tax_name="VAT", tax_rate=Decimal(20), reverse_charge=True)
    assert invoice.reverse_charge
    shops["bright"].tax_id = "IE0000000X"  # changed since: the invoice keeps the numbers it was issued with
    text, _ = _read(invoice_pdf(db, invoice))
    assert "Tax id: IE6388047V" in text and "IE0000000X" not in text
    assert "Billed to Harbour Dental Tax id: GB123456789" in text
    assert "Subtotal €43.14 VAT: reverse charge €0.00 Total €43.14" in text
    assert "Reverse charge: the recipient accounts for the VAT." in text


def test_accented_greek_and_cyrillic_names_print(db, shops, invoiced):
    shops["harbour"].name = "Cabinet Zoë Lefèvre — Ωμέγα Привет"
    text, _ = _read(invoice_pdf(db, invoiced()))
    assert "Billed to Cabinet Zoë Lefèvre — Ωμέγα Привет" in text


def test_the_document_is_in_the_language_asked_for(db, invoiced):
    text, metadata = _read(invoice_pdf(db, invoiced(), "fr"))
    assert "Facture BRIGHT-000001" in text and "Facturé à Harbour Dental" in text
    assert "Sous-total 43,14 € Total 43,14 €" in text.replace("\xa0", " ").replace("\u202f", " ")
    assert "Page 1 sur 1" in text
    assert metadata["/Title"] == "Facture BRIGHT-000001 · Bright IT"


def test_its_file_is_named_for_its_number():
    assert invoice_filename(Invoice(number="BRIGHT-000042")) == "BRIGHT-000042.pdf"
    assert invoice_filename(Invoice(number="BIT/26-000001")) == "BIT-26-000001.pdf"
