"""A customer's invoices on the shop, in the shop's name alone (``storefront.invoices``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from core.models.invoices import Invoice
from core.models.people import Team
from core.services.billing_profiles import billing_profile
from core.services.billing_run import run_billing
from core.services.credit_notes import issue_credit_note
from core.services.people import add_member, create_user
from plugin_kit.testing import text_of
from tests.storefront.conftest import BRIGHT

PASSWORD = "a long enough password"


def _invoiced(db, subscribe):
    subscribe("harbour", quantity=3)
    subscribe("maple")
    run_billing(db, date(2026, 4, 1))
    return {invoice.recipient.slug: invoice for invoice in db.scalars(select(Invoice))}


def test_a_customer_reads_its_invoices_from_the_shop_and_nothing_names_anyone_above_it(
        frozen_clock, client, db, shops, subscribe, shop_sign_in):
    invoiced = _invoiced(db, subscribe)
    shop_sign_in()
    home = text_of(client.get("/", base_url=BRIGHT))
    assert "Invoices" in home  # in the navigation of someone who may see billing
    listed = text_of(client.get("/invoices", base_url=BRIGHT))
    assert f"{invoiced['harbour'].number} March 2026 15 Apr 2026 €43.14 To pay" in listed
    assert invoiced["maple"].number not in listed

    page = client.get(f"/invoices/{invoiced['harbour'].id}", base_url=BRIGHT)
    text = text_of(page)
    assert "Issued by Bright IT Billed to Harbour Dental For 1 Mar 2026 to 31 Mar 2026" in text
    assert "3 x Fake product Small 2 Mar 2026 to 2 Apr 2026 3 €14.38 €43.14" in text
    assert "Subtotal €43.14 Total €43.14" in text
    assert "Northwind" not in page.get_data(as_text=True)

    client.get("/language/fr", base_url=BRIGHT)
    french = text_of(client.get(f"/invoices/{invoiced['harbour'].id}", base_url=BRIGHT))
    assert f"Facture {invoiced['harbour'].number}" in french and "Émise par Bright IT" in french
    assert "Sous-total 43,14 € Total 43,14 €" in french.replace("\xa0", " ").replace("\u202f", " ")
    assert "3 × Fake product Small du 2 mars 2026" in french  # the line, as the platform wrote it, in French too


def test_a_customer_downloads_its_invoice_as_a_pdf_in_the_shops_name_and_language(
        frozen_clock, client, db, shops, subscribe, shop_sign_in):
    invoice = _invoiced(db, subscribe)["harbour"]
    path = f"/invoices/{invoice.id}/pdf"
    assert client.get(path, base_url=BRIGHT).status_code == 302  # to sign in first
    shop_sign_in()
    page = client.get(f"/invoices/{invoice.id}", base_url=BRIGHT)
    assert f'<a href="{path}" download>Download PDF</a>' in page.get_data(as_text=True)
    pdf = client.get(path, base_url=BRIGHT)
    assert (pdf.status_code, pdf.mimetype) == (200, "application/pdf")
    assert pdf.headers["Content-Disposition"] == f"attachment; filename={invoice.number}.pdf"
    text = PdfReader(BytesIO(pdf.data)).pages[0].extract_text()
    assert text.startswith("Bright IT") and f"Invoice {invoice.number}" in text and "Harbour Dental" in text
    assert "Northwind" not in text and b"Northwind" not in pdf.data

    client.get("/language/fr", base_url=BRIGHT)
    assert "Télécharger le PDF" in text_of(client.get(f"/invoices/{invoice.id}", base_url=BRIGHT))
    french = PdfReader(BytesIO(client.get(path, base_url=BRIGHT).data)).pages[0].extract_text()
    assert f"Facture {invoice.number}" in french and "Facturé à" in french
    assert "3 × Fake product Small" in french


def test_another_accounts_invoice_is_not_found(frozen_clock, client, db, shops, subscribe, shop_sign_in):
    invoiced = _invoiced(db, subscribe)
    shop_sign_in()
    for other in ("maple", "bright"):  # a neighbour's, and the one the shop itself received
        assert client.get(f"/invoices/{invoiced[other].id}", base_url=BRIGHT).status_code == 404
        assert client.get(f"/invoices/{invoiced[other].id}/pdf", base_url=BRIGHT).status_code == 404


def test_a_member_who_may_not_see_billing_has_no_invoices(client, db, demo, shops, shop_sign_in):
    team = Team(account=demo["harbour"], name="Buyers", permissions=["purchase"])
    db.add(team)
    add_member(db, team, create_user(db, email="buyer@harbour.example", name="Buyer", password=PASSWORD))
    db.commit()
    shop_sign_in("buyer@harbour.example", PASSWORD)
    assert "Invoices" not in text_of(client.get("/", base_url=BRIGHT))
    assert client.get("/invoices", base_url=BRIGHT).status_code == 403


def test_a_credit_note_shows_beside_the_invoice_it_corrects(frozen_clock, client, db, shops, subscribe, shop_sign_in,
                                                             actor_for):
    invoiced = _invoiced(db, subscribe)
    note = issue_credit_note(db, actor=actor_for("bright"), invoice_id=invoiced["harbour"].id, reason="A seat unused",
                             amount="14.38")
    db.commit()
    shop_sign_in()
    listed = text_of(client.get("/invoices", base_url=BRIGHT))
    assert f"{note.number} (credit note) March 2026" in listed and "-€14.38" in listed
    page = text_of(client.get(f"/invoices/{note.id}", base_url=BRIGHT))
    assert f"Credit note {note.number} It takes its amounts off an invoice of yours. See that invoice" in page


def test_a_reverse_charged_invoice_shows_both_tax_numbers_and_says_who_accounts_for_the_tax(
        frozen_clock, client, db, demo, shops, subscribe, shop_sign_in):
    profile = billing_profile(db, demo["bright"])
    profile.tax_name, profile.tax_rate, profile.reverse_charge = "VAT", Decimal(20), True
    demo["bright"].tax_id, demo["harbour"].tax_id = "IE6388047V", "FR40303265045"
    invoice = _invoiced(db, subscribe)["harbour"]
    shop_sign_in()
    text = text_of(client.get(f"/invoices/{invoice.id}", base_url=BRIGHT))
    assert "Issued by Bright IT Tax id: IE6388047V Billed to Harbour Dental Tax id: FR40303265045" in text
    assert "Subtotal €43.14 VAT: reverse charge €0.00 Total €43.14" in text
    assert "Reverse charge: the recipient accounts for the VAT." in text
