"""Kept catalogs: a signed-in customer's catalog is priced once per version of its prices, and never shows an old one."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, text

from core.clock import utcnow
from core.models.catalog import Plan, Product
from core.models.prices import PriceList, PriceListKind
from core.services.catalog_cache import CatalogCache, kept_catalog
from core.services.orders import LineRequest, place_order
from core.services.price_lists import (
    create_price_list,
    remove_price,
    set_markup,
    set_plan_hidden,
    set_price,
    set_product_offered,
)
from plugin_kit.testing import free_port, text_of
from tests.fakes import FakeProduct
from tests.storefront.conftest import BRIGHT

#: What Harbour Dental, Bright IT's customer, pays for the fake product: Bright IT's wholesale cost (Northwind's
#: 11.50 and 115.00 EUR) and its 25 % markup.
SMALL = "Small €14.38 per widget · a month"
LARGE = "Large 30-day trial €143.75 per widget · a year"


def _catalog(client) -> str:
    page = client.get("/products", base_url=BRIGHT)
    assert page.status_code == 200
    return text_of(page)


def _list(db, seller, kind=PriceListKind.RETAIL) -> PriceList:
    return db.scalar(select(PriceList).where(PriceList.seller_id == seller.id, PriceList.kind == kind,
                                             PriceList.audience == "all"))


def _bright_price(db, shops, fake):
    set_price(db, price_list=_list(db, shops["bright"]), plan=fake["small"], by=None, unit_price="13.00")
    return ["Small €13.00 per widget · a month", LARGE], []


def _bright_price_removed(db, shops, fake):
    business_basic = db.scalar(select(Plan).where(Plan.code == "business-basic"))
    remove_price(db, price_list=_list(db, shops["bright"]), plan=business_basic, by=None)  # its own 7.50 EUR: now marked up
    return ["Business Basic €7.34 per seat"], ["Business Basic €7.50 per seat"]


def _bright_markup(db, shops, fake):
    set_markup(db, price_list=_list(db, shops["bright"]), by=None, markup_percent="50")
    return ["Small €17.25 per widget · a month", "Large 30-day trial €172.50 per widget · a year"], [SMALL]


def _wholesale_price(db, shops, fake):
    wholesale = _list(db, shops["northwind"], PriceListKind.WHOLESALE)
    set_price(db, price_list=wholesale, plan=fake["small"], by=None, unit_price="12.00", volume_tiers=[(10, "11.00")])
    return ["Small €15.00 per widget · a month", LARGE], [SMALL]


def _own_list(db, shops, fake):
    own = create_price_list(db, seller=shops["bright"], by=None, kind=PriceListKind.RETAIL, name="Harbour",
                            currency="EUR", buyer=shops["harbour"])
    set_price(db, price_list=own, plan=fake["small"], by=None, unit_price="9.99")
    return ["Small €9.99 per widget · a month"], ["Large"]


def _resellers_tier(db, shops, fake):
    gold = create_price_list(db, seller=shops["northwind"], by=None, kind=PriceListKind.WHOLESALE, name="Gold",
                             currency="EUR", tier="gold")
    set_price(db, price_list=gold, plan=fake["small"], by=None, unit_price="8.00")
    db.commit()
    shops["bright"].tier = "gold"
    return ["Small €10.00 per widget · a month"], ["Large"]


def _plan_hidden(db, shops, fake):
    set_plan_hidden(db, distributor=shops["northwind"], plan=fake["small"], hidden=True, by=None)
    return [LARGE], ["Small"]


def _product_withdrawn(db, shops, fake):
    product = db.scalar(select(Product).where(Product.key == FakeProduct.key))
    set_product_offered(db, distributor=shops["northwind"], product=product, offered=False, by=None)
    return [], ["Fake product", "Small", "Large"]


def _plan_retired(db, shops, fake):
    fake["large"].retired_at = utcnow()  # as `cascade catalog sync` retires a plan its plugin stopped declaring
    return [SMALL], ["Large"]


def _plan_renamed(db, shops, fake):
    fake["small"].name = "Compact"
    return ["Compact €14.38 per widget · a month"], ["Small"]


@pytest.mark.parametrize("change", [
    _bright_price, _bright_price_removed, _bright_markup, _wholesale_price, _own_list, _resellers_tier, _plan_hidden,
    _product_withdrawn, _plan_retired, _plan_renamed,
], ids=lambda change: change.__name__.strip("_"))
def test_every_change_to_a_price_shows_at_once_on_the_signed_in_catalog(client, db, shops, fake_catalog, shop_sign_in,
                                                                        change):
    shop_sign_in()
    before = _catalog(client)
    assert SMALL in before and LARGE in before and "Business Basic €7.50 per seat" in before
    assert _catalog(client) == before  # now kept

    shown, gone = change(db, shops, fake_catalog)
    db.commit()

    after = _catalog(client)
    assert all(text in after for text in shown), after
    assert not any(text in after for text in gone), after


def test_a_change_in_one_sellers_list_leaves_the_others_catalogs_kept(db, shops, fake_catalog, selects):
    kept = CatalogCache()
    northwind, bright, harbour = shops["northwind"], shops["bright"], shops["harbour"]
    kept_catalog(db, kept, bright, harbour)
    kept_catalog(db, kept, northwind, None)
    set_price(db, price_list=_list(db, bright), plan=fake_catalog["small"], by=None, unit_price="13.00")
    db.commit()

    selects.clear()
    assert kept_catalog(db, kept, northwind, None).prices  # Northwind's own customers' prices did not change
    assert len(selects) == 1  # the stamps, and nothing to resolve again
    assert kept_catalog(db, kept, bright, harbour).prices[fake_catalog["small"].id].unit_price.amount == Decimal("13.00")


def test_an_order_is_priced_from_the_lists_never_from_the_kept_catalog(client, db, shops, fake_catalog, shop_sign_in,
                                                                      actor_for):
    shop_sign_in()
    assert SMALL in _catalog(client)
    # A change the stamps cannot see (straight into the table): the kept catalog cannot know of it, the order does.
    db.execute(text("UPDATE price_lists SET markup_percent = 50 WHERE id = :id"), {"id": _list(db, shops["bright"]).id})
    db.expire_all()

    order = place_order(db, actor=actor_for("harbour"), payment_method="card",
                        lines=[LineRequest(fake_catalog["small"].id)])

    assert order.lines[0].unit_amount == Decimal("17.25")


def test_an_order_placed_right_after_a_price_change_pays_the_new_price(client, db, shops, fake_catalog, shop_sign_in,
                                                                     actor_for):
    shop_sign_in()
    assert SMALL in _catalog(client)
    set_price(db, price_list=_list(db, shops["bright"]), plan=fake_catalog["small"], by=None, unit_price="13.00")
    db.commit()

    order = place_order(db, actor=actor_for("harbour"), payment_method="card",
                        lines=[LineRequest(fake_catalog["small"].id)])

    assert order.lines[0].unit_amount == Decimal("13.00")
    assert "Small €13.00 per widget · a month" in _catalog(client)


def test_processes_share_what_they_resolve_through_redis(db, shops, fake_catalog, test_settings, selects):
    broker = test_settings["broker_url"]
    if urlsplit(broker).scheme not in ("redis", "rediss"):
        pytest.skip("the suite's broker is not Redis (CASCADE_TEST_BROKER_URL)")
    one, other = CatalogCache(broker), CatalogCache(broker)
    bright, harbour = shops["bright"], shops["harbour"]
    resolved = kept_catalog(db, one, bright, harbour)

    selects.clear()
    shared = kept_catalog(db, other, bright, harbour)
    assert shared.prices == resolved.prices and [plan.id for plan in shared.plans] == [plan.id for plan in resolved.plans]
    assert len(selects) == 2  # the stamps, then the plans to show: no list resolved again

    set_price(db, price_list=_list(db, bright), plan=fake_catalog["small"], by=None, unit_price="13.00")
    db.commit()
    assert kept_catalog(db, other, bright, harbour).prices[fake_catalog["small"].id].unit_price.amount == Decimal("13.00")


def test_one_kept_catalog_is_written_in_each_viewers_language(client, shops, fake_catalog, shop_sign_in):
    shop_sign_in()
    assert SMALL in _catalog(client)
    client.get("/language/fr", base_url=BRIGHT)
    french = _catalog(client)
    assert "Small 14,38 € par widget · par mois" in french
    assert "Large Essai de 30 jours 143,75 € par widget · par an" in french


def test_with_redis_away_the_catalog_is_resolved_here(db, shops, fake_catalog, caplog):
    away = CatalogCache(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    prices = kept_catalog(db, away, shops["bright"], shops["harbour"]).prices
    assert prices[fake_catalog["small"].id].unit_price.amount == Decimal("14.38")
    assert "Redis unavailable" in caplog.text
