import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan
from core.models.prices import PriceEntry, PriceList, PriceListKind, VolumeTier
from core.services.price_lists import create_price_list, set_price
from core.services.pricing import resolve_prices
from tests.bss.api.test_openapi import conforms

MISSING_ID = 987_654_321
QUANTITIES = (1, 10, 50)


def catalog(client, query=""):
    """The /products answer as {"product/plan": price or None}."""
    response = client.get(f"/api/v1/products{query}")
    assert response.status_code == 200, response.json
    return {
        f"{product['key']}/{plan['code']}": plan["price"]
        for product in response.json["items"]
        for plan in product["plans"]
    }


def unit_price(client, plan, query=""):
    price = catalog(client, query)[plan]
    return price and price["unit_price"]["amount"]


def eur(amount):
    return {"amount": amount, "currency": "EUR"}


def test_a_reseller_buys_at_its_wholesale_price(api_as):
    prices = catalog(api_as("bright"))
    assert prices["microsoft-365/business-basic"] == {"unit_price": eur("5.87"), "setup_fee": None, "quantity": 1}
    assert prices["reseller-plan/standard"]["unit_price"] == eur("49.00")
    assert prices["web-hosting/pro"]["unit_price"] == eur("17.25")


@pytest.mark.parametrize(("quantity", "expected"), [(1, "5.87"), (9, "5.87"), (10, "5.69"), (50, "5.52"), (900, "5.52")])
def test_volume_tiers_apply_at_the_quantity_asked_for(api_as, quantity, expected):
    price = catalog(api_as("bright"), f"?quantity={quantity}")["microsoft-365/business-basic"]
    assert price == {"unit_price": eur(expected), "setup_fee": None, "quantity": quantity}


def test_a_reseller_shows_its_customer_its_own_retail_prices(api_as, demo):
    bright, harbour = api_as("bright"), f"?account_id={demo['harbour'].id}"
    prices = catalog(bright, harbour)
    assert prices["microsoft-365/business-basic"]["unit_price"] == eur("7.50")  # set by hand
    assert prices["microsoft-365/business-standard"]["unit_price"] == eur("15.10")  # 12.08 + 25 %
    assert prices["web-hosting/starter"] == {"unit_price": eur("4.99"), "setup_fee": eur("19.00"), "quantity": 1}
    # Bright's own cost drops at 10 seats, and so does its marked-up price.
    assert unit_price(bright, "microsoft-365/business-standard", f"{harbour}&quantity=10") == "14.65"


@pytest.mark.parametrize(("buyer", "sellers"), [("harbour", ["bright", "northwind"]), ("bright", ["northwind"]),
                                              ("solo", ["northwind"])])
def test_an_account_sees_the_same_prices_itself_and_through_its_sellers(api_as, demo, buyer, sellers):
    for quantity in QUANTITIES:
        own = catalog(api_as(buyer), f"?quantity={quantity}")
        assert any(own.values())
        for seller in sellers:
            assert catalog(api_as(seller), f"?account_id={demo[buyer].id}&quantity={quantity}") == own


def test_a_direct_customer_pays_the_distributors_retail_prices(api_as):
    prices = catalog(api_as("solo"))
    assert prices["web-hosting/business"]["unit_price"] == eur("8.40")  # 6.00 + 40 %
    assert prices["microsoft-365/business-basic"]["unit_price"] == eur("7.14")  # 5.10 + 40 %


def test_nobody_sells_to_a_distributor(api_as):
    prices = catalog(api_as("northwind"))
    assert "microsoft-365/business-basic" in prices
    assert all(price is None for price in prices.values())


def test_a_plan_its_seller_has_no_price_for_is_listed_without_one(api_as, db, demo, make_account):
    gale = make_account(AccountKind.RESELLER, parent=demo["northwind"])
    customer = make_account(AccountKind.CUSTOMER, parent=gale)
    prices = create_price_list(db, seller=gale, by=None, kind=PriceListKind.RETAIL, name="Few", currency="EUR")
    pro = db.scalar(select(Plan).where(Plan.code == "pro"))
    set_price(db, price_list=prices, plan=pro, by=None, unit_price="25")
    db.commit()
    listed = catalog(api_as("northwind"), f"?account_id={customer.id}")
    assert listed["web-hosting/pro"]["unit_price"] == eur("25.00")
    assert listed["web-hosting/starter"] is None
    assert listed.keys() == catalog(api_as("northwind")).keys()


def test_products_and_plans_are_in_catalog_order_with_their_details(api_as):
    items = api_as("bright").get("/api/v1/products").json["items"]
    assert [product["name"] for product in items] == sorted(product["name"] for product in items)
    hosting = next(product for product in items if product["key"] == "web-hosting")
    assert [plan["code"] for plan in hosting["plans"]] == [
        "starter", "starter-yearly", "business", "business-yearly", "pro", "pro-yearly"]
    starter = hosting["plans"][0]
    assert starter["id"].isdigit() and hosting["id"].isdigit()
    assert (starter["billing_period"], starter["trial_days"], starter["term_months"]) == ("monthly", 0, 0)
    assert starter["features"] == {"sites": 1, "storage_gb": 10}
    assert api_as("bright").get("/api/v1/products").json["next"] is None


@pytest.mark.parametrize(("caller", "other"), [("bright", "corner"), ("bright", "northwind"), ("bright", "solo"),
                                               ("harbour", "bright"), ("harbour", "maple"), ("bright", None)])
def test_prices_for_an_account_outside_the_tree_are_not_found(api_as, demo, caller, other):
    account_id = demo[other].id if other else MISSING_ID
    response = api_as(caller).get(f"/api/v1/products?account_id={account_id}")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    if other:
        assert demo[other].name not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "field"),
    [("quantity=0", "quantity"), ("quantity=1.5", "quantity"), ("quantity=many", "quantity"),
     ("quantity=1000001", "quantity"), ("account_id=bright", "account_id"), ("colour=blue", "colour")],
)
def test_bad_product_queries_name_the_parameter(api_as, query, field):
    response = api_as("bright").get(f"/api/v1/products?{query}")
    assert response.status_code == 422
    assert list(response.json["fields"]) == [field]


def test_products_answer_as_documented(client, api_as, demo):
    document = client.get("/api/v1/openapi.json").json
    for response in (api_as("bright").get(f"/api/v1/products?account_id={demo['harbour'].id}&quantity=10"),
                     api_as("northwind").get("/api/v1/products"),
                     api_as("bright").get("/api/v1/products?quantity=0")):
        schema = document["paths"]["/api/v1/products"]["get"]["responses"][str(response.status_code)]
        conforms(document, response.json, schema["content"][response.mimetype]["schema"])


# --- A customer never sees what its seller pays -------------------------------------------------------------


def _number(amount: Decimal) -> re.Pattern[str]:
    """An amount however it might be written (5.1, 5.10, 5.1000), as a whole number in the text."""
    forms = {f"{amount:.2f}", f"{amount:.4f}", format(amount.normalize(), "f")}
    spelled = "|".join(re.escape(form) for form in sorted(forms) if "." in form)
    return re.compile(rf"(?<![\d.])(?:{spelled})(?!\d)")


def _what_sellers_pay(db) -> set[Decimal]:
    """Every vendor cost and every wholesale amount: listed, in a volume tier, or resolved for a reseller."""
    amounts = set(db.scalars(select(Plan.cost_amount).where(Plan.cost_amount.is_not(None))))
    wholesale = select(PriceList.id).where(PriceList.kind == PriceListKind.WHOLESALE)
    for entry in db.scalars(select(PriceEntry).where(PriceEntry.price_list_id.in_(wholesale))):
        amounts |= {entry.unit_price, *([entry.setup_fee] if entry.setup_fee is not None else [])}
    amounts |= set(db.scalars(select(VolumeTier.unit_price).join(PriceEntry).where(PriceEntry.price_list_id.in_(wholesale))))
    for reseller in db.scalars(select(Account).where(Account.kind == AccountKind.RESELLER)):
        for quantity in QUANTITIES:
            amounts |= {price.unit_price.amount for price in resolve_prices(db, reseller, quantity=quantity).values()}
    return amounts


def _what_the_buyer_pays(db, buyer: Account, quantity: int) -> set[Decimal]:
    prices = resolve_prices(db, buyer, quantity=quantity).values()
    return {price.unit_price.amount for price in prices} | {price.setup_fee.amount for price in prices if price.setup_fee}


@pytest.mark.parametrize(
    ("caller", "buyer"),
    [("solo", "solo"), ("harbour", "harbour"), ("maple", "maple"),  # customers asking for themselves
     ("bright", "harbour"), ("bright", "maple"),  # a reseller's website showing its retail prices
     ("northwind", "harbour"), ("northwind", "solo")],
)
def test_a_customers_catalog_shows_no_wholesale_or_cost_amount(api_as, db, demo, caller, buyer):
    client, account = api_as(caller), demo[buyer]
    secret = _what_sellers_pay(db)
    assert {Decimal("5.10"), Decimal("5.87"), Decimal("5.69"), Decimal("11.72")} <= secret  # the scan has teeth
    for quantity in QUANTITIES:
        query = f"?quantity={quantity}" + (f"&account_id={account.id}" if caller != buyer else "")
        text = client.get(f"/api/v1/products{query}").get_data(as_text=True)
        own = _what_the_buyer_pays(db, account, quantity)
        assert own and all(_number(amount).search(text) for amount in own), "the buyer's own prices are shown"
        # A price of the buyer's own may equal an amount a seller pays (a free plan is 0.00 all the way
        # down); the text cannot tell those apart, and the buyer is entitled to its own prices.
        leaked = sorted(str(amount) for amount in secret - own if _number(amount).search(text))
        assert not leaked, f"{caller} asking for {buyer} at quantity {quantity} sees {leaked}"


def test_a_reseller_sees_its_wholesale_prices_but_never_the_vendors_cost(api_as, db, demo):
    costs = set(db.scalars(select(Plan.cost_amount).where(Plan.cost_amount.is_not(None))))
    for quantity in QUANTITIES:
        text = api_as("bright").get(f"/api/v1/products?quantity={quantity}").get_data(as_text=True)
        own = _what_the_buyer_pays(db, demo["bright"], quantity)
        assert own and all(_number(amount).search(text) for amount in own)
        assert not sorted(str(cost) for cost in costs - own if _number(cost).search(text))


def test_plans_say_why_the_buyer_cannot_buy_them_yet(api_as, demo):
    def reseller_plans(body):
        product = next(product for product in body["items"] if product["key"] == "reseller-plan")
        return {plan["code"]: plan["blockers"] for plan in product["plans"]}

    assert reseller_plans(api_as("bright").get("/api/v1/products").json) == {"basic": [], "free": [], "standard": []}
    harbour = reseller_plans(api_as("harbour").get("/api/v1/products").json)
    assert harbour["standard"] == [
        'Harbour Dental does not have reselling enabled: its seller must tick "Enable Reselling" first.'
    ]
    microsoft = next(p for p in api_as("harbour").get("/api/v1/products").json["items"] if p["key"] == "microsoft-365")
    assert all(plan["blockers"] == [] for plan in microsoft["plans"])


def test_names_follow_the_callers_language(api_as):
    def names(language):
        body = api_as("harbour").get("/api/v1/products", headers={"Accept-Language": language}).json
        return {product["key"]: (product["name"], product["description"]) for product in body["items"]}

    french = names("fr-FR, fr;q=0.9, en;q=0.5")
    assert french["web-hosting"][0] == "Hébergement web"
    assert french["microsoft-365"] == (
        "Microsoft 365", "Les applications Office, la messagerie et le travail d'équipe pour les entreprises, par utilisateur."
    )
    assert names("de")["web-hosting"][0] == "Web hosting", "English when there is no translation"
    assert names("")["domain-name"][0] == "Domain name"
