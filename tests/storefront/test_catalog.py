"""The shop's catalog: the viewer's own retail prices, plans compared side by side, reseller plans for resellers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models.prices import PriceList, PriceListKind
from core.models.storefronts import Storefront
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.services.price_lists import create_price_list, set_price
from plugin_kit.testing import text_of
from plugin_kit.testing.app import serving
from tests.storefront.conftest import BRIGHT, NORTHWIND

#: Bright IT's wholesale cost of the fake product's plans (Northwind's list); its customers never see these.
BRIGHT_WHOLESALE = ("Small €11.50", "Large €115.00", "From €11.50 per widget")


def test_a_visitor_sees_the_resellers_retail_prices_never_its_wholesale(client, shops, fake_catalog):
    for path in ("/", "/products", "/products/fake-product"):
        page = text_of(client.get(path, base_url=BRIGHT))
        assert not any(price in page for price in BRIGHT_WHOLESALE), path
    assert "€11.50" not in text_of(client.get("/products/fake-product", base_url=BRIGHT))
    products = text_of(client.get("/products", base_url=BRIGHT))
    # Bright IT's markup: its wholesale cost + 25 %.
    assert "Small €14.38 per widget · a month" in products and "Large 30-day trial €143.75 per widget · a year" in products
    # Its own prices, set by hand.
    assert "Microsoft 365 Business Basic €7.50 per seat · a month" in products
    assert "Starter €4.99 per package · a month" in products


def test_the_home_shows_each_products_lowest_price(client, shops, fake_catalog):
    page = text_of(client.get("/", base_url=BRIGHT))
    assert "Fake product A product that exists only in tests. From €14.38 per widget · a month Small Large" in page


def test_a_signed_in_customer_sees_exactly_what_it_would_pay(client, db, shops, plans, shop_sign_in):
    # Bright IT gives Harbour Dental a list of its own: one plan, at its own price, and nothing else.
    own = create_price_list(db, seller=shops["bright"], by=None, kind=PriceListKind.RETAIL, name="Harbour",
                            currency="EUR", buyer=shops["harbour"])
    set_price(db, price_list=own, plan=plans["microsoft-365/business-basic"], by=None, unit_price="6.90")
    db.commit()
    visitor = text_of(client.get("/products/microsoft-365", base_url=BRIGHT))
    assert "€7.50" in visitor and "€6.90" not in visitor and "Microsoft 365 Business Standard" in visitor

    shop_sign_in()
    harbour = text_of(client.get("/products/microsoft-365", base_url=BRIGHT))
    assert "€6.90" in harbour and "€7.50" not in harbour
    # A plan with no price for the buyer is not offered to it at all.
    assert "Microsoft 365 Business Standard" not in harbour
    assert client.get("/products/web-hosting", base_url=BRIGHT).status_code == 404
    assert "Web hosting" not in text_of(client.get("/products", base_url=BRIGHT))


def test_plans_are_compared_side_by_side(client, db, shops, fake_catalog):
    bright_prices = db.scalar(select(PriceList).where(PriceList.seller_id == shops["bright"].id))
    set_price(db, price_list=bright_prices, plan=fake_catalog["small"], by=None, unit_price="14.00", setup_fee="25.00")
    db.commit()
    page = text_of(client.get("/products/fake-product", base_url=BRIGHT))
    assert ("Small €14.00 per widget · a month Billed Monthly Commitment None: stop when you like Free trial No trial "
            "Setup fee €25.00 Widgets Not included") in page
    assert ("Large €143.75 per widget · a year Billed Yearly Commitment None: stop when you like "
            "Free trial 30 days free Setup fee None Widgets 100") in page
    assert page.count("Add to cart") == 2


def test_an_unknown_product_or_one_not_offered_here_is_a_404(client, shops):
    assert client.get("/products/no-such-product", base_url=BRIGHT).status_code == 404
    assert client.get("/products/reseller-plan", base_url=BRIGHT).status_code == 404


def test_reseller_plans_are_for_resellers_on_the_distributors_storefront(client, shops, shop_sign_in):
    # A visitor of the distributor's shop sees its direct customers' prices (cost + 40 %), and no reseller plan.
    visitor = text_of(client.get("/products", base_url=NORTHWIND))
    assert "Microsoft 365 Business Basic €7.14 per seat" in visitor
    assert "Reseller plan" not in visitor
    assert client.get("/products/reseller-plan", base_url=NORTHWIND).status_code == 404

    # A customer of a reseller's shop never sees them either, signed in or not.
    shop_sign_in()
    assert "Reseller plan" not in text_of(client.get("/products", base_url=BRIGHT))

    # A reseller signed in on its distributor's shop sees them, and everything else, at its wholesale prices.
    shop_sign_in("owner@corner.example", base=NORTHWIND)
    page = text_of(client.get("/products/reseller-plan", base_url=NORTHWIND))
    assert "Basic Your plan €0.00" in page and "You are on this plan." in page
    assert "Free €0.00 per licence · a month" in page and "Standard €49.00 per licence · a month" in page
    assert "Own storefront ✓ Included" in page and "Custom domain Not included" in page
    assert page.count("Add to cart") == 2  # not for the plan it is on
    assert "Microsoft 365 Business Basic €5.87 per seat" in text_of(client.get("/products", base_url=NORTHWIND))


def test_the_kept_product_cards_show_what_the_buyer_holds_at_once(client, db, shops, shop_sign_in):
    shop_sign_in("owner@corner.example", base=NORTHWIND)
    held = text_of(client.get("/products", base_url=NORTHWIND))
    assert "Basic Your plan €0.00" in held
    assert text_of(client.get("/products", base_url=NORTHWIND)) == held  # now kept

    basic = db.scalar(select(Subscription).where(Subscription.owner_id == shops["corner"].id,
                                                 Subscription.plan.has(code="basic")))
    basic.status = SubscriptionStatus.CANCELLED  # no price changes: the cards must tell by themselves
    db.commit()
    page = text_of(client.get("/products", base_url=NORTHWIND))
    assert "Basic €0.00" in page and "Your plan" not in page


def test_a_plan_the_buyer_may_not_buy_yet_says_why(client, db, shops, plans, shop_sign_in, add_to_cart):
    northwind = shops["northwind"]
    northwind.service_manager_active = False
    db.commit()
    shop_sign_in("owner@corner.example", base=NORTHWIND)
    page = text_of(client.get("/products/reseller-plan", base_url=NORTHWIND))
    assert "You cannot order this plan yet: Northwind Distribution has not activated the Service Manager." in page
    assert "Add to cart" not in page
    refused = add_to_cart(plans["reseller-plan/free"], base=NORTHWIND)
    assert refused.status_code == 422 and "Your cart is empty." in text_of(client.get("/cart", base_url=NORTHWIND))


def test_the_catalog_wears_the_shops_chosen_theme(client, db, shops):
    storefront = db.scalar(select(Storefront).where(Storefront.account_id == shops["bright"].id))
    storefront.theme = "harbour"
    db.commit()
    for path, price in (("/", "€4.89"), ("/products", "€7.50"), ("/products/microsoft-365", "€7.50")):
        page = client.get(path, base_url=BRIGHT).get_data(as_text=True)
        assert "Georgia" in page and price in page, path  # harbour's serif type, Bright IT's prices


def test_names_and_prices_follow_the_visitors_language(client, shops):
    page = text_of(client.get("/products", base_url=BRIGHT, headers={"Accept-Language": "fr"}))
    assert "Hébergement web" in page and "4,99 €" in page



def test_the_catalog_is_served_while_another_worker_holds_the_database_write_lock(app, client, demo_database):
    """The catalog's pages only read (``web.database.reads_only``): on SQLite, where every other transaction takes
    the write lock first, they do not wait for a writer, so the pages of all workers are served side by side."""
    engine = demo_database.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("a lock of SQLite's: PostgreSQL readers never wait for writers")
    app.wsgi_app.storefronts.extensions["page_cache"].clear()  # rendered, not a kept page
    with serving(app, engine), engine.connect() as writer:
        writer.exec_driver_sql("SELECT 1")  # BEGIN IMMEDIATE: the write lock, held until the rollback
        try:
            home, products = client.get("/", base_url=NORTHWIND), client.get("/products", base_url=NORTHWIND)
        finally:
            writer.rollback()
    assert (home.status_code, products.status_code) == (200, 200)
    assert "Microsoft 365 Business Basic" in text_of(products)
