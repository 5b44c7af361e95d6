"""The back office names what it sells in the reader's language and its codes in words: products, themes,
charge kinds, billing periods and markups, and the invoice documents it hands out."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from core.models.accounts import Account
from core.models.invoices import Invoice
from core.services.billing_run import run_billing
from core.services.pricing import price_list_for
from plugin_kit.testing import main_of, post_form, text_of

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def test_the_catalog_names_and_describes_products_in_french(client, demo, login_as):
    login_as("admin@northwind.example")
    page = main_of(client.get("/bss/catalog", headers=FRENCH))
    assert "Sauvegarde en ligne (en vente) Des sauvegardes hors site" in page
    assert "Retirer Sauvegarde en ligne de la vente Offres du produit Sauvegarde en ligne" in page
    assert "Offres du produit Nom de domaine" in page
    assert "Cloud backup" not in page and "Domain name" not in page


def test_a_price_list_and_the_order_form_name_products_in_french(client, db, demo, login_as):
    login_as("owner@bright.example")
    price_list = main_of(client.get(f"/bss/prices/{price_list_for(db, demo['harbour']).id}", headers=FRENCH))
    assert "Coffre 100 Go (Sauvegarde en ligne)" in price_list  # the plan's own name and its product's, in French
    assert "Cloud backup" not in price_list and "Vault 100 GB" not in price_list
    order_form = client.get("/bss/orders/new", headers=FRENCH).get_data(as_text=True)
    assert '<optgroup label="Sauvegarde en ligne">' in order_form and '<optgroup label="Hébergement web">' in order_form
    assert '<optgroup label="Cloud backup">' not in order_form


def test_an_invoice_downloaded_from_the_french_back_office_is_in_french(frozen_clock, client, db, login_as, subscribe):
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    invoice = db.scalar(select(Invoice).where(Invoice.number == "BRIGHT-000001"))
    login_as("owner@bright.example")
    pdf = client.get(f"/bss/invoices/{invoice.id}/pdf", headers=FRENCH)
    text = PdfReader(BytesIO(pdf.data)).pages[0].extract_text()
    assert "Facture BRIGHT-000001" in text and "Échéance 15 avr. 2026" in text and "Invoice" not in text


def test_the_charges_waiting_for_an_invoice_say_their_kind_in_words(client, demo, login_as, subscribe):
    subscribe("harbour")
    login_as("owner@bright.example")
    page = main_of(client.get(f"/bss/accounts/{demo['harbour'].id}", headers=FRENCH))
    charges = page.split("Frais de sa prochaine facture")[1]
    assert "Récurrent" in charges and "recurring" not in charges


def test_the_storefront_page_names_themes_and_billing_periods_in_french(client, shops, login_as):
    login_as("owner@bright.example")
    page = main_of(client.get("/bss/storefront", headers=FRENCH))
    assert "Habiller votre boutique du thème Par défaut La présentation sobre dont partent tous les thèmes" in page
    assert "Harbour Un grand bandeau en couleur" in page and "A tall coloured masthead" not in page
    assert "Prix 0,00 € par mois 0,00 € par mois 49,00 € par mois" in page


def test_a_markdown_says_how_much_less_than_the_cost(client, db, demo, login_as, post):
    login_as("owner@bright.example")
    price_list = price_list_for(db, demo["harbour"])
    assert post(f"/bss/prices/{price_list.id}/markup", {"markup_percent": "-5"}).status_code == 302
    page = main_of(client.get(f"/bss/prices/{price_list.id}"))
    assert "plans without a price of their own cost 5 % less than your cost" in page


def test_the_new_account_form_opens_as_it_is_first_shown(client, db, demo, login_as):
    login_as("admin@northwind.example")
    form = client.get("/bss/accounts").get_data(as_text=True).split('id="open-account"')[1]
    kind = re.search(r'<option value="(\w+)" selected>', form)
    assert kind and kind[1] == "customer"
    reselling = re.search(r'<input type="checkbox" id="new-reselling" name="reselling_enabled"\s*(checked)?>', form)
    assert reselling and not reselling[1]
    opened = post_form(client, "/bss/accounts", {"kind": kind[1], "name": "Quay Cafe", "slug": "quay"})
    assert opened.status_code == 302, text_of(opened)
    assert db.scalar(select(Account.kind).where(Account.slug == "quay")) == "customer"


def test_a_plan_reads_in_the_language_its_plugin_names_it_in(client, db, demo, login_as):
    login_as("owner@bright.example")
    english = main_of(client.get("/bss/orders/new")).replace("\xa0", " ")
    french = main_of(client.get("/bss/orders/new", headers=FRENCH)).replace("\xa0", " ")
    assert "Starter yearly" in english and "Starter annuel" not in english
    assert "Starter annuel" in french and "Starter yearly" not in french
    assert "Microsoft 365 Business Basic, engagement mensuel" in french
