"""Visitors' pages kept a few seconds: the same page for every visitor, never a page of someone's own."""

from __future__ import annotations

from datetime import timedelta

from core.services.branding import update_branding
from core.services.price_lists import set_price
from core.services.pricing import price_list_for
from storefront import views
from storefront.page_cache import LIFETIME_SECONDS
from tests.storefront.conftest import BRIGHT
from web.csrf import csrf_token


def _cache(client):
    return client.application.wsgi_app.storefronts.extensions["page_cache"]


def _reprice(db, shops, plans, amount):
    """Bright IT changes what Business Basic costs a new customer (7.50 EUR in the demo)."""
    bright_retail = price_list_for(db, shops["harbour"])
    set_price(db, price_list=bright_retail, plan=plans["microsoft-365/business-basic"], by=None, unit_price=amount)
    db.commit()


def _page(client, path="/products"):
    return client.get(path, base_url=BRIGHT).get_data(as_text=True)


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
    assert again.headers["X-Frame-Options"] == "DENY"


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


def test_a_visitor_with_a_form_token_gets_kept_pages_but_never_one_holding_the_token(client, db, shops, plans,
                                                                                  monkeypatch):
    _page(client, "/sign-up")  # the visitor opens the sign-up form: its session now holds a form token
    _page(client)  # Flask-Login marks the session not fresh on the next page, which is then the visitor's own
    assert "€7.50" in _page(client)
    _reprice(db, shops, plans, "3.90")  # now Microsoft 365's "from" price on the home page too
    assert "€7.50" in _page(client), "the catalog was kept, and is served again to a visitor with a session"

    tokens = []

    def with_a_form(template, **context):  # as a theme whose home page holds a newsletter form
        tokens.append(csrf_token())
        form = f'<form method="post" action="/newsletter"><input type="hidden" name="csrf_token" value="{tokens[-1]}"></form>'
        return render(template, **context) + form

    render = views.render_page
    monkeypatch.setattr(views, "render_page", with_a_form)
    assert "€3.90" in _page(client, "/")
    _reprice(db, shops, plans, "3.70")
    assert "€3.70" in _page(client, "/"), "the page holding the visitor's token was rendered for the visitor alone"
    kept = _cache(client).pages
    assert [path for _host, path, *_ in kept] == ["/products"]
    assert tokens and all(token.encode() not in page.body for page in kept.values() for token in tokens)


def test_a_price_change_reaches_visitors_within_30_seconds(client, db, shops, plans, frozen_clock, monkeypatch):
    monkeypatch.setattr(_cache(client), "clock", lambda: frozen_clock.now().timestamp())
    assert "€7.50" in _page(client)
    _reprice(db, shops, plans, "7.90")
    frozen_clock.advance(timedelta(seconds=29))
    assert "€7.50" in _page(client) and "€7.90" not in _page(client)  # the kept page
    frozen_clock.advance(timedelta(seconds=1))
    assert "€7.90" in _page(client)
