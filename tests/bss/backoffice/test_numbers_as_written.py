"""A person types amounts in the back office as their language writes numbers, and reads them back so: "4,99" in
French, "4.99" in English; a dot decimal is read in every language, and the API keeps its dot decimals."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from core.models.invoices import BillingProfile
from core.models.prices import PriceEntry, VolumeTier
from core.services.orders import LineRequest, place_order
from core.services.pricing import price_list_for
from plugin_kit.testing import text_of

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


@pytest.fixture
def bright_list(db, demo):
    """Bright IT's retail list, which has no price of its own for Business Premium (its cost: 21.51)."""
    return price_list_for(db, demo["harbour"])


def _entry(db, price_list, plan):
    db.expire_all()
    return db.scalar(select(PriceEntry).where(PriceEntry.price_list_id == price_list.id, PriceEntry.plan_id == plan.id))


def _text(html_text):
    """Some of a page's text as a person reads it: no tags, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", html_text)).split())


def test_a_french_seller_types_a_price_with_a_decimal_comma_and_reads_it_back_so(client, db, login_as, post, plans,
                                                                                bright_list):
    login_as("owner@bright.example")
    premium = plans["microsoft-365/business-premium"]
    saved = post(f"/bss/prices/{bright_list.id}/prices", {"plan_id": premium.id, "unit_price": "24,99",
                                                          "setup_fee": "1\u00a0000,50", "volume_tiers": "10: 23,50"},
                 headers=FRENCH)
    assert saved.status_code == 302
    entry = _entry(db, bright_list, premium)
    assert (str(entry.unit_price), str(entry.setup_fee)) == ("24.9900", "1000.5000")
    assert [(tier.min_quantity, str(tier.unit_price)) for tier in db.scalars(select(VolumeTier))
            if tier.entry_id == entry.id] == [(10, "23.5000")]

    page = client.get(f"/bss/prices/{bright_list.id}?plan={premium.id}", headers=FRENCH).get_data(as_text=True)
    row = _text(re.search(rf'<tr id="plan-{premium.id}">.*?</tr>', page, re.DOTALL).group(0)).replace("\u202f", " ")
    assert "24,99 € (fixé ici) frais de mise en service 1 000,50 € à partir de 10 unités : 23,50 € 3,48 € 13,9 %" in row
    assert 'name="unit_price" required inputmode="decimal" size="10" value="24,99"' in page
    assert 'name="setup_fee" inputmode="decimal" size="10" value="1000,50"' in page
    assert "4,99" in page and "4.99" not in page  # the example of a price, and Starter's price, are French


def test_the_set_price_form_in_english_is_as_it_always_was(client, login_as, plans, bright_list):
    login_as("owner@bright.example")
    page = client.get(f"/bss/prices/{bright_list.id}?plan={plans['web-hosting/starter'].id}", headers=ENGLISH)
    written = page.get_data(as_text=True)
    assert 'name="unit_price" required inputmode="decimal" size="10" value="4.99"' in written
    assert "such as 4.99" in text_of(page) and "such as 10: 4.50" in text_of(page)
    assert "€7.50 (set here) €1.63 21.7 %" in text_of(page)


def test_a_comma_english_does_not_write_so_is_refused_and_nothing_is_saved(client, db, login_as, post, plans,
                                                                          bright_list):
    login_as("owner@bright.example")
    premium = plans["microsoft-365/business-premium"]
    refused = post(f"/bss/prices/{bright_list.id}/prices", {"plan_id": premium.id, "unit_price": "1,5"}, headers=ENGLISH)
    assert refused.status_code == 422
    assert "Unit price: '1,5' is not a number." in text_of(refused)
    assert _entry(db, bright_list, premium) is None


@pytest.mark.parametrize("browser", [FRENCH, ENGLISH])
def test_a_dot_decimal_is_read_in_every_language(client, db, login_as, post, plans, bright_list, browser):
    login_as("owner@bright.example")
    premium = plans["microsoft-365/business-premium"]
    saved = post(f"/bss/prices/{bright_list.id}/prices", {"plan_id": premium.id, "unit_price": "24.99"}, headers=browser)
    assert saved.status_code == 302 and str(_entry(db, bright_list, premium).unit_price) == "24.9900"


def test_the_api_reads_dot_decimals_whatever_language_its_caller_asks_for(api_as, db, plans, bright_list):
    premium = plans["microsoft-365/business-premium"]
    response = api_as("bright").open("PUT", f"/api/v1/price-lists/{bright_list.id}/prices/{premium.id}",
                                     json={"unit_price": "24.99"}, headers=FRENCH)
    assert response.status_code == 200
    entry = next(entry for entry in response.json["entries"] if entry["plan_id"] == str(premium.id))
    assert entry["unit_price"] == {"amount": "24.99", "currency": "EUR"}


def test_a_payment_to_confirm_is_filled_in_and_typed_in_french(client, db, demo, fake_catalog, login_as, post, actor_for):
    demo["bright"].payment_confirmation_methods = ["bank_transfer"]
    order = place_order(db, actor=actor_for("harbour"), owner_id=demo["harbour"].id, payment_method="bank_transfer",
                        lines=[LineRequest(fake_catalog["small"].id)])
    db.commit()
    login_as("owner@bright.example")
    page = client.get(f"/bss/orders/{order.id}", headers=FRENCH).get_data(as_text=True)
    assert 'name="amount" required inputmode="decimal" size="10" value="14,38"' in page
    confirmed = post(f"/bss/orders/{order.id}/confirm-payment",
                     {"method": "bank_transfer", "reference": "TR-1", "amount": "14,38"}, headers=FRENCH)
    assert confirmed.status_code == 302


def test_a_french_tax_rate_is_read_and_filled_back_in_french_and_refused_in_english(client, db, demo, login_as, post):
    login_as("owner@bright.example")
    form = {"invoice_prefix": "BRIGHT-", "tax_name": "TVA", "tax_rate": "8,875 %", "payment_terms_days": "14",
            "reminder_days": "3, 10, 17", "suspend_after_days": "24", "customer_cycle": "first"}
    refused = post("/bss/payments/invoicing", form, headers=ENGLISH)
    assert refused.status_code == 422
    assert "Tax rate: Give a percentage from 0 to 100, with at most 4 decimals, such as 20 or 8.875." in text_of(refused)

    assert post("/bss/payments/invoicing", form, headers=FRENCH).status_code == 302
    profile = db.scalars(select(BillingProfile).where(BillingProfile.account_id == demo["bright"].id)).one()
    assert str(profile.tax_rate) == "8.8750"
    settings = client.get("/bss/payments/settings", headers=FRENCH).get_data(as_text=True)
    assert 'id="tax_rate" name="tax_rate" inputmode="decimal" size="8" value="8,875"' in settings
