"""Sellers keep their price lists in the back office; customers never see a wholesale or cost amount."""

import html
import re

import pytest
from sqlalchemy import select

from core.models.audit import AuditEvent
from core.models.catalog import Plan
from core.models.people import Team, User
from core.models.prices import PriceEntry, PriceList, PriceListKind, VolumeTier
from core.money import Money
from core.permissions import Permission
from core.services.people import add_member, create_user
from core.services.pricing import price_list_for, resolve_prices
from plugin_kit.testing import main_of
from plugin_kit.testing.forms import BRIGHT, NORTHWIND
from tests.bss.backoffice.conftest import PASSWORD
from tests.bss.backoffice.test_teams import _unlabelled

EUR = "EUR"


@pytest.fixture
def bright_list(db, demo):
    """Bright IT's retail list: 25 % over its cost, with business-basic and web-hosting starter set by hand."""
    return price_list_for(db, demo["harbour"])


def _row(page, plan):
    """The text of a plan's row in a price list page, and of the warning row under it if there is one."""
    match = re.search(rf'<tr id="plan-{plan.id}">(.*?)</tr>\s*(<tr class="below-cost">.*?</tr>)?', page, re.S)
    assert match, f"no row for {plan.code}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split())


def _price(db, buyer, plan, quantity=1):
    db.expire_all()  # see what the requests committed
    resolved = resolve_prices(db, buyer, [plan], quantity).get(plan.id)
    return resolved.unit_price if resolved else None


def _prices_of(db, price_list):
    """Everything a request could change in a list, as comparable data."""
    db.expire_all()
    entries = db.execute(select(PriceEntry.plan_id, PriceEntry.unit_price, PriceEntry.setup_fee)
                         .where(PriceEntry.price_list_id == price_list.id).order_by(PriceEntry.plan_id)).all()
    tiers = db.execute(select(VolumeTier.min_quantity, VolumeTier.unit_price).join(PriceEntry)
                       .where(PriceEntry.price_list_id == price_list.id).order_by(VolumeTier.id)).all()
    markup = db.scalar(select(PriceList.markup_percent).where(PriceList.id == price_list.id))
    return entries, tiers, markup


def test_a_reseller_sees_its_cost_its_prices_and_the_margin(client, demo, login_as, plans, bright_list):
    login_as("owner@bright.example")
    lists_page = client.get("/bss/prices").get_data(as_text=True)
    assert "Bright IT prices" in lists_page and "25 %" in lists_page
    assert "Northwind" not in main_of(client.get("/bss/prices"))  # the header wears Northwind's brand
    assert _unlabelled(lists_page) == []

    response = client.get(f"/bss/prices/{bright_list.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # Bright pays Northwind 5.87 for business-basic and sells it at 7.50 by hand: 1.63 (21.7 % of the price)
    basic = _row(page, plans["microsoft-365/business-basic"])
    assert "€5.87 €7.50 (set here) €1.63 21.7 % Set price Remove" in basic
    # business-standard costs Bright 12.08; its markup of 25 % gives 15.10: 3.02 (20 % of the price)
    assert "€12.08 €15.10 (markup) €3.02 20 %" in _row(page, plans["microsoft-365/business-standard"])
    assert "setup fee €19.00" in _row(page, plans["web-hosting/starter"])
    assert "your wholesale price" in page and "Below cost" not in page
    assert _unlabelled(page) == []


def test_a_distributor_prices_over_the_vendors_cost(client, db, demo, login_as, plans):
    login_as("admin@northwind.example")
    wholesale = price_list_for(db, demo["bright"])
    page = client.get(f"/bss/prices/{wholesale.id}").get_data(as_text=True)
    row = _row(page, plans["microsoft-365/business-basic"])
    assert "€5.10 €5.87 (set here) from 10 units: €5.69 from 50 units: €5.52 €0.77 13.1 %" in row
    assert "the vendor&#39;s cost price" in page
    lists_page = client.get("/bss/prices").get_data(as_text=True)
    assert "Northwind wholesale" in lists_page and "Resellers, all" in lists_page and 'value="wholesale"' in lists_page


def test_a_price_below_cost_is_saved_and_flagged(client, db, demo, login_as, post, plans, bright_list):
    login_as("owner@bright.example")
    premium = plans["microsoft-365/business-premium"]
    response = post(f"/bss/prices/{bright_list.id}/prices", {
        "plan_id": premium.id, "unit_price": " 20 ", "setup_fee": "5.5", "volume_tiers": "10: 19.50\n\n50:19",
    })
    assert response.status_code == 302
    assert response.headers["Location"] == f"/bss/prices/{bright_list.id}#plan-{premium.id}"
    assert _price(db, demo["harbour"], premium) == Money("20.00", EUR)
    assert _price(db, demo["harbour"], premium, 50) == Money("19.00", EUR)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    row = _row(page, premium)
    assert "€21.51 €20.00 (set here) setup fee €5.50" in row and "-€1.51 -7.6 %" in row
    assert "Below cost: Microsoft 365 Business Premium (Microsoft 365) sells at €20.00 but costs you €21.51" in row
    assert "1 price is below your cost" in page
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "price.set", AuditEvent.actor_id.is_not(None)))
    assert event.changes["unit_price"] == "20" and event.changes["volume_tiers"] == [[10, "19.50"], [50, "19"]]


def test_the_set_price_form_starts_from_the_current_price(client, demo, login_as, post, plans, bright_list):
    login_as("owner@bright.example")
    starter = plans["web-hosting/starter"]
    page = client.get(f"/bss/prices/{bright_list.id}?plan={starter.id}").get_data(as_text=True)
    assert f'<option value="{starter.id}" selected>' in page
    assert 'name="unit_price" required inputmode="decimal" size="10" value="4.99"' in page
    assert 'value="19.00"' in page


def test_removing_a_price_falls_back_to_the_markup(client, db, demo, login_as, post, plans, bright_list):
    login_as("owner@bright.example")
    basic = plans["microsoft-365/business-basic"]
    response = post(f"/bss/prices/{bright_list.id}/prices/{basic.id}/remove")
    assert response.status_code == 302
    assert _price(db, demo["harbour"], basic) == Money("7.34", EUR)  # 5.87 + 25 %
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "€5.87 €7.34 (markup) €1.47 20 % Set price" in _row(page, basic)
    assert post(f"/bss/prices/{bright_list.id}/prices/{basic.id}/remove").status_code == 404  # nothing left


def test_changing_the_markup_reprices_the_plans_without_a_price(client, db, demo, login_as, post, plans,
                                                                 bright_list):
    login_as("owner@bright.example")
    standard, basic = plans["microsoft-365/business-standard"], plans["microsoft-365/business-basic"]
    assert post(f"/bss/prices/{bright_list.id}/markup", {"markup_percent": "30"}).status_code == 302
    assert _price(db, demo["harbour"], standard) == Money("15.70", EUR)  # 12.08 x 1.30 = 15.704
    assert _price(db, demo["harbour"], basic) == Money("7.50", EUR)  # set by hand: unchanged
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "price_list.markup_changed"))
    assert event.changes == {"before": "25.000", "markup_percent": "30"} and event.actor_id is not None

    post(f"/bss/prices/{bright_list.id}/markup", {"markup_percent": ""})
    assert _price(db, demo["harbour"], standard) is None  # only hand-set prices are sold now
    page = client.get(f"/bss/prices/{bright_list.id}").get_data(as_text=True)
    assert "not for sale" in _row(page, standard) and "only the plans priced here are sold" in page


def test_a_distributor_creates_a_wholesale_list_for_a_tier(client, db, demo, login_as, post):
    login_as("admin@northwind.example")
    response = post("/bss/prices", {"kind": "wholesale", "name": "Gold resellers", "currency": "eur",
                                    "tier": "gold", "buyer_id": "", "markup_percent": "10"})
    gold = db.scalar(select(PriceList).where(PriceList.name == "Gold resellers"))
    assert response.status_code == 302 and response.headers["Location"] == f"/bss/prices/{gold.id}"
    assert (gold.kind, gold.currency, gold.tier, gold.markup_percent) == (PriceListKind.WHOLESALE, EUR, "gold", 10)
    demo["corner"].tier = "gold"
    db.commit()
    # 10 % over the vendor's cost of 15.00
    assert _price(db, demo["corner"], db.scalar(select(Plan).where(Plan.code == "pro"))) == Money("16.50", EUR)


def test_a_reseller_creates_a_list_for_one_of_its_customers(client, db, demo, login_as, post):
    login_as("owner@bright.example")
    page = client.get("/bss/prices").get_data(as_text=True)
    assert "Harbour Dental (customer)" in page and "Maple Bakery (customer)" in page
    assert "Solo Consulting" not in page and 'value="wholesale"' not in page and 'id="tier"' not in page
    response = post("/bss/prices", {"kind": "retail", "name": "Harbour deal", "currency": "EUR",
                                    "buyer_id": demo["harbour"].id, "markup_percent": "10"})
    assert response.status_code == 302
    assert price_list_for(db, demo["harbour"]).name == "Harbour deal"
    assert "Harbour Dental only" in client.get("/bss/prices").get_data(as_text=True)


def test_a_tiered_price_can_be_changed(client, db, demo, login_as, post, plans):
    login_as("admin@northwind.example")
    wholesale, basic = price_list_for(db, demo["bright"]), plans["microsoft-365/business-basic"]
    response = post(f"/bss/prices/{wholesale.id}/prices", {"plan_id": basic.id, "unit_price": "5.90",
                                                           "volume_tiers": "10: 5.60"})
    assert response.status_code == 302
    assert _price(db, demo["bright"], basic, 10) == Money("5.60", EUR)


def test_a_tiered_price_can_be_removed(client, db, demo, login_as, post, plans):
    login_as("admin@northwind.example")
    wholesale, basic = price_list_for(db, demo["bright"]), plans["microsoft-365/business-basic"]
    assert post(f"/bss/prices/{wholesale.id}/prices/{basic.id}/remove").status_code == 302
    assert _price(db, demo["bright"], basic) is None  # the wholesale list has no markup


@pytest.mark.parametrize(
    ("who", "values", "field", "message"),
    [
        ("owner@bright.example", {"kind": "wholesale"}, "kind", "For: Only a distributor sells wholesale"),
        ("owner@bright.example", {"kind": "bulk"}, "kind", "For: Choose wholesale"),
        ("owner@bright.example", {"name": " "}, "name", "Name: Name the list."),
        ("owner@bright.example", {"currency": "euro"}, "currency", "Currency: &#39;EURO&#39; is not an ISO 4217"),
        ("owner@bright.example", {"markup_percent": "2,5"}, "markup_percent", "Markup: &#39;2,5&#39; is not a number"),
        ("owner@bright.example", {"markup_percent": "-100"}, "markup_percent", "Markup: A markup is more than -100 %"),
        ("owner@bright.example", {"buyer_id": "solo"}, "buyer_id", "Only for: Choose one of the accounts"),
        ("owner@bright.example", {}, "audience", "Only for: This seller already has a list for these buyers"),
        ("admin@northwind.example", {"tier": "gold"}, "tier", "Tier: Tiers are for the wholesale lists"),
    ],
)
def test_a_bad_new_list_is_refused_naming_the_field(client, db, demo, login_as, post, who, values, field, message):
    if values.get("buyer_id") == "solo":
        values["buyer_id"] = demo["solo"].id  # Northwind's customer, not Bright's
    login_as(who)
    before = db.scalar(select(PriceList.id).order_by(PriceList.id.desc()))
    response = post("/bss/prices", {"kind": "retail", "name": "New list", "currency": "EUR", **values})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert 'value="New list"' in page or field == "name"
    assert db.scalar(select(PriceList.id).order_by(PriceList.id.desc())) == before


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"unit_price": "4,99"}, "unit_price", "Unit price: &#39;4,99&#39; is not a number."),
        ({"unit_price": "abc"}, "unit_price", "Unit price: &#39;abc&#39; is not a number."),
        ({"unit_price": "-1"}, "unit_price", "Unit price: A price cannot be negative."),
        ({"unit_price": "NaN"}, "unit_price", "Unit price: Must be a finite number."),
        ({"setup_fee": "19,00"}, "setup_fee", "Setup fee: &#39;19,00&#39; is not a number."),
        ({"volume_tiers": "ten: 4"}, "volume_tiers", "Volume tiers: Line 1: write the minimum quantity"),
        ({"volume_tiers": "10: 4\n20 4"}, "volume_tiers", "Volume tiers: Line 2: write the minimum quantity"),
        ({"volume_tiers": "10: 4,5"}, "volume_tiers", "Volume tiers: &#39;4,5&#39; is not a number."),
        ({"volume_tiers": "1: 4"}, "volume_tiers", "Volume tiers: Each tier starts at a different quantity"),
        ({"volume_tiers": "10: 6"}, "volume_tiers", "Volume tiers: The more units, the lower"),
        ({"plan_id": ""}, "plan_id", "Plan: Choose a plan."),
        ({"plan_id": "abc"}, "plan_id", "Plan: Choose a plan."),
        ({"plan_id": "9" * 30}, "plan_id", "Plan: Choose a plan."),
    ],
)
def test_a_bad_price_is_refused_naming_the_field_and_changes_nothing(client, db, demo, login_as, post, plans,
                                                                     bright_list, values, field, message):
    login_as("owner@bright.example")
    before = _prices_of(db, bright_list)
    form = {"plan_id": plans["web-hosting/pro"].id, "unit_price": "5", **values}
    response = post(f"/bss/prices/{bright_list.id}/prices", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert f'aria-describedby="{field}-error"' in page
    if field != "plan_id":
        assert html.escape(values[field], quote=False) in page  # kept as typed
    assert _prices_of(db, bright_list) == before
    assert _price(db, demo["harbour"], plans["web-hosting/pro"]) == Money("21.56", EUR)  # 17.25 + 25 %


@pytest.mark.parametrize(("markup", "message"), [("abc", "&#39;abc&#39; is not a number."),
                                                 ("4,5", "&#39;4,5&#39; is not a number."),
                                                 ("-100", "A markup is more than -100 %"),
                                                 ("10000", "A markup is more than -100 %")])
def test_a_bad_markup_is_refused_and_changes_nothing(client, db, demo, login_as, post, bright_list, markup, message):
    login_as("owner@bright.example")
    before = _prices_of(db, bright_list)
    response = post(f"/bss/prices/{bright_list.id}/markup", {"markup_percent": markup})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Markup: {message}" in page and f'value="{html.escape(markup)}"' in page
    assert _prices_of(db, bright_list) == before


def test_a_plan_not_on_sale_cannot_be_priced(client, db, demo, login_as, post, plans, bright_list):
    login_as("admin@northwind.example")
    post(f"/bss/catalog/plans/{plans['web-hosting/pro'].id}/hide")
    post("/bss/logout")
    login_as("owner@bright.example")
    before = _prices_of(db, bright_list)
    response = post(f"/bss/prices/{bright_list.id}/prices", {"plan_id": plans["web-hosting/pro"].id, "unit_price": "5"})
    assert response.status_code == 422 and "Plan: Web hosting Pro is not on sale" in response.get_data(as_text=True)
    assert _prices_of(db, bright_list) == before


@pytest.mark.parametrize("other", ["corner", "northwind"])
def test_another_sellers_list_answers_404_and_is_left_alone(client, db, demo, login_as, post, plans, other):
    login_as("owner@bright.example")
    foreign = db.scalar(select(PriceList).where(PriceList.seller_id == demo[other].id).order_by(PriceList.id))
    plan = plans["microsoft-365/business-basic"]
    before = _prices_of(db, foreign)
    html_only = {"Accept": "text/html"}
    assert client.get(f"/bss/prices/{foreign.id}", headers=html_only).status_code == 404
    for url, data in ((f"/bss/prices/{foreign.id}/prices", {"plan_id": plan.id, "unit_price": "1"}),
                      (f"/bss/prices/{foreign.id}/prices/{plan.id}/remove", {}),
                      (f"/bss/prices/{foreign.id}/markup", {"markup_percent": "1"})):
        response = post(url, data, headers=html_only)
        assert response.status_code == 404, url
        assert demo[other].name not in main_of(response)
    assert _prices_of(db, foreign) == before


@pytest.fixture
def bright_clerk(db, demo):
    """Someone at Bright IT who may do everything but set prices."""
    team = Team(account=demo["bright"], name="Clerks", permissions=sorted(set(Permission) - {Permission.MANAGE_PRICES}))
    db.add(team)
    add_member(db, team, create_user(db, email="clerk@bright.example", name="Clerk", password=PASSWORD))
    db.commit()


@pytest.mark.usefixtures("bright_clerk")
def test_prices_need_manage_prices(client, db, demo, login_as, post, plans, bright_list):
    login_as("clerk@bright.example", PASSWORD)
    before, plan = _prices_of(db, bright_list), plans["microsoft-365/business-basic"]
    assert client.get("/bss/prices").status_code == 403
    assert client.get(f"/bss/prices/{bright_list.id}").status_code == 403
    for url, data in (("/bss/prices", {"kind": "retail", "name": "Mine", "currency": "EUR"}),
                      (f"/bss/prices/{bright_list.id}/prices", {"plan_id": plan.id, "unit_price": "1"}),
                      (f"/bss/prices/{bright_list.id}/prices/{plan.id}/remove", {}),
                      (f"/bss/prices/{bright_list.id}/markup", {"markup_percent": "1"})):
        assert post(url, data).status_code == 403, url
    assert _prices_of(db, bright_list) == before
    assert db.scalar(select(PriceList).where(PriceList.name == "Mine")) is None


def _secret_amounts(db):
    """Every non-zero wholesale price and vendor cost of the demo, as a page would write it."""
    wholesale = select(PriceList.id).where(PriceList.kind == PriceListKind.WHOLESALE)
    amounts = [
        *db.scalars(select(PriceEntry.unit_price).where(PriceEntry.price_list_id.in_(wholesale))),
        *db.scalars(select(PriceEntry.setup_fee).where(PriceEntry.price_list_id.in_(wholesale))),
        *db.scalars(select(VolumeTier.unit_price).join(PriceEntry).where(PriceEntry.price_list_id.in_(wholesale))),
        *db.scalars(select(Plan.cost_amount)),
    ]
    return {str(Money(amount, EUR).rounded().amount) for amount in amounts if amount}


def _walk(client, start, base_url=None):
    """GET every page reachable by links from ``start``, in the back office (or on the shop at ``base_url``);
    return each page's text by URL."""
    pages, queue, under = {}, list(start), "/" if base_url else "/bss/"
    while queue and len(pages) < 200:
        url = queue.pop()
        if url in pages:
            continue
        pages[url] = client.get(url, headers={"Accept": "text/html"}, base_url=base_url).get_data(as_text=True)
        queue.extend(html.unescape(href) for href in re.findall(rf'<a [^>]*href="({under}[^"#]*)', pages[url]))
    return pages


def _leaks(pages, amounts):
    """The amounts a page shows (its style sheet's sizes, such as ``1.15rem``, are not amounts)."""
    shown = {url: re.sub(r"<style.*?</style>", "", page, flags=re.S) for url, page in pages.items()}
    return sorted({(url, amount) for url, page in shown.items() for amount in amounts
                   if re.search(rf"(?<![\d.]){re.escape(amount)}(?!\d)", page)})


@pytest.mark.parametrize(("customer", "shop"), [("owner@harbour.example", BRIGHT), ("owner@solo.example", NORTHWIND),
                                              ("sam@books.example", BRIGHT)])
def test_a_customer_never_sees_a_wholesale_price_or_a_cost(client, db, shops, login_as, post, shop_sign_in, customer, shop):
    amounts = _secret_amounts(db)
    every_list = [f"/bss/prices/{list_id}" for list_id in db.scalars(select(PriceList.id))]
    pricing_pages = ["/bss/catalog", "/bss/prices", *every_list]
    login_as("owner@bright.example")
    assert _leaks(_walk(client, ["/bss/", *pricing_pages]), amounts), "the walk finds the amounts a seller may see"
    post("/bss/logout")

    shop_sign_in(customer, base=shop)  # a customer serves itself on its seller's shop
    buyer = db.scalar(select(User).where(User.email == customer)).memberships[0].team.account
    its_own = {str(money.amount) for price in resolve_prices(db, buyer).values()
               for money in (price.unit_price, price.setup_fee) if money is not None}
    pages = _walk(client, ["/", "/products", "/subscriptions", "/orders"], base_url=shop)
    assert {"/products", "/subscriptions", "/organisation", "/api-keys"} <= set(pages)
    assert _leaks(pages, amounts - its_own) == []  # its own price may equal a wholesale one elsewhere
