"""Prices cascade down the tree: each buyer is priced from its own seller's lists."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event, select

from core.errors import PermissionDeniedError, ValidationError
from core.models.accounts import AccountKind
from core.models.catalog import BillingPeriod, Plan, Product
from core.models.people import User
from core.models.prices import PriceListKind
from core.money import Money
from core.plugins import product_types
from core.products import PlanSpec
from core.services.catalog import sync_catalog
from core.services.price_lists import (
    below_cost_prices,
    create_price_list,
    remove_price,
    set_plan_hidden,
    set_price,
    set_product_offered,
)
from core.services.pricing import price_list_for, resolve_prices
from tests.fakes import FakeProduct

EUR = "EUR"
PLAN_COUNT = 200


def price(db, buyer, plan, quantity=1):
    resolved = resolve_prices(db, buyer, [plan], quantity).get(plan.id)
    return resolved.unit_price if resolved else None


def test_catalog_sync_keeps_the_vendors_cost_price(plans):
    assert plans["microsoft-365/business-basic"].cost_price == Money("5.10", EUR)
    assert plans["reseller-plan/standard"].cost_price is None


def test_a_reseller_pays_wholesale_rounded_half_up_once(db, demo, plans):
    # 5.10 x 1.15 = 5.865, rounded half-up to 5.87
    assert price(db, demo["bright"], plans["microsoft-365/business-basic"]) == Money("5.87", EUR)
    assert price(db, demo["bright"], plans["reseller-plan/standard"]) == Money("49.00", EUR)


@pytest.mark.parametrize(
    ("quantity", "expected", "source"),
    [(1, "5.87", "list"), (9, "5.87", "list"), (10, "5.69", "volume tier"), (49, "5.69", "volume tier"),
     (50, "5.52", "volume tier"), (5000, "5.52", "volume tier")],
)
def test_volume_tiers_apply_from_their_first_unit(db, demo, plans, quantity, expected, source):
    resolved = resolve_prices(db, demo["bright"], [plans["microsoft-365/business-basic"]], quantity)
    (answer,) = resolved.values()
    assert (answer.unit_price, answer.source) == (Money(expected, EUR), source)
    assert answer.total == Money(expected, EUR) * quantity


def test_a_resellers_customer_pays_the_resellers_prices(db, demo, plans):
    harbour = demo["harbour"]
    assert price(db, harbour, plans["microsoft-365/business-basic"]) == Money("7.50", EUR)  # set by hand
    # markup 25 % over Bright's own cost 12.08 (10.50 x 1.15 = 12.075 -> 12.08): 15.10
    assert price(db, harbour, plans["microsoft-365/business-standard"]) == Money("15.10", EUR)
    # at 10 seats Bright's cost drops to 11.72, and so does the marked-up price: 14.65
    assert price(db, harbour, plans["microsoft-365/business-standard"], 10) == Money("14.65", EUR)
    starter = resolve_prices(db, harbour, [plans["web-hosting/starter"]])[plans["web-hosting/starter"].id]
    assert (starter.unit_price, starter.setup_fee) == (Money("4.99", EUR), Money("19.00", EUR))


def test_each_seller_prices_its_own_customers(db, demo, plans, make_account):
    plan = plans["web-hosting/business"]  # cost 6.00, wholesale 6.90
    corner_customer = make_account(AccountKind.CUSTOMER, parent=demo["corner"])
    assert price(db, demo["solo"], plan) == Money("8.40", EUR)  # Northwind: cost + 40 %
    assert price(db, demo["harbour"], plan) == Money("8.63", EUR)  # Bright: 6.90 + 25 % = 8.625
    assert price(db, corner_customer, plan) == Money("8.97", EUR)  # Corner: 6.90 + 30 %
    assert price(db, demo["northwind"], plan) is None, "nobody sells to a distributor"


def test_the_most_specific_list_wins(db, demo, plans):
    plan = plans["web-hosting/pro"]
    gold = create_price_list(db, seller=demo["northwind"], by=None, kind=PriceListKind.WHOLESALE,
                             name="Gold resellers", currency=EUR, tier="gold")
    set_price(db, price_list=gold, plan=plan, by=None, unit_price="16.00")
    just_corner = create_price_list(db, seller=demo["northwind"], by=None, kind=PriceListKind.WHOLESALE,
                                    name="Corner deal", currency=EUR, buyer=demo["corner"])
    set_price(db, price_list=just_corner, plan=plan, by=None, unit_price="15.50")
    demo["bright"].tier = demo["corner"].tier = "gold"
    assert price(db, demo["bright"], plan) == Money("16.00", EUR)
    assert price(db, demo["corner"], plan) == Money("15.50", EUR)
    demo["bright"].tier = "silver"
    assert price(db, demo["bright"], plan) == Money("17.25", EUR)  # the default list


def test_what_is_not_on_sale_has_no_price(db, demo, plans):
    premium = plans["microsoft-365/business-premium"]
    set_plan_hidden(db, distributor=demo["northwind"], plan=premium, hidden=True, by=None)
    assert price(db, demo["bright"], premium) is None
    assert price(db, demo["harbour"], premium) is None
    assert premium.id not in resolve_prices(db, demo["harbour"])
    domains = db.scalar(select(Product).where(Product.key == "domain-name"))
    set_product_offered(db, distributor=demo["northwind"], product=domains, offered=False, by=None)
    assert plans["domain-name/com"].id not in resolve_prices(db, demo["solo"])
    assert plans["web-hosting/pro"].id in resolve_prices(db, demo["solo"])


def test_removing_a_hand_set_price_falls_back_to_the_markup(db, demo, plans):
    bright_list = price_list_for(db, demo["harbour"])
    remove_price(db, price_list=bright_list, plan=plans["microsoft-365/business-basic"], by=None)
    db.expire_all()
    assert price(db, demo["harbour"], plans["microsoft-365/business-basic"]) == Money("7.34", EUR)  # 5.87 x 1.25


def test_a_markup_never_applies_over_a_cost_in_another_currency(db, demo, plans):
    basic, standard = plans["microsoft-365/business-basic"], plans["microsoft-365/business-standard"]
    dollars = create_price_list(db, seller=demo["bright"], by=None, kind=PriceListKind.RETAIL, name="Harbour in dollars",
                                currency="USD", buyer=demo["harbour"], markup_percent="25")
    set_price(db, price_list=dollars, plan=basic, by=None, unit_price="8.00")
    assert price(db, demo["harbour"], basic) == Money("8.00", "USD")
    # Bright pays 12.08 EUR for Business Standard: 25 % over it is no price in dollars, nor in euros.
    assert price(db, demo["harbour"], standard) is None
    assert standard.id not in resolve_prices(db, demo["harbour"])
    # The same one level up: Northwind's markup over the vendor's cost in euros.
    create_price_list(db, seller=demo["northwind"], by=None, kind=PriceListKind.WHOLESALE, name="Corner in dollars",
                      currency="USD", buyer=demo["corner"], markup_percent="15")
    assert price(db, demo["corner"], basic) is None
    assert price(db, demo["bright"], basic) == Money("5.87", EUR)  # Bright's list is still in euros


def test_a_price_below_cost_is_flagged_not_silent(db, demo, plans):
    bright_list = price_list_for(db, demo["harbour"])
    set_price(db, price_list=bright_list, plan=plans["microsoft-365/business-premium"], by=None, unit_price="20")
    (warning,) = below_cost_prices(db, bright_list)
    assert (warning.plan.code, warning.price, warning.cost) == (
        "business-premium", Money("20.00", EUR), Money("21.51", EUR)
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"unit_price": 4.99}, "unit_price"),  # a float
        ({"unit_price": "-1"}, "unit_price"),
        ({"unit_price": "abc"}, "unit_price"),
        ({"setup_fee": "-5"}, "setup_fee"),
        ({"volume_tiers": [(1, "4")]}, "volume_tiers"),
        ({"volume_tiers": [(10, "6"), (20, "7")]}, "volume_tiers"),  # more units, higher price
        ({"volume_tiers": [(10, "5"), (10, "4")]}, "volume_tiers"),
    ],
)
def test_bad_prices_name_their_field_and_change_nothing(db, demo, plans, values, field):
    bright_list = price_list_for(db, demo["harbour"])
    plan = plans["web-hosting/pro"]
    with pytest.raises(ValidationError) as caught:
        set_price(db, price_list=bright_list, plan=plan, by=None, **{"unit_price": "5", **values})
    assert field in caught.value.fields
    assert price(db, demo["harbour"], plan) == Money("21.56", EUR)  # still the markup: 17.25 x 1.25


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"seller": "bright", "kind": PriceListKind.WHOLESALE}, "kind"),
        ({"currency": "euro"}, "currency"),
        ({"name": " "}, "name"),
        ({"tier": "gold", "kind": PriceListKind.RETAIL}, "tier"),
        ({"buyer": "harbour"}, "buyer_id"),  # not Northwind's customer
        ({"markup_percent": 2.5}, "markup_percent"),  # a float
        ({"markup_percent": "-100"}, "markup_percent"),
        ({}, "audience"),  # Northwind already has a retail list for everybody
    ],
)
def test_bad_price_lists_name_their_field(db, demo, values, field):
    seller = demo[values.pop("seller", "northwind")]
    if "buyer" in values:
        values["buyer"] = demo[values["buyer"]]
    arguments = {"kind": PriceListKind.RETAIL, "name": "New", "currency": EUR, **values}
    with pytest.raises(ValidationError) as caught:
        create_price_list(db, seller=seller, by=None, **arguments)
    assert field in caught.value.fields


def test_a_plan_must_be_on_sale_to_be_priced(db, demo, plans, fake_plugin):
    sync_catalog(db, product_types())
    fake = db.scalar(select(Plan).where(Plan.code == "small"))
    with pytest.raises(ValidationError) as caught:
        set_price(db, price_list=price_list_for(db, demo["bright"]), plan=fake, by=None, unit_price="1")
    assert "plan_id" in caught.value.fields


def test_prices_need_the_manage_prices_permission(db, demo, plans):
    from core.models.people import Team
    from core.services.people import add_member, create_user

    clerk = create_user(db, email="clerk@bright.example", name="Clerk", password="long enough pw")
    team = Team(account=demo["bright"], name="Sales", permissions=["purchase"])
    db.add(team)
    add_member(db, team, clerk)
    with pytest.raises(PermissionDeniedError):
        set_price(db, price_list=price_list_for(db, demo["harbour"]), plan=plans["web-hosting/pro"],
                  by=clerk, unit_price="30")
    owner = db.scalar(select(User).where(User.email == "owner@bright.example"))
    set_price(db, price_list=price_list_for(db, demo["harbour"]), plan=plans["web-hosting/pro"],
              by=owner, unit_price="30")


def test_a_catalog_page_of_200_plans_takes_a_bounded_number_of_queries(db, demo, fake_plugin):
    class Big(FakeProduct):
        plans = tuple(
            PlanSpec(code=f"size-{n}", name=f"Size {n}", billing_period=BillingPeriod.MONTHLY, rank=n,
                     cost_price=Money(Decimal(n), EUR))
            for n in range(1, PLAN_COUNT + 1)
        )

    fake_plugin.product_types = [Big()]
    sync_catalog(db, product_types())
    big = db.scalar(select(Product).where(Product.key == "fake-product"))
    set_product_offered(db, distributor=demo["northwind"], product=big, offered=True, by=None)
    wholesale = price_list_for(db, demo["bright"])
    for plan in big.plans[: PLAN_COUNT // 2]:
        set_price(db, price_list=wholesale, plan=plan, by=None, unit_price=plan.rank + 1)
    db.commit()
    db.expire_all()

    statements = []
    engine = db.get_bind().engine

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        prices = resolve_prices(db, demo["harbour"])  # hand-set, then markup over a marked-up cost
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert sum(1 for plan in big.plans if plan.id in prices) == PLAN_COUNT // 2
    assert len(statements) <= 12, f"{len(statements)} queries for {len(prices)} prices"


MONEY_MODULES = ["core/money.py", "core/models/prices.py", "core/models/catalog.py", "core/services/pricing.py",
                 "core/services/price_lists.py", "bss/backoffice/prices.py", "bss/api/price_schemas.py",
                 "bss/api/products.py", "bss/api/price_lists.py"]


@pytest.mark.parametrize("path", MONEY_MODULES)
def test_money_code_never_touches_a_float(path):
    tree = ast.parse((Path(__file__).parents[3] / path).read_text())
    floats = [
        node.lineno for node in ast.walk(tree)
        if (isinstance(node, ast.Constant) and isinstance(node.value, float))
        or (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float")
    ]
    assert floats == [], f"{path} uses floats on lines {floats}"


def test_resolved_amounts_are_decimals(db, demo):
    for resolved in resolve_prices(db, demo["harbour"]).values():
        assert type(resolved.unit_price.amount) is Decimal
        assert resolved.unit_price.amount == resolved.unit_price.amount.quantize(Decimal("0.01"))
