"""TMF637: the subscriptions as products, as each caller may see them, each answer checked against the v4
specification; ordered through TMF622 and provisioned by the worker."""

import pytest
from sqlalchemy import func, select

from core.models.orders import Order
from core.models.subscriptions import Subscription, SubscriptionStatus, SuspendReason
from plugin_kit.testing import KeyClient, provision_due
from tests.processes import cascade_env, start_logged, stop, wait_until
from tests.tmf.conftest import conforms

ORDERS = "/tmf-api/productOrderingManagement/v4/productOrder"
PRODUCTS = "/tmf-api/productInventoryManagement/v4/product"
MISSING_ID = 987_654_321
#: Time a worker gets to start, take the task and reach the vendor.
WORKER_SECONDS = 60.0


def order(client, offering, quantity=1, **body):
    """Order the product offering ``offering`` (``<seller id>-<plan id>``) through TMF622."""
    item = {"id": "1", "action": "add", "quantity": quantity, "productOffering": {"id": offering}}
    placed = client.post(ORDERS, json={"productOrderItem": [item], **body})
    assert placed.status_code == 201, placed.json
    return placed.json


def product_of(placed):
    return placed["productOrderItem"][0]["product"]["id"]


def parties(product):
    return {party["role"]: party["id"] for party in product["relatedParty"]}


def quantity_of(product):
    return next(each["value"] for each in product["productCharacteristic"] if each["name"] == "quantity")


def test_an_order_reaches_an_active_product_once_provisioned(api_as, db, demo, fake_catalog):
    harbour = api_as("harbour")
    product_id = product_of(order(harbour, f"{demo['bright'].id}-{fake_catalog['small'].id}", 3))
    pending = harbour.get(f"{PRODUCTS}/{product_id}")
    assert pending.status_code == 200
    conforms("TMF637", "Product", pending.json)
    assert pending.json["status"] == "pendingActive" and "startDate" not in pending.json

    provision_due(db)
    active = harbour.get(f"{PRODUCTS}/{product_id}")
    conforms("TMF637", "Product", active.json)
    body = active.json
    assert (body["id"], body["href"], body["@type"], body["status"]) == (
        product_id, f"{PRODUCTS}/{product_id}", "Product", "active")
    assert body["startDate"].endswith("Z") and "terminationDate" not in body
    assert body["productOffering"]["id"] == f"{demo['bright'].id}-{fake_catalog['small'].id}"  # as the catalog offers it
    assert body["productSpecification"]["id"] == str(fake_catalog["small"].product_id)
    assert quantity_of(body) == 3
    assert parties(body) == {"customer": str(demo["harbour"].id), "payer": str(demo["harbour"].id),
                             "seller": str(demo["bright"].id)}
    [price] = body["productPrice"]
    assert (price["priceType"], price["recurringChargePeriod"]) == ("recurring", "month")
    assert price["price"]["dutyFreeAmount"] == {"unit": "EUR", "value": 43.14}


def test_a_customer_whose_reseller_pays_sees_neither_price_nor_distributor(api_as, db, demo, fake_catalog):
    bright = api_as("bright")
    customer = {"id": str(demo["harbour"].id), "role": "customer", "@referredType": "Organization"}
    payer = {"id": str(demo["bright"].id), "role": "payer", "@referredType": "Organization"}
    product_id = product_of(order(bright, f"{demo['northwind'].id}-{fake_catalog['small'].id}", relatedParty=[customer, payer],
                                  payment=[{"id": "on_account"}]))
    provision_due(db)

    seen_by_bright = bright.get(f"{PRODUCTS}/{product_id}").json
    conforms("TMF637", "Product", seen_by_bright)
    assert parties(seen_by_bright) == {"customer": str(demo["harbour"].id), "payer": str(demo["bright"].id),
                                       "seller": str(demo["northwind"].id)}
    assert seen_by_bright["productPrice"][0]["price"]["dutyFreeAmount"] == {"unit": "EUR", "value": 11.5}

    seen = api_as("harbour").get(f"{PRODUCTS}/{product_id}")
    conforms("TMF637", "Product", seen.json)
    assert parties(seen.json) == {"customer": str(demo["harbour"].id), "payer": str(demo["bright"].id)}
    assert "productPrice" not in seen.json
    assert "Northwind" not in seen.get_data(as_text=True)


def test_another_tenants_product_is_not_found_like_a_missing_one(api_as, db, demo, fake_catalog):
    theirs = product_of(order(api_as("maple"), f"{demo['bright'].id}-{fake_catalog['small'].id}"))
    harbour = api_as("harbour")
    for product_id in (theirs, str(MISSING_ID), "not-a-number"):
        for answer in (harbour.get(f"{PRODUCTS}/{product_id}"),
                       harbour.patch(f"{PRODUCTS}/{product_id}",
                                     json={"productCharacteristic": [{"name": "quantity", "value": 2}]}),
                       harbour.open("DELETE", f"{PRODUCTS}/{product_id}")):
            assert answer.status_code == 404, (product_id, answer.json)
            conforms("TMF637", "Error", answer.json)
            assert "Maple" not in answer.get_data(as_text=True)
    assert harbour.get(PRODUCTS).json == []
    assert db.scalar(select(Subscription.status).where(Subscription.id == int(theirs))) == "pending"


def test_the_list_is_an_array_paged_with_counts_filtered_by_status_and_fields(api_as, db, demo, fake_catalog):
    harbour = api_as("harbour")
    ids = [product_of(order(harbour, f"{demo['bright'].id}-{fake_catalog['small'].id}")) for _ in range(3)]
    provision_due(db)
    pending = product_of(order(harbour, f"{demo['bright'].id}-{fake_catalog['large'].id}"))

    listed = harbour.get(f"{PRODUCTS}?offset=1&limit=2")
    assert listed.status_code == 200
    assert (listed.headers["X-Total-Count"], listed.headers["X-Result-Count"]) == ("4", "2")
    assert [each["id"] for each in listed.json] == ids[1:]
    for each in listed.json:
        conforms("TMF637", "Product", each)
    active = harbour.get(f"{PRODUCTS}?status=active&fields=status")
    assert active.json == [{"id": id_, "href": f"{PRODUCTS}/{id_}", "@type": "Product", "status": "active"}
                           for id_ in ids]
    assert [each["id"] for each in harbour.get(f"{PRODUCTS}?status=pendingActive").json] == [pending]
    for query, field in (("status=asleep", "status"), ("colour=blue", "colour"), ("offset=-1", "offset")):
        refused = harbour.get(f"{PRODUCTS}?{query}")
        assert refused.status_code == 400 and field in refused.json["message"], refused.json
        conforms("TMF637", "Error", refused.json)


def test_the_status_filter_finds_each_product_in_the_status_it_reads(api_as, db, demo, fake_catalog):
    """Every Cascade status, a cancellation before and after the product ran included, filtered in the database as
    the product reads."""
    harbour = api_as("harbour")
    statuses = [(status, ran) for status in SubscriptionStatus for ran in (False, True)]
    ids = [int(product_of(order(harbour, f"{demo['bright'].id}-{fake_catalog['small'].id}"))) for _ in statuses]
    for subscription_id, (status, ran) in zip(ids, statuses, strict=True):
        subscription = db.get(Subscription, subscription_id)
        subscription.status, subscription.started_at = status, subscription.created_at if ran else None
        subscription.suspend_reason = SuspendReason.BY_SELLER if status is SubscriptionStatus.SUSPENDED else None
    db.commit()
    shown = {each["id"]: each["status"] for each in harbour.get(f"{PRODUCTS}?limit=1000").json}
    for status in set(shown.values()):
        found = harbour.get(f"{PRODUCTS}?status={status}&limit=1000")
        assert found.headers["X-Total-Count"] == str(len(found.json))
        assert {each["id"] for each in found.json} == {id_ for id_, seen in shown.items() if seen == status}, status
    assert {"cancelled", "terminated", "active", "aborted "} <= set(shown.values())


def test_a_patch_changes_the_quantity_and_a_delete_cancels_at_the_end_of_the_term(api_as, db, demo, fake_catalog):
    harbour = api_as("harbour")
    product_id = product_of(order(harbour, f"{demo['bright'].id}-{fake_catalog['small'].id}", 2))
    provision_due(db)
    changed = harbour.patch(f"{PRODUCTS}/{product_id}",
                            json={"productCharacteristic": [{"name": "quantity", "value": 5}]})
    assert changed.status_code == 200, changed.json
    conforms("TMF637", "Product", changed.json)
    provision_due(db)
    assert quantity_of(harbour.get(f"{PRODUCTS}/{product_id}").json) == 5

    deleted = harbour.open("DELETE", f"{PRODUCTS}/{product_id}")
    assert deleted.status_code == 204, deleted.json
    ending = harbour.get(f"{PRODUCTS}/{product_id}").json
    conforms("TMF637", "Product", ending)
    assert ending["status"] == "pendingTerminate" and ending["terminationDate"].endswith("Z")
    again = harbour.open("DELETE", f"{PRODUCTS}/{product_id}")
    assert again.status_code == 409, again.json
    conforms("TMF637", "Error", again.json)


@pytest.mark.parametrize(("body", "field"), [
    ({"productCharacteristic": [{"name": "quantity", "value": 0}]}, "productCharacteristic.quantity"),
    ({"productCharacteristic": [{"name": "quantity", "value": "5"}]}, "productCharacteristic.quantity"),
    ({"productCharacteristic": [{"name": "quantity", "value": 2}]}, "productCharacteristic.quantity"),
    ({"productCharacteristic": [{"name": "colour", "value": "blue"}]}, "productCharacteristic"),
    ({"status": "suspended"}, "status"),
])
def test_a_patch_that_cannot_be_made_is_refused_naming_the_field(api_as, db, demo, fake_catalog, body, field):
    harbour = api_as("harbour")
    product_id = product_of(order(harbour, f"{demo['bright'].id}-{fake_catalog['small'].id}", 2))
    provision_due(db)
    refused = harbour.patch(f"{PRODUCTS}/{product_id}", json=body)
    assert refused.status_code == 400 and field in refused.json["message"], refused.json
    conforms("TMF637", "Error", refused.json)
    assert quantity_of(harbour.get(f"{PRODUCTS}/{product_id}").json) == 2


def test_a_product_posted_is_ordered_and_answered_then_activated(api_as, db, demo, fake_catalog):
    offering = f"{demo['bright'].id}-{fake_catalog['small'].id}"
    bright = api_as("bright")
    created = bright.post(PRODUCTS, json={"productOffering": {"id": offering},
                                          "productCharacteristic": [{"name": "quantity", "value": 4}],
                                          "relatedParty": [{"id": str(demo["harbour"].id), "role": "customer"}]},
                          headers={"Idempotency-Key": "tmf-product-1"})
    assert created.status_code == 201, created.json
    conforms("TMF637", "Product", created.json)
    body = created.json
    assert created.headers["Location"].endswith(f"{PRODUCTS}/{body['id']}")
    assert (body["status"], quantity_of(body), body["productOffering"]["id"]) == ("pendingActive", 4, offering)
    assert parties(body)["customer"] == str(demo["harbour"].id)
    again = bright.post(PRODUCTS, json={"productOffering": {"id": offering},
                                        "productCharacteristic": [{"name": "quantity", "value": 4}],
                                        "relatedParty": [{"id": str(demo["harbour"].id), "role": "customer"}]},
                        headers={"Idempotency-Key": "tmf-product-1"})
    assert again.json == body and again.headers["Idempotent-Replayed"] == "true"

    provision_due(db)
    active = api_as("harbour").get(f"{PRODUCTS}/{body['id']}")
    assert (active.json["status"], quantity_of(active.json)) == ("active", 4)


@pytest.mark.parametrize(("body", "field"), [
    ({}, "productOffering.id"),
    ({"productOffering": {"id": "nope"}}, "productOffering.id"),
    ({"productOffering": {"id": "{distributor}-{plan}"}}, "productOffering.id"),
    ({"productOffering": {"id": "{seller}-{plan}"}, "productCharacteristic": [{"name": "quantity", "value": "2"}]},
     "productCharacteristic.quantity"),
    ({"productOffering": {"id": "{seller}-{plan}"}, "productCharacteristic": [{"name": "quantity", "value": 0}]},
     "productCharacteristic.quantity"),
    ({"productOffering": {"id": "{seller}-{plan}"}, "productCharacteristic": "big"}, "productCharacteristic"),
    ({"productOffering": {"id": "{seller}-{plan}"}, "status": "active"}, "status"),
    ({"productOffering": {"id": "{seller}-{plan}"}, "relatedParty": [{"id": "x", "role": "owner"}]}, "relatedParty.0.role"),
])
def test_a_product_that_cannot_be_ordered_is_refused_naming_the_field_and_nothing_is_ordered(api_as, db, demo, fake_catalog,
                                                                                            body, field):
    ids = {"seller": demo["bright"].id, "distributor": demo["northwind"].id, "plan": fake_catalog["small"].id}
    if "productOffering" in body:
        body = {**body, "productOffering": {"id": body["productOffering"]["id"].format(**ids)}}
    orders = db.scalar(select(func.count()).select_from(Order))
    refused = api_as("harbour").post(PRODUCTS, json=body)
    assert refused.status_code == 400 and field in refused.json["message"], refused.json
    conforms("TMF637", "Error", refused.json)
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Order)) == orders


def test_a_product_whose_order_must_wait_for_its_payment_is_refused_and_nothing_is_ordered(api_as, db, demo,
                                                                                          fake_catalog):
    demo["bright"].payment_confirmation_methods = ["card"]
    db.commit()
    orders = db.scalar(select(func.count()).select_from(Order))
    offering = {"id": f"{demo['bright'].id}-{fake_catalog['small'].id}"}
    waiting = api_as("harbour").post(PRODUCTS, json={"productOffering": offering})
    assert waiting.status_code == 409 and "productOrder" in waiting.json["message"], waiting.json
    conforms("TMF637", "Error", waiting.json)
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Order)) == orders


@pytest.mark.integration
def test_an_order_through_tmf622_is_activated_by_a_real_worker(app, shop, vendor, vendor_site, api_key, test_settings,
                                                               tmp_path):
    """The order is committed for real; a ``cascade worker`` process provisions it at the vendor."""
    env = cascade_env(tmp_path / "instance", env="testing", database_url=test_settings["database_url"],
                      broker_url=test_settings["broker_url"]) | vendor_site
    client = KeyClient(app.test_client(), api_key)
    log = tmp_path / "worker.log"
    worker = start_logged("worker", "--concurrency", "1", env=env, log=log)
    try:
        placed = order(client, f"{shop.seller_id}-{shop.plan_id}", payment=[{"id": "on_account"}])
        product_id = product_of(placed)

        def active():
            return client.get(f"{PRODUCTS}/{product_id}").json["status"] == "active"

        wait_until(active, WORKER_SECONDS, lambda: f"the worker never activated the product: {log.read_text()}")
    finally:
        assert stop(worker) == 0, log.read_text()
    product = client.get(f"{PRODUCTS}/{product_id}").json
    conforms("TMF637", "Product", product)
    assert parties(product)["customer"] == str(shop.account_id)
    [call] = vendor.calls()
    assert call.action == "activate"
    completed = client.get(f"{ORDERS}/{placed['id']}").json
    conforms("TMF622", "ProductOrder", completed)
    assert completed["state"] == "completed"
