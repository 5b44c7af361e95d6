import pytest
from sqlalchemy import func, select

from core.models.audit import AuditEvent
from core.models.prices import PriceEntry, PriceList, VolumeTier
from core.services.pricing import price_list_for
from tests.bss.api.test_openapi import conforms

MISSING_ID = 987_654_321


@pytest.fixture
def bright_list(db, demo):
    """Bright IT's retail list: 25 % over its cost, Business Basic at 7.50, Starter at 4.99 + 19.00."""
    return price_list_for(db, demo["harbour"])


@pytest.fixture
def wholesale(db, demo):
    return price_list_for(db, demo["bright"])


def eur(amount):
    return {"amount": amount, "currency": "EUR"}


def prices_url(price_list, plan):
    return f"/api/v1/price-lists/{price_list.id}/prices/{plan.id}"


def put_price(client, price_list, plan, **body):
    return client.open("PUT", prices_url(price_list, plan), json=body)


def harbour_pays(api_as, demo, key, quantity=1):
    items = api_as("bright").get(f"/api/v1/products?account_id={demo['harbour'].id}&quantity={quantity}").json["items"]
    price = next(plan["price"] for product in items for plan in product["plans"]
                 if f"{product['key']}/{plan['code']}" == key)
    return price and price["unit_price"]["amount"]


def stored_prices(db):
    """Every price list and price, to show that a refused request changed nothing."""
    db.expire_all()
    return (
        db.execute(select(PriceList.id, PriceList.name, PriceList.markup_percent).order_by(PriceList.id)).all(),
        db.execute(select(PriceEntry.id, PriceEntry.plan_id, PriceEntry.unit_price, PriceEntry.setup_fee)
                   .order_by(PriceEntry.id)).all(),
        db.execute(select(VolumeTier.entry_id, VolumeTier.min_quantity, VolumeTier.unit_price)
                   .order_by(VolumeTier.id)).all(),
        db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.startswith("price"))),
    )


def test_a_seller_lists_only_its_own_price_lists(api_as):
    assert [item["name"] for item in api_as("bright").get("/api/v1/price-lists").json["items"]] == ["Bright IT prices"]
    northwind = api_as("northwind").get("/api/v1/price-lists").json
    assert [item["name"] for item in northwind["items"]] == ["Northwind wholesale", "Northwind direct customers"]
    assert northwind["next"] is None
    assert api_as("harbour").get("/api/v1/price-lists").json == {"items": [], "next": None}


def test_paging_walks_every_list_once(api_as, demo):
    northwind = api_as("northwind")
    for slug in ("bright", "corner"):
        created = northwind.post("/api/v1/price-lists", json={"kind": "wholesale", "name": f"For {slug}",
                                                              "currency": "EUR", "buyer_id": str(demo[slug].id)})
        assert created.status_code == 201, created.json
    seen, url = [], "/api/v1/price-lists?limit=3"
    while url:
        body = northwind.get(url).json
        seen.append([item["name"] for item in body["items"]])
        url = body["next"]
    assert seen == [["Northwind wholesale", "Northwind direct customers", "For bright"], ["For corner"]]


def test_a_list_shows_its_prices_exactly_as_set(api_as, bright_list, plans):
    body = api_as("bright").get(f"/api/v1/price-lists/{bright_list.id}").json
    assert {key: body[key] for key in ("id", "kind", "name", "currency", "tier", "buyer_id", "markup_percent")} == {
        "id": str(bright_list.id), "kind": "retail", "name": "Bright IT prices", "currency": "EUR",
        "tier": None, "buyer_id": None, "markup_percent": "25",
    }
    entries = {entry["plan_id"]: entry for entry in body["entries"]}  # the plugins' demo prices beside these
    assert [entries[str(plans[name].id)] for name in ("microsoft-365/business-basic", "web-hosting/starter")] == [
        {"plan_id": str(plans["microsoft-365/business-basic"].id), "unit_price": eur("7.50"), "setup_fee": None,
         "volume_tiers": []},
        {"plan_id": str(plans["web-hosting/starter"].id), "unit_price": eur("4.99"), "setup_fee": eur("19.00"),
         "volume_tiers": []},
    ]
    assert body["warnings"] == []
    assert body["created_at"].endswith("Z") and body["updated_at"].endswith("Z")


def test_a_wholesale_list_shows_its_volume_tiers(api_as, wholesale, plans):
    entries = api_as("northwind").get(f"/api/v1/price-lists/{wholesale.id}").json["entries"]
    basic = next(entry for entry in entries if entry["plan_id"] == str(plans["microsoft-365/business-basic"].id))
    assert basic["unit_price"] == eur("5.87")
    assert basic["volume_tiers"] == [{"min_quantity": 10, "unit_price": eur("5.69")},
                                     {"min_quantity": 50, "unit_price": eur("5.52")}]


def test_a_price_set_reaches_the_customers_with_its_tiers_and_is_recorded(api_as, db, demo, bright_list, plans):
    pro = plans["web-hosting/pro"]
    assert harbour_pays(api_as, demo, "web-hosting/pro") == "21.56"  # the markup: 17.25 + 25 %
    response = put_price(api_as("bright"), bright_list, pro, unit_price="30", setup_fee="9.5",
                         volume_tiers=[{"min_quantity": 5, "unit_price": "27.50"}])
    assert response.status_code == 200, response.json
    entry = next(entry for entry in response.json["entries"] if entry["plan_id"] == str(pro.id))
    assert entry == {"plan_id": str(pro.id), "unit_price": eur("30.00"), "setup_fee": eur("9.50"),
                     "volume_tiers": [{"min_quantity": 5, "unit_price": eur("27.50")}]}
    assert harbour_pays(api_as, demo, "web-hosting/pro") == "30.00"
    assert harbour_pays(api_as, demo, "web-hosting/pro", quantity=5) == "27.50"
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "price.set", AuditEvent.actor_id.is_not(None))).one()
    me = api_as("bright").get("/api/v1/me").json["user"]["id"]
    assert (event.account_id, str(event.actor_id)) == (demo["bright"].id, me)
    assert event.changes["unit_price"] == "30"


def test_a_price_finer_than_a_cent_is_shown_as_stored(api_as, bright_list, plans):
    response = put_price(api_as("bright"), bright_list, plans["web-hosting/pro"], unit_price="21.5625")
    entry = next(e for e in response.json["entries"] if e["plan_id"] == str(plans["web-hosting/pro"].id))
    assert entry["unit_price"] == eur("21.5625")


def test_a_price_below_your_own_cost_comes_with_a_warning(api_as, bright_list, plans):
    premium = plans["microsoft-365/business-premium"]
    response = put_price(api_as("bright"), bright_list, premium, unit_price="20.00")
    assert response.status_code == 200
    assert response.json["warnings"] == [{"plan_id": str(premium.id), "price": eur("20.00"), "cost": eur("21.51")}]
    assert api_as("bright").get(f"/api/v1/price-lists/{bright_list.id}").json["warnings"] == response.json["warnings"]


def test_removing_a_price_falls_back_to_the_markup(api_as, demo, bright_list, plans):
    basic = plans["microsoft-365/business-basic"]
    response = api_as("bright").open("DELETE", prices_url(bright_list, basic))
    assert response.status_code == 200
    assert str(basic.id) not in [entry["plan_id"] for entry in response.json["entries"]]
    assert harbour_pays(api_as, demo, "microsoft-365/business-basic") == "7.34"  # 5.87 + 25 %
    again = api_as("bright").open("DELETE", prices_url(bright_list, basic))
    assert again.status_code == 404


def test_a_tiered_price_can_be_set_again(api_as, wholesale, plans):
    response = put_price(api_as("northwind"), wholesale, plans["microsoft-365/business-basic"], unit_price="5.80",
                         volume_tiers=[{"min_quantity": 10, "unit_price": "5.60"}])
    assert response.status_code == 200


def test_a_tiered_price_can_be_removed(api_as, wholesale, plans):
    response = api_as("northwind").open("DELETE", prices_url(wholesale, plans["microsoft-365/business-basic"]))
    assert response.status_code == 200


def test_a_new_list_for_one_customer_prices_it(api_as, db, demo):
    harbour = demo["harbour"]
    response = api_as("bright").post("/api/v1/price-lists", json={
        "kind": "retail", "name": "Harbour deal", "currency": "eur", "buyer_id": str(harbour.id),
        "markup_percent": "10",
    })
    assert response.status_code == 201, response.json
    body = response.json
    assert response.headers["Location"] == f"http://localhost/api/v1/price-lists/{body['id']}"
    assert (body["currency"], body["buyer_id"], body["markup_percent"]) == ("EUR", str(harbour.id), "10")
    assert body["entries"] == [] and body["warnings"] == []
    assert harbour_pays(api_as, demo, "microsoft-365/business-standard") == "13.29"  # 12.08 + 10 %
    assert harbour_pays(api_as, demo, "microsoft-365/business-basic") == "6.46"  # the list has no hand-set price
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "price_list.created",
                                               AuditEvent.actor_id.is_not(None))).one().target_id == int(body["id"])


@pytest.mark.parametrize(
    ("slug", "other"),
    [("bright", "corner"), ("bright", "northwind"), ("corner", "bright"), ("northwind", "bright"), ("bright", None)],
)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_another_sellers_list_is_not_found(api_as, db, demo, plans, slug, other, method):
    price_list_id = db.scalar(select(PriceList.id).where(PriceList.seller_id == demo[other].id)) if other else MISSING_ID
    before = stored_prices(db)
    basic = plans["microsoft-365/business-basic"]
    url = f"/api/v1/price-lists/{price_list_id}" + (f"/prices/{basic.id}" if method != "GET" else "")
    response = api_as(slug).open(method, url, json={"unit_price": "0.01"})
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    if other:
        assert demo[other].name not in response.get_data(as_text=True)
    assert stored_prices(db) == before


def test_an_unknown_plan_is_not_found(api_as, bright_list):
    url = f"/api/v1/price-lists/{bright_list.id}/prices/{MISSING_ID}"
    assert api_as("bright").open("PUT", url, json={"unit_price": "1"}).status_code == 404
    assert api_as("bright").open("DELETE", url).status_code == 404


FLOAT = 'Send amounts as decimal strings, such as "12.50", never as JSON numbers.'


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"unit_price": 4.99}, {"unit_price": [FLOAT]}),
        ({"unit_price": 5}, {"unit_price": [FLOAT]}),
        ({"unit_price": "5", "setup_fee": 19.0}, {"setup_fee": [FLOAT]}),
        ({"unit_price": "5", "volume_tiers": [{"min_quantity": 10, "unit_price": 4.5}]},
         {"volume_tiers.0.unit_price": [FLOAT]}),
        ({"unit_price": "-1"}, ["unit_price"]),
        ({"unit_price": "5", "setup_fee": "-5"}, ["setup_fee"]),
        ({"unit_price": "abc"}, ["unit_price"]),
        ({"unit_price": "NaN"}, ["unit_price"]),
        ({"unit_price": "1e3"}, ["unit_price"]),
        ({"unit_price": "1.23456"}, ["unit_price"]),
        ({"unit_price": "100000000000000"}, ["unit_price"]),
        ({}, ["unit_price"]),
        ({"unit_price": "5", "colour": "blue"}, ["colour"]),
        ({"unit_price": "5", "volume_tiers": [{"min_quantity": 1, "unit_price": "4"}]}, ["volume_tiers.0.min_quantity"]),
        ({"unit_price": "5", "volume_tiers": [{"min_quantity": "10", "unit_price": "4"}]},
         ["volume_tiers.0.min_quantity"]),
        ({"unit_price": "5", "volume_tiers": [{"min_quantity": 10}]}, ["volume_tiers.0.unit_price"]),
        ({"unit_price": "5", "volume_tiers": {"10": "4"}}, ["volume_tiers"]),
        ({"unit_price": "5", "volume_tiers": [{"min_quantity": 10, "unit_price": "6"}]}, ["volume_tiers"]),
        ({"unit_price": "5", "volume_tiers": [{"min_quantity": 10, "unit_price": "4"},
                                              {"min_quantity": 10, "unit_price": "3"}]}, ["volume_tiers"]),
        ({"unit_price": "5", "volume_tiers": [{"min_quantity": 10, "unit_price": "4"},
                                              {"min_quantity": 20, "unit_price": "4.5"}]}, ["volume_tiers"]),
        ({"unit_price": "5", "volume_tiers": [{"min_quantity": 10, "unit_price": "-4"}]}, ["volume_tiers.0.unit_price"]),
    ],
)
def test_bad_prices_name_their_fields_and_change_nothing(api_as, db, bright_list, plans, body, fields):
    before = stored_prices(db)
    response = put_price(api_as("bright"), bright_list, plans["web-hosting/pro"], **body)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert (response.json["fields"] if isinstance(fields, dict) else sorted(response.json["fields"])) == fields
    assert stored_prices(db) == before


def test_a_plan_off_sale_cannot_be_priced(api_as, db, demo, bright_list, plans):
    premium = plans["microsoft-365/business-premium"]
    assert api_as("northwind").open("PUT", f"/api/v1/catalog/plans/{premium.id}/hidden").status_code == 200
    before = stored_prices(db)
    response = put_price(api_as("bright"), bright_list, premium, unit_price="30")
    assert response.status_code == 409 and list(response.json["fields"]) == ["plan_id"]  # clashes with the catalog
    assert stored_prices(db) == before


NEW_LIST = {"kind": "retail", "name": "Spring offer", "currency": "EUR", "tier": None}


@pytest.mark.parametrize(
    ("slug", "changes", "fields", "status"),
    [
        ("bright", {"kind": "wholesale", "buyer_id": None}, ["kind"], 422),  # only distributors sell wholesale
        ("bright", {"kind": "lifetime"}, ["kind"], 422),
        ("bright", {"currency": "euro"}, ["currency"], 422),
        ("bright", {"currency": "e1r"}, ["currency"], 422),
        ("bright", {"name": ""}, ["name"], 422),
        ("bright", {"name": "  "}, ["name"], 422),
        ("bright", {"tier": "gold"}, ["tier"], 422),
        ("bright", {"markup_percent": 12.5}, ["markup_percent"], 422),
        ("bright", {"markup_percent": "-100"}, ["markup_percent"], 422),
        ("bright", {"markup_percent": "12.3456"}, ["markup_percent"], 422),
        ("bright", {"buyer_id": "corner"}, ["buyer_id"], 404),
        ("bright", {"buyer_id": "solo"}, ["buyer_id"], 404),  # Northwind's customer, not Bright's
        ("northwind", {"buyer_id": "harbour"}, ["buyer_id"], 404),  # Bright's customer
        ("northwind", {"kind": "wholesale", "buyer_id": "solo"}, ["buyer_id"], 404),  # a customer buys retail
        ("bright", {"buyer_id": None}, ["audience"], 409),  # Bright already has a retail list for all its customers
    ],
)
def test_bad_price_lists_name_their_fields_and_create_nothing(api_as, db, demo, slug, changes, fields, status):
    # Each request would be fine but for the changes: a list for one customer of the seller's.
    body = {**NEW_LIST, "buyer_id": {"bright": "harbour", "northwind": "solo"}[slug], **changes}
    if body["buyer_id"] in demo:
        body["buyer_id"] = str(demo[body["buyer_id"]].id)
    before = stored_prices(db)
    response = api_as(slug).post("/api/v1/price-lists", json=body)
    assert response.status_code == status, response.json
    assert sorted(response.json["fields"]) == fields
    assert stored_prices(db) == before


def test_price_lists_need_manage_prices_even_to_read(api_as, db, demo, make_team, bright_list, plans):
    sales = api_as("bright", make_team("bright", "Sales", ["purchase", "manage_accounts", "view_billing"]))
    pro = plans["web-hosting/pro"]
    before = stored_prices(db)
    for method, url, body in [
        ("GET", "/api/v1/price-lists", None),
        ("POST", "/api/v1/price-lists", {**NEW_LIST, "buyer_id": str(demo["harbour"].id)}),
        ("GET", f"/api/v1/price-lists/{bright_list.id}", None),
        ("PUT", prices_url(bright_list, pro), {"unit_price": "1"}),
        ("DELETE", prices_url(bright_list, plans["microsoft-365/business-basic"]), None),
    ]:
        response = sales.open(method, url, json=body)
        assert response.status_code == 403, f"{method} {url}"
        assert "manage_prices" in response.json["detail"]
    assert stored_prices(db) == before
    assert sales.get("/api/v1/products").status_code == 200, "seeing what is for sale needs no permission"


def test_price_list_answers_are_documented(client, api_as, demo, bright_list, plans):
    document = client.get("/api/v1/openapi.json").json
    bright = api_as("bright")
    premium = plans["microsoft-365/business-premium"]
    answers = [
        ("/api/v1/price-lists", "get", bright.get("/api/v1/price-lists?limit=1")),
        ("/api/v1/price-lists", "post", bright.post("/api/v1/price-lists", json={
            **NEW_LIST, "buyer_id": str(demo["harbour"].id), "markup_percent": "12.5"})),
        ("/api/v1/price-lists", "post", bright.post("/api/v1/price-lists", json={"kind": 1})),
        ("/api/v1/price-lists/{price_list_id}", "get", bright.get(f"/api/v1/price-lists/{bright_list.id}")),
        ("/api/v1/price-lists/{price_list_id}", "get", bright.get(f"/api/v1/price-lists/{MISSING_ID}")),
        ("/api/v1/price-lists/{price_list_id}/prices/{plan_id}", "put", put_price(
            bright, bright_list, premium, unit_price="20", volume_tiers=[{"min_quantity": 5, "unit_price": "19"}])),
        ("/api/v1/price-lists/{price_list_id}/prices/{plan_id}", "put", put_price(
            bright, bright_list, premium, unit_price=20, volume_tiers=[{"min_quantity": 5, "unit_price": 19}])),
        ("/api/v1/price-lists/{price_list_id}/prices/{plan_id}", "delete", bright.open(
            "DELETE", prices_url(bright_list, plans["web-hosting/starter"]))),
    ]
    for path, method, response in answers:
        documented = document["paths"][path][method]["responses"][str(response.status_code)]
        conforms(document, response.json, documented["content"][response.mimetype]["schema"],
                 f"{method.upper()} {path} {response.status_code}")
