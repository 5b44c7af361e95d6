"""TMF622: product orders placed, listed, read and cancelled through the façade, each answer checked
against the v4 specification."""

import marshmallow
import pytest
from sqlalchemy import func, select

from core.models.orders import Order
from plugin_kit.testing import provision_due
from tests.fakes import FakeProduct
from tests.tmf.conftest import conforms

ORDERS = "/tmf-api/productOrderingManagement/v4/productOrder"
CANCELLATIONS = "/tmf-api/productOrderingManagement/v4/cancelProductOrder"
MISSING_ID = 987_654_321


def item(plan, seller, quantity=1, **extra):
    """An item adding ``plan`` as offered in the catalog of ``seller``, the seller the order buys from."""
    return {"id": "1", "action": "add", "quantity": quantity, "productOffering": {"id": f"{seller.id}-{plan.id}"},
            **extra}


def order(client, *items, **body):
    return client.post(ORDERS, json={"productOrderItem": list(items), **body})


def orders_in(db):
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Order))


def refused(response, field):
    assert response.status_code == 400, response.json
    conforms("TMF622", "Error", response.json)
    assert field in response.json["message"], response.json


@pytest.fixture
def waits_for_transfers(db, demo):
    """Bright IT confirms bank transfers before its customers' orders go ahead."""
    demo["bright"].payment_confirmation_methods = ["bank_transfer"]
    db.commit()


def test_an_order_is_acknowledged_in_progress_then_completed_with_its_product(api_as, db, demo, fake_catalog):
    harbour = api_as("harbour")
    placed = order(harbour, item(fake_catalog["small"], demo["bright"], 3), payment=[{"id": "card"}])
    assert placed.status_code == 201, placed.json
    conforms("TMF622", "ProductOrder", placed.json)
    body = placed.json
    assert placed.headers["Location"].endswith(f"{ORDERS}/{body['id']}")
    assert body["href"] == f"{ORDERS}/{body['id']}"
    assert (body["state"], body["@type"]) == ("inProgress", "ProductOrder")
    [ordered] = body["productOrderItem"]
    assert (ordered["action"], ordered["quantity"], ordered["state"]) == ("add", 3, "inProgress")
    assert ordered["productOffering"]["id"] == f"{demo['bright'].id}-{fake_catalog['small'].id}"
    assert ordered["itemTotalPrice"][0]["price"]["dutyFreeAmount"] == {"unit": "EUR", "value": 43.14}
    product_id = ordered["product"]["id"]
    assert ordered["product"]["href"].endswith(f"/productInventoryManagement/v4/product/{product_id}")
    assert {(party["role"], party["id"]) for party in body["relatedParty"]} == {
        ("customer", str(demo["harbour"].id)), ("buyer", str(demo["harbour"].id)),
        ("payer", str(demo["harbour"].id)), ("seller", str(demo["bright"].id))}

    provision_due(db)
    read = harbour.get(f"{ORDERS}/{body['id']}")
    assert read.status_code == 200
    conforms("TMF622", "ProductOrder", read.json)
    assert read.json["state"] == "completed" and read.json["completionDate"].endswith("Z")


class DomainParams(marshmallow.Schema):
    domain_name = marshmallow.fields.String(required=True)


class FakeWithParams(FakeProduct):
    """The fake product whose Small plan asks for a domain name."""

    plans = tuple(plan if plan.code != "small" else type(plan)(**{**plan.__dict__, "params": DomainParams})
                  for plan in FakeProduct.plans)


def test_characteristics_are_the_plans_params_on_the_order_and_its_product(api_as, demo, db, fake_catalog, fake_plugin):
    fake_plugin.product_types = [FakeWithParams(fake_plugin.vendor)]
    harbour = api_as("harbour")
    domain = [{"name": "domain_name", "value": "harbour-dental.example"}]
    missing = order(harbour, item(fake_catalog["small"], demo["bright"]))
    refused(missing, "productOrderItem.0.product.productCharacteristic.domain_name")

    placed = order(harbour, item(fake_catalog["small"], demo["bright"], product={"productCharacteristic": domain}))
    assert placed.status_code == 201, placed.json
    conforms("TMF622", "ProductOrder", placed.json)
    ordered = placed.json["productOrderItem"][0]["product"]
    assert ordered["productCharacteristic"] == domain
    provision_due(db)
    product = harbour.get(ordered["href"]).json
    conforms("TMF637", "Product", product)
    assert product["status"] == "active"
    assert product["productCharacteristic"] == [*domain, {"name": "quantity", "value": 1, "valueType": "integer"}]


def test_a_plan_without_params_refuses_characteristics(api_as, demo, db, fake_catalog):
    before = orders_in(db)
    placed = order(api_as("harbour"), item(fake_catalog["small"], demo["bright"], product={
        "productCharacteristic": [{"name": "colour", "value": "blue"}]}))
    refused(placed, "productOrderItem.0.product.productCharacteristic")
    assert orders_in(db) == before


@pytest.mark.parametrize(("change", "field"), [
    (lambda plans, bright: {"productOrderItem": [item(plans["small"], bright) | {"productOffering": {"id": str(MISSING_ID)}}]},
     "productOrderItem.0.productOffering.id"),
    (lambda plans, bright: {"productOrderItem": [item(plans["small"], bright) | {"productOffering": {"id": "small"}}]},
     "productOrderItem.0.productOffering.id"),
    (lambda plans, bright: {"productOrderItem": [item(plans["small"], bright, 0)]}, "productOrderItem.0.quantity"),
    (lambda plans, bright: {"productOrderItem": [item(plans["small"], bright, "2")]}, "productOrderItem.0.quantity"),
    (lambda plans, bright: {"productOrderItem": []}, "productOrderItem"),
    (lambda plans, bright: {}, "productOrderItem"),
    (lambda plans, bright: {"productOrderItem": [item(plans["small"], bright) | {"action": "delete"}]},
     "productOrderItem.0.action"),
    (lambda plans, bright: {"productOrderItem": [item(plans["small"], bright)], "payment": [{"id": "cheque"}]}, "payment"),
    (lambda plans, bright: {"productOrderItem": [item(plans["small"], bright)],
                    "relatedParty": [{"id": str(MISSING_ID), "role": "payer", "@referredType": "Organization"}]},
     "relatedParty.payer"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_ordered(api_as, demo, db, fake_catalog, change, field):
    before = orders_in(db)
    placed = api_as("harbour").post(ORDERS, json=change(fake_catalog, demo["bright"]))
    refused(placed, field)
    assert orders_in(db) == before


def test_a_body_that_is_no_json_object_is_refused(api_as):
    refused(api_as("harbour").post(ORDERS, data="[]", content_type="application/json"), "body")


def test_a_reseller_orders_for_its_customer_who_never_sees_the_distributor(api_as, db, demo, fake_catalog):
    bright = api_as("bright")
    customer = {"id": str(demo["harbour"].id), "role": "customer", "@referredType": "Organization"}
    placed = order(bright, item(fake_catalog["small"], demo["bright"]), relatedParty=[customer])
    assert placed.status_code == 201, placed.json
    assert {party["role"]: party["id"] for party in placed.json["relatedParty"]} == {
        "customer": str(demo["harbour"].id), "buyer": str(demo["bright"].id),
        "payer": str(demo["harbour"].id), "seller": str(demo["bright"].id)}

    northwind = api_as("northwind")
    for_harbour = order(northwind, item(fake_catalog["small"], demo["bright"]), relatedParty=[customer])
    assert for_harbour.status_code == 201, for_harbour.json
    seen = api_as("harbour").get(f"{ORDERS}/{for_harbour.json['id']}")
    assert seen.status_code == 200
    conforms("TMF622", "ProductOrder", seen.json)
    assert str(demo["northwind"].id) not in {party["id"] for party in seen.json["relatedParty"]}
    assert "Northwind" not in seen.get_data(as_text=True)


def test_a_customer_out_of_reach_is_not_found(api_as, db, demo, fake_catalog):
    bright = api_as("bright")
    before = orders_in(db)
    placed = order(bright, item(fake_catalog["small"], demo["bright"]),
                   relatedParty=[{"id": str(demo["solo"].id), "role": "customer", "@referredType": "Organization"}])
    assert placed.status_code == 404, placed.json
    conforms("TMF622", "Error", placed.json)
    assert orders_in(db) == before


def test_another_tenants_order_is_not_found_like_a_missing_one(api_as, db, demo, fake_catalog):
    theirs = order(api_as("maple"), item(fake_catalog["small"], demo["bright"]))
    assert theirs.status_code == 201, theirs.json
    harbour = api_as("harbour")
    for order_id in (theirs.json["id"], str(MISSING_ID), "not-a-number"):
        found = harbour.get(f"{ORDERS}/{order_id}")
        assert found.status_code == 404, order_id
        conforms("TMF622", "Error", found.json)
        assert "Maple" not in found.get_data(as_text=True)
    cancelled = harbour.post(CANCELLATIONS, json={"productOrder": {"id": theirs.json["id"]}})
    assert cancelled.status_code == 404
    assert harbour.get(ORDERS).json == []


def test_the_list_is_an_array_paged_with_counts_filtered_by_state_and_fields(api_as, db, demo, fake_catalog,
                                                                              waits_for_transfers):
    harbour = api_as("harbour")
    waiting = [order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "bank_transfer"}]).json["id"]
               for _ in range(3)]
    going = order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "card"}]).json["id"]

    listed = harbour.get(f"{ORDERS}?offset=1&limit=2")
    assert listed.status_code == 200
    assert (listed.headers["X-Total-Count"], listed.headers["X-Result-Count"]) == ("4", "2")
    assert [each["id"] for each in listed.json] == [waiting[2], waiting[1]]
    for each in listed.json:
        conforms("TMF622", "ProductOrder", each)

    acknowledged = harbour.get(f"{ORDERS}?state=acknowledged&fields=state")
    assert acknowledged.json == [{"id": id_, "href": f"{ORDERS}/{id_}", "@type": "ProductOrder",
                                  "state": "acknowledged"} for id_ in reversed(waiting)]
    assert [each["id"] for each in harbour.get(f"{ORDERS}?state=inProgress").json] == [going]
    held = harbour.get(f"{ORDERS}?state=held")
    assert (held.json, held.headers["X-Total-Count"]) == ([], "0")
    refused(harbour.get(f"{ORDERS}?state=asleep"), "state")
    refused(harbour.get(f"{ORDERS}?colour=blue"), "colour")
    refused(harbour.get(f"{ORDERS}?limit=0"), "limit")


def test_an_order_waiting_for_payment_is_cancelled_and_a_provisioned_one_is_a_conflict(api_as, demo, db, fake_catalog,
                                                                                       waits_for_transfers):
    harbour = api_as("harbour")
    waiting = order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "bank_transfer"}]).json
    assert waiting["state"] == "acknowledged" and "id" not in waiting["productOrderItem"][0]["product"]
    cancelled = harbour.post(CANCELLATIONS, json={"productOrder": {"id": waiting["id"]},
                                                  "cancellationReason": "Ordered twice"})
    assert cancelled.status_code == 201, cancelled.json
    conforms("TMF622", "CancelProductOrder", cancelled.json)
    assert (cancelled.json["state"], cancelled.json["cancellationReason"]) == ("done", "Ordered twice")
    read = harbour.get(cancelled.json["href"])
    assert read.status_code == 200
    conforms("TMF622", "CancelProductOrder", read.json)
    assert harbour.get(f"{ORDERS}/{waiting['id']}").json["state"] == "cancelled"

    going = order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "card"}]).json
    clash = harbour.post(CANCELLATIONS, json={"productOrder": {"id": going["id"]}})
    assert clash.status_code == 409, clash.json
    conforms("TMF622", "Error", clash.json)
    assert harbour.get(f"{CANCELLATIONS}/{going['id']}").status_code == 404
    refused(harbour.post(CANCELLATIONS, json={}), "productOrder.id")


def test_an_order_sent_again_with_its_idempotency_key_is_placed_once(api_as, demo, db, fake_catalog):
    harbour = api_as("harbour")
    body = {"productOrderItem": [item(fake_catalog["small"], demo["bright"])], "payment": [{"id": "card"}]}
    before = orders_in(db)
    first = harbour.post(ORDERS, json=body, headers={"Idempotency-Key": "tmf-order-1"})
    again = harbour.post(ORDERS, json=body, headers={"Idempotency-Key": "tmf-order-1"})
    assert (first.status_code, again.status_code) == (201, 201), again.json
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert orders_in(db) == before + 1
    other = harbour.post(ORDERS, json={**body, "payment": [{"id": "on_account"}]},
                         headers={"Idempotency-Key": "tmf-order-1"})
    assert other.status_code == 409, other.json
    conforms("TMF622", "Error", other.json)
    assert orders_in(db) == before + 1


def test_a_patch_or_a_delete_withdraws_an_order_waiting_for_payment_and_it_stays_readable(api_as, demo, db, fake_catalog,
                                                                                          waits_for_transfers):
    harbour = api_as("harbour")
    patched = order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "bank_transfer"}]).json
    withdrawn = harbour.patch(f"{ORDERS}/{patched['id']}", json={"state": "cancelled", "cancellationReason": "Too many"})
    assert withdrawn.status_code == 200, withdrawn.json
    conforms("TMF622", "ProductOrder", withdrawn.json)
    assert (withdrawn.json["state"], withdrawn.json["cancellationReason"]) == ("cancelled", "Too many")
    assert withdrawn.json["cancellationDate"].endswith("Z")

    deleted = order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "bank_transfer"}]).json
    assert harbour.open("DELETE", f"{ORDERS}/{deleted['id']}").status_code == 204
    assert harbour.open("DELETE", f"{ORDERS}/{deleted['id']}").status_code == 204  # done twice, done once
    read = harbour.get(f"{ORDERS}/{deleted['id']}")
    conforms("TMF622", "ProductOrder", read.json)
    assert read.json["state"] == "cancelled"
    assert harbour.get(f"{CANCELLATIONS}/{deleted['id']}").json["state"] == "done"


def test_a_started_order_is_not_withdrawn_and_nothing_else_of_an_order_changes(api_as, demo, db, fake_catalog,
                                                                               waits_for_transfers):
    harbour = api_as("harbour")
    going = order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "card"}]).json
    for clash in (harbour.patch(f"{ORDERS}/{going['id']}", json={"state": "cancelled"}),
                  harbour.open("DELETE", f"{ORDERS}/{going['id']}")):
        assert clash.status_code == 409, clash.json
        conforms("TMF622", "Error", clash.json)
    assert harbour.get(f"{ORDERS}/{going['id']}").json["state"] == "inProgress"

    waiting = order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "bank_transfer"}]).json
    refused(harbour.patch(f"{ORDERS}/{waiting['id']}", json={"state": "completed"}), "state")
    refused(harbour.patch(f"{ORDERS}/{waiting['id']}", json={"state": "cancelled", "productOrderItem": []}),
            "productOrderItem")
    refused(harbour.patch(f"{ORDERS}/{waiting['id']}", json={"state": "cancelled", "cancellationReason": 7}),
            "cancellationReason")
    assert harbour.get(f"{ORDERS}/{waiting['id']}").json["state"] == "acknowledged"
    for missing in (harbour.patch(f"{ORDERS}/{MISSING_ID}", json={"state": "cancelled"}),
                    harbour.open("DELETE", f"{ORDERS}/{MISSING_ID}"),
                    api_as("maple").open("DELETE", f"{ORDERS}/{waiting['id']}")):
        assert missing.status_code == 404, missing.json
        conforms("TMF622", "Error", missing.json)
