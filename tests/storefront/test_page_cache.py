"""Visitors' pages kept a few seconds: the same page for every visitor, never a page of someone's own."""

from __future__ import annotations

from core.services.branding import update_branding
from storefront.page_cache import LIFETIME_SECONDS
from tests.storefront.conftest import BRIGHT


def test_a_visitor_without_a_session_gets_the_kept_page_for_one_indexed_read(client, shops, selects):
    first = client.get("/products", base_url=BRIGHT)
    assert first.status_code == 200 and LIFETIME_SECONDS <= 60
    selects.clear()
    again = client.get("/products", base_url=BRIGHT)
    assert again.get_data() == first.get_data()
    [select] = selects
    assert select.split() == ["SELECT", "storefronts.updated_at", "FROM", "storefronts", "WHERE", "storefronts.id", "=",
                              select.split()[-1]]  # the stamp, by primary key, and nothing else
    assert again.headers["Content-Type"] == "text/html; charset=utf-8"
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert again.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_new_branding_and_a_closed_shop_show_at_once(client, db, shops, actor_for, close_bright):
    client.get("/products", base_url=BRIGHT)
    update_branding(db, actor=actor_for("bright"), values={"display_name": "Bright Cloud"})
    db.commit()
    assert "<title>Products · Bright Cloud</title>" in client.get("/products", base_url=BRIGHT).get_data(as_text=True)
    close_bright()
    closed = client.get("/products", base_url=BRIGHT)
    assert closed.status_code == 404 and "This shop is closed" in closed.get_data(as_text=True)


def test_each_language_and_address_has_its_own_page(client, shops):
    english = client.get("/products", base_url=BRIGHT).get_data(as_text=True)
    french = client.get("/products", base_url=BRIGHT, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en">' in english and '<html lang="fr">' in french
    assert "<title>Bright IT</title>" in client.get("/", base_url=BRIGHT).get_data(as_text=True)


def test_a_visitor_with_a_cart_or_signed_in_gets_a_page_of_their_own(client, shops, fake_catalog, add_to_cart,
                                                                  shop_sign_in):
    client.get("/products", base_url=BRIGHT)
    add_to_cart(fake_catalog["small"])
    assert 'class="cart-count"' in client.get("/products", base_url=BRIGHT).get_data(as_text=True)
    shop_sign_in()
    assert "Prices for Harbour Dental" in client.get("/products", base_url=BRIGHT).get_data(as_text=True)


def test_no_kept_page_holds_a_visitors_form_token(client, shops):
    client.get("/sign-up", base_url=BRIGHT)  # the visitor's session now holds a form token
    client.get("/products", base_url=BRIGHT)
    cache = client.application.wsgi_app.storefronts.extensions["page_cache"]
    for page in cache.pages.values():
        assert b'name="csrf_token"' not in page.body
