"""Values written for people the same way in every app, in the request's language (``web.formatting``)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale

from core.models.catalog import Product
from core.models.subscriptions import Subscription
from core.money import Money
from web.formatting import changed_value, day, moment, money, per_unit, units

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(("locale", "written"), [("en", "€0.13"), ("fr", "0,13\xa0€")])
def test_money_is_rounded_half_up_as_core_money_rounds_it_then_written_in_the_locale(locale, written):
    with force_locale(locale):
        assert money(Money(Decimal("0.125"), "EUR")) == written  # Babel alone would round half-even: 0.12


def test_a_stored_amount_is_written_in_its_currency_and_nothing_is_written_for_no_price():
    assert money(Decimal("1234.5"), "USD") == "$1,234.50"
    assert money(Decimal("7"), "JPY") == "¥7"
    assert money(None) == ""


@pytest.mark.parametrize(("locale", "date", "time"), [("en", "2 Mar 2026", "2 Mar 2026, 09:30 UTC"),
                                                      ("fr", "2 mars 2026", "2 mars 2026, 09:30 UTC")])
def test_dates_and_times_are_written_alike_in_each_language(locale, date, time):
    with force_locale(locale):
        assert (day(WHEN), moment(WHEN)) == (date, time)


def test_a_products_units_are_counted_in_its_plugins_words_whatever_names_the_product(db, plans):
    seats = db.get(Product, plans["microsoft-365/business-basic"].product_id)
    with force_locale("fr"):
        assert (units(1, seats), units(3, seats), per_unit(seats)) == ("1 siège", "3 sièges", "par siège")
    assert (units(1, seats), units(1000, seats), per_unit(seats)) == ("1 seat", "1,000 seats", "per seat")
    gone = Product(key="gone", plugin="gone", name="Gone", description="", unit="gizmo", translations={})
    assert units(2, gone) == "2 × gizmo" and per_unit(gone) == "per gizmo"  # its plugin is uninstalled: no words left


def test_a_plan_in_a_subscriptions_history_is_named_in_the_request_s_language(db, plans):
    yearly = plans["web-hosting/starter-yearly"]
    hosting = Subscription(product=yearly.product, plan=yearly, currency="EUR")
    with force_locale("fr"):
        assert changed_value("plan", yearly.name, hosting) == "Starter annuel"
        assert changed_value("plan", "A plan since renamed", hosting) == "A plan since renamed"
    assert changed_value("plan", yearly.name, hosting) == "Starter yearly"
    assert changed_value("unit_price", "4.99", hosting) == "€4.99"
