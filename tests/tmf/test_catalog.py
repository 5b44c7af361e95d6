"""TMF620: the catalogs each caller sees, at its own prices, checked against the v4 specification."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models.catalog import Product
from core.plugins import product_types
from core.services.catalog import sync_catalog
from tests.fakes import FakeProduct
from tests.tmf.conftest import conforms

API = "/tmf-api/productCatalogManagement/v4"
#: Each resource of the API, by its path, and the definition of the specification it follows.
RESOURCES = {"catalog": "Catalog", "category": "Category", "productSpecification": "ProductSpecification",
             "productOffering": "ProductOffering", "productOfferingPrice": "ProductOfferingPrice"}


def listed(client, path, query=""):
    """A whole list, checked: a JSON array of valid resources, counted in its headers."""
    response = client.get(f"{API}/{path}{query}")
    assert response.status_code == 200, response.json
    assert isinstance(response.json, list)
    assert response.headers["X-Result-Count"] == str(len(response.json))
    for item in response.json:
        conforms("TMF620", RESOURCES[path], item)
    return response


def refused(response, status, field=None):
    """Check a TMF error answer; ``field`` is what its message must name."""
    assert response.status_code == status, response.json
    conforms("TMF620", "Error", response.json)
    assert response.json["code"] == str(status) and response.json["@type"] == "Error"
    if field:
        assert field in response.json["message"]


def price(client, plan, catalog_id):
    """The recurring unit price of ``plan`` in the catalog ``catalog_id``, as the caller sees it."""
    found = client.get(f"{API}/productOfferingPrice/{catalog_id}-{plan.id}-price")
    assert found.status_code == 200, found.json
    return found.json["price"]


@pytest.mark.parametrize("slug", ["harbour", "bright", "northwind", "solo"])
@pytest.mark.parametrize("path", list(RESOURCES))
def test_every_resource_follows_the_specification_in_lists_and_alone(api_as, shops, slug, path):
    client = api_as(slug)
    items = listed(client, path).json
    assert items
    assert client.get(f"{API}/{path}").headers["X-Total-Count"] == str(len(items))
    for item in items:
        assert isinstance(item["id"], str) and item["href"].endswith(f"{API}/{path}/{item['id']}")
        alone = client.get(f"{API}/{path}/{item['id']}")
        assert alone.status_code == 200 and alone.json == item


def test_a_customer_sees_its_resellers_catalog_only(api_as, shops, demo):
    catalogs = listed(api_as("harbour"), "catalog").json
    assert [(catalog["id"], catalog["name"]) for catalog in catalogs] == [(str(demo["bright"].id), "Bright IT catalog")]


def test_a_reseller_sees_the_catalog_it_buys_from_and_its_own(api_as, shops, demo):
    catalogs = listed(api_as("bright"), "catalog").json
    assert [catalog["id"] for catalog in catalogs] == [str(demo["northwind"].id), str(demo["bright"].id)]


def test_a_customer_pays_its_resellers_retail_price_and_the_reseller_its_wholesale_price(api_as, shops, demo, plans):
    basic, starter = plans["microsoft-365/business-basic"], plans["web-hosting/starter"]
    harbour, bright = api_as("harbour"), api_as("bright")
    assert price(harbour, basic, demo["bright"].id) == {"unit": "EUR", "value": 7.50}
    assert price(bright, basic, demo["northwind"].id) == {"unit": "EUR", "value": 5.87}
    setup = harbour.get(f"{API}/productOfferingPrice/{demo['bright'].id}-{starter.id}-setup").json
    assert (setup["priceType"], setup["price"]) == ("oneTime", {"unit": "EUR", "value": 19.0})
    recurring = harbour.get(f"{API}/productOfferingPrice/{demo['bright'].id}-{starter.id}-price").json
    assert (recurring["recurringChargePeriodType"], recurring["recurringChargePeriodLength"]) == ("month", 1)


def test_an_offering_names_its_prices_and_its_specification(api_as, shops, demo, plans):
    basic = plans["microsoft-365/business-basic"]
    offering = api_as("harbour").get(f"{API}/productOffering/{demo['bright'].id}-{basic.id}").json
    assert offering["isSellable"] is True and offering["lifecycleStatus"] == "Launched"
    assert offering["productSpecification"]["id"] == str(basic.product.id)
    assert [ref["id"] for ref in offering["productOfferingPrice"]] == [f"{demo['bright'].id}-{basic.id}-price"]


def test_no_answer_to_a_resellers_customer_names_the_distributor(api_as, shops):
    harbour = api_as("harbour")
    for path in RESOURCES:
        answer = listed(harbour, path)
        assert "Northwind" not in answer.get_data(as_text=True), path
        for item in answer.json:
            assert "Northwind" not in harbour.get(f"{API}/{path}/{item['id']}").get_data(as_text=True)


def test_the_catalog_filter_tells_a_resellers_two_catalogs_apart(api_as, shops, demo, plans):
    bright, basic = api_as("bright"), plans["microsoft-365/business-basic"]
    for seller in ("northwind", "bright"):
        catalog_id = str(demo[seller].id)
        offerings = listed(bright, "productOffering", f"?catalog.id={catalog_id}").json
        assert offerings and all(offering["id"].startswith(f"{catalog_id}-") for offering in offerings)
        prices = listed(bright, "productOfferingPrice", f"?catalog.id={catalog_id}").json
        assert prices and all(item["id"].startswith(f"{catalog_id}-") for item in prices)
    wholesale, retail = price(bright, basic, demo["northwind"].id), price(bright, basic, demo["bright"].id)
    assert wholesale["value"] < retail["value"]


def test_lists_filter_on_attributes(api_as, shops, plans):
    harbour, basic = api_as("harbour"), plans["microsoft-365/business-basic"]
    named = listed(harbour, "productOffering", f"?name={basic.title()}").json
    assert [offering["name"] for offering in named] == [basic.title()]
    assert listed(harbour, "productOffering", "?lifecycleStatus=Retired").json == []
    everything = listed(harbour, "productOffering").json
    assert len(listed(harbour, "productOffering", "?lifecycleStatus=Launched").json) == len(everything)
    one_time = listed(harbour, "productOfferingPrice", "?priceType=oneTime").json
    assert one_time and all(item["priceType"] == "oneTime" for item in one_time)
    office = listed(harbour, "productOffering", "?category.id=office365").json
    assert office and all(offering["category"][0]["id"] == "office365" for offering in office)


def test_fields_keeps_only_the_attributes_named(api_as, shops):
    items = listed(api_as("harbour"), "productOffering", "?fields=name").json
    assert items and all(set(item) == {"id", "href", "@type", "name"} for item in items)


def test_offset_and_limit_cut_a_page_and_the_headers_count_both(api_as, shops):
    harbour = api_as("harbour")
    everything = listed(harbour, "productOffering").json
    page = listed(harbour, "productOffering", "?offset=2&limit=3")
    assert page.json == everything[2:5]
    assert (page.headers["X-Total-Count"], page.headers["X-Result-Count"]) == (str(len(everything)), "3")
    last = listed(harbour, "productOffering", f"?offset={len(everything) - 1}&limit=10")
    assert last.json == everything[-1:]


@pytest.mark.parametrize("limit", ["0", "x", "5000"])
def test_a_bad_limit_is_refused_naming_it(api_as, shops, limit):
    refused(api_as("harbour").get(f"{API}/productOffering?limit={limit}"), 400, "limit")


@pytest.mark.parametrize(("query", "field"), [("colour=blue", "colour"), ("isSellable=maybe", "isSellable"),
                                              ("offset=-1", "offset")])
def test_an_unknown_filter_or_unreadable_value_is_refused_naming_it(api_as, shops, query, field):
    refused(api_as("harbour").get(f"{API}/productOffering?{query}"), 400, field)


def test_what_is_not_on_sale_to_the_caller_is_not_found(api_as, shops, demo, plans):
    harbour, basic = api_as("harbour"), plans["microsoft-365/business-basic"]
    northwind, corner = demo["northwind"].id, demo["corner"].id
    for path in (f"productOffering/{northwind}-{basic.id}", f"productOffering/{corner}-{basic.id}",
                 f"productOfferingPrice/{northwind}-{basic.id}-price", f"catalog/{northwind}", f"catalog/{corner}",
                 "productOffering/nothing", "category/nothing", "productSpecification/987654321"):
        refused(harbour.get(f"{API}/{path}"), 404)


def test_a_call_without_a_key_is_refused_with_the_tmf_error(client):
    response = client.get(f"{API}/productOffering")
    refused(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_distributor_retires_an_offering_down_its_tree_and_launches_it_again(api_as, shops, demo, plans):
    northwind, bright, harbour = api_as("northwind"), api_as("bright"), api_as("harbour")
    basic = plans["microsoft-365/business-basic"]
    own = f"{API}/productOffering/{demo['northwind'].id}-{basic.id}"  # what Bright IT buys
    sold_on = f"{API}/productOffering/{demo['bright'].id}-{basic.id}"  # what Harbour buys
    retired = northwind.patch(own, json={"lifecycleStatus": "Retired"})
    assert retired.status_code == 200, retired.json
    conforms("TMF620", "ProductOffering", retired.json)
    assert (retired.json["lifecycleStatus"], retired.json["isSellable"]) == ("Retired", False)
    assert [item["id"] for item in listed(northwind, "productOffering", "?lifecycleStatus=Retired").json] == [
        retired.json["id"]]
    refused(bright.get(own), 404)
    refused(harbour.get(sold_on), 404)
    merge_patch = {"Content-Type": "application/merge-patch+json"}
    launched = northwind.patch(own, data='{"lifecycleStatus": "Launched"}', headers=merge_patch)
    assert (launched.status_code, launched.json["lifecycleStatus"], launched.json["isSellable"]) == (200, "Launched", True)
    assert harbour.get(sold_on).json["isSellable"] is True


@pytest.mark.parametrize(("body", "field"), [({"lifecycleStatus": "Gone"}, "lifecycleStatus"), ({}, "lifecycleStatus"),
                                             ({"lifecycleStatus": "Retired", "name": "Cheap"}, "name")])
def test_a_patch_changes_the_lifecycle_status_only(api_as, shops, demo, plans, body, field):
    northwind, basic = api_as("northwind"), plans["microsoft-365/business-basic"]
    url = f"{API}/productOffering/{demo['northwind'].id}-{basic.id}"
    refused(northwind.patch(url, json=body), 400, field)
    assert northwind.get(url).json["lifecycleStatus"] == "Launched"


@pytest.mark.parametrize(("slug", "seller", "status"), [("bright", "bright", 403), ("bright", "northwind", 403),
                                                         ("harbour", "bright", 403), ("harbour", "corner", 404),
                                                         ("bright", "corner", 404)])
def test_only_a_distributor_retires_its_own_offerings(api_as, shops, demo, plans, slug, seller, status):
    basic = plans["microsoft-365/business-basic"]
    url = f"{API}/productOffering/{demo[seller].id}-{basic.id}"
    refused(api_as(slug).patch(url, json={"lifecycleStatus": "Retired"}), status)
    assert api_as("harbour").get(f"{API}/productOffering/{demo['bright'].id}-{basic.id}").status_code == 200


def test_a_distributor_deletes_an_offering_which_stays_readable_retired_and_creates_it_again(api_as, shops, demo, plans):
    northwind, bright = api_as("northwind"), api_as("bright")
    basic = plans["microsoft-365/business-basic"]
    offering = f"{demo['northwind'].id}-{basic.id}"
    assert northwind.open("DELETE", f"{API}/productOffering/{offering}").status_code == 204
    assert northwind.open("DELETE", f"{API}/productOffering/{offering}").status_code == 204  # done twice, done once
    assert northwind.get(f"{API}/productOffering/{offering}").json["lifecycleStatus"] == "Retired"
    refused(bright.get(f"{API}/productOffering/{offering}"), 404)

    body = {"name": basic.title(), "productSpecification": {"id": str(basic.product_id)}, "@type": "ProductOffering"}
    created = northwind.post(f"{API}/productOffering", json=body)
    assert created.status_code == 201, created.json
    conforms("TMF620", "ProductOffering", created.json)
    assert (created.json["id"], created.json["lifecycleStatus"]) == (offering, "Launched")
    assert created.headers["Location"] == f"http://localhost{created.json['href']}"
    assert bright.get(f"{API}/productOffering/{offering}").status_code == 200
    refused(northwind.post(f"{API}/productOffering", json=body), 409)


def test_creating_an_offering_of_a_product_not_on_sale_puts_that_one_plan_on_sale(api_as, db, shops, demo, fake_plugin):
    sync_catalog(db, product_types())
    db.commit()
    product = db.scalar(select(Product).where(Product.key == FakeProduct.key))
    small, large = sorted(product.plans, key=lambda plan: plan.rank)
    northwind = api_as("northwind")
    specification = f"{API}/productSpecification/{product.id}"
    assert northwind.get(specification).status_code == 200  # a distributor sees what it may put on sale
    assert api_as("bright").get(specification).status_code == 404

    created = northwind.post(f"{API}/productOffering", json={"name": "small", "productSpecification": {"id": str(product.id)}})
    assert created.status_code == 201, created.json
    statuses = {item["id"]: item["lifecycleStatus"] for item in listed(northwind, "productOffering").json}
    assert statuses[f"{demo['northwind'].id}-{small.id}"] == "Launched"
    assert statuses[f"{demo['northwind'].id}-{large.id}"] == "Retired"


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"name": "Nothing", "productSpecification": {"id": "{product}"}}, 400, "name"),
    ({"name": "{plan}", "productSpecification": {"id": "987654321"}}, 400, "productSpecification.id"),
    ({"name": "{plan}"}, 400, "productSpecification.id"),
    ({"name": "{plan}", "productSpecification": {"id": "{product}"}, "isSellable": False}, 400, "isSellable"),
    ({"name": "{plan}", "productSpecification": {"id": "{product}"}, "lifecycleStatus": "Retired"}, 400, "lifecycleStatus"),
])
def test_an_offering_that_cannot_be_created_is_refused_naming_the_field(api_as, shops, demo, plans, body, status, field):
    basic = plans["microsoft-365/business-basic"]
    northwind = api_as("northwind")
    assert northwind.open("DELETE", f"{API}/productOffering/{demo['northwind'].id}-{basic.id}").status_code == 204
    filled = {name: value.format(plan=basic.code) if isinstance(value, str) else value for name, value in body.items()}
    if "productSpecification" in body:
        filled["productSpecification"] = {"id": body["productSpecification"]["id"].format(product=basic.product_id)}
    refused(northwind.post(f"{API}/productOffering", json=filled), status, field)
    assert northwind.get(f"{API}/productOffering/{demo['northwind'].id}-{basic.id}").json["lifecycleStatus"] == "Retired"
    refused(api_as("bright").post(f"{API}/productOffering", json={"name": basic.code, "productSpecification": {
        "id": str(basic.product_id)}}), 403)


def test_a_seller_sets_its_retail_price_and_setup_fee_and_takes_them_out(api_as, shops, demo, plans):
    bright, harbour = api_as("bright"), api_as("harbour")
    basic = plans["microsoft-365/business-basic"]
    own, bought = f"{demo['bright'].id}-{basic.id}", f"{demo['bright'].id}-{basic.id}"
    set_at = bright.patch(f"{API}/productOfferingPrice/{own}-price", json={"price": {"unit": "EUR", "value": 7.35}})
    assert set_at.status_code == 200, set_at.json
    conforms("TMF620", "ProductOfferingPrice", set_at.json)
    assert set_at.json["price"] == {"unit": "EUR", "value": 7.35}
    assert price(harbour, basic, demo["bright"].id) == {"unit": "EUR", "value": 7.35}  # Harbour pays it at once
    fee = bright.patch(f"{API}/productOfferingPrice/{bought}-setup", json={"price": {"unit": "EUR", "value": 20}})
    assert (fee.status_code, fee.json["price"]) == (200, {"unit": "EUR", "value": 20.0}), fee.json
    assert harbour.get(f"{API}/productOfferingPrice/{own}-setup").json["priceType"] == "oneTime"

    assert bright.open("DELETE", f"{API}/productOfferingPrice/{own}-setup").status_code == 204
    refused(harbour.get(f"{API}/productOfferingPrice/{own}-setup"), 404)
    assert bright.open("DELETE", f"{API}/productOfferingPrice/{own}-price").status_code == 204
    assert price(harbour, basic, demo["bright"].id) != {"unit": "EUR", "value": 7.35}  # back to the list's markup
    refused(bright.open("DELETE", f"{API}/productOfferingPrice/{own}-price"), 404)


@pytest.mark.parametrize(("body", "field"), [
    ({"price": {"unit": "EUR", "value": "7.35"}}, "price.value"),
    ({"price": {"unit": "EUR", "value": 7.355}}, "price.value"),
    ({"price": {"unit": "EUR", "value": -1}}, "price.value"),
    ({"price": {"unit": "USD", "value": 7}}, "price.unit"),
    ({"price": {"unit": "EUR", "value": 7}, "priceType": "oneTime"}, "priceType"),
    ({}, "price.unit"),
])
def test_a_price_that_cannot_be_set_is_refused_naming_the_field_and_nothing_changes(api_as, shops, demo, plans, body, field):
    bright, basic = api_as("bright"), plans["microsoft-365/business-basic"]
    before = price(bright, basic, demo["bright"].id)
    refused(bright.patch(f"{API}/productOfferingPrice/{demo['bright'].id}-{basic.id}-price", json=body), 400, field)
    assert price(bright, basic, demo["bright"].id) == before


@pytest.mark.parametrize(("slug", "seller", "status"), [("bright", "northwind", 403), ("harbour", "bright", 403),
                                                         ("harbour", "corner", 404), ("bright", "corner", 404)])
def test_only_the_seller_sets_its_prices(api_as, shops, demo, plans, slug, seller, status):
    basic = plans["microsoft-365/business-basic"]
    url = f"{API}/productOfferingPrice/{demo[seller].id}-{basic.id}-price"
    refused(api_as(slug).patch(url, json={"price": {"unit": "EUR", "value": 1}}), status)


@pytest.mark.parametrize(("method", "path"), [("POST", "catalog"), ("DELETE", "catalog/1"), ("POST", "category"),
                                              ("PATCH", "category/microsoft_365"), ("POST", "productSpecification"),
                                              ("DELETE", "productSpecification/1"), ("POST", "productOfferingPrice")])
def test_what_cascade_does_not_create_or_change_here_answers_405_saying_why(api_as, shops, method, path):
    answer = api_as("northwind").open(method, f"{API}/{path}", json={"name": "New"})
    refused(answer, 405)
    assert answer.headers["Allow"] == "GET" and len(answer.json["message"]) > 30
