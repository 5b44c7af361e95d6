from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.models.idempotency import IdempotencyKey
from core.models.orders import Order
from core.models.provisioning import ProvisioningRequest
from core.services.idempotency import purge_idempotency_keys
from plugin_kit.testing import provision_due
from web.api import idempotency


def count(db, model):
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def order_body(fake_catalog):
    return {"payment_method": "card", "lines": [{"plan_id": str(fake_catalog["small"].id), "quantity": 2}]}


def keyed(key):
    return {"headers": {"Idempotency-Key": key}}


def test_a_retried_order_is_placed_once_and_answered_as_the_first_time(api_as, db, order_body):
    harbour = api_as("harbour")
    first = harbour.post("/api/v1/orders", json=order_body, **keyed("order-7f3a"))
    assert first.status_code == 201, first.json
    assert "Idempotent-Replayed" not in first.headers
    provision_due(db)  # the order completes in the meantime

    again = harbour.post("/api/v1/orders", json=order_body, **keyed("order-7f3a"))
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json  # the first answer, though the order has moved on since
    assert again.headers["Location"] == first.headers["Location"]
    assert harbour.get(f"/api/v1/orders/{first.json['id']}").json["status"] == "completed"
    assert (count(db, Order), count(db, ProvisioningRequest)) == (1, 1)


def test_the_same_body_written_differently_is_the_same_request(api_as, db, fake_catalog):
    harbour = api_as("harbour")
    plan_id = str(fake_catalog["small"].id)
    first = harbour.post("/api/v1/orders", data='{"payment_method": "card", "lines": [{"plan_id": "%s"}]}' % plan_id,
                         content_type="application/json", **keyed("spaced"))
    again = harbour.post("/api/v1/orders", data='{"lines":[{"plan_id":"%s"}],"payment_method":"card"}' % plan_id,
                         content_type="application/json", **keyed("spaced"))
    assert (first.status_code, again.status_code, again.headers.get("Idempotent-Replayed")) == (201, 201, "true")
    assert count(db, Order) == 1


def test_the_key_with_another_request_is_refused_and_named(api_as, db, order_body, fake_catalog):
    harbour = api_as("harbour")
    first = harbour.post("/api/v1/orders", json=order_body, **keyed("order-7f3a"))
    other = {**order_body, "lines": [{"plan_id": str(fake_catalog["large"].id)}]}
    refused = harbour.post("/api/v1/orders", json=other, **keyed("order-7f3a"))
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert "'order-7f3a'" in refused.json["detail"] and "another request" in refused.json["detail"]
    elsewhere = harbour.post(f"/api/v1/orders/{first.json['id']}/cancel", json=order_body, **keyed("order-7f3a"))
    assert elsewhere.status_code == 409
    assert count(db, Order) == 1


def test_keys_belong_to_the_calling_account(api_as, db, demo, order_body):
    assert api_as("harbour").post("/api/v1/orders", json=order_body, **keyed("shared")).status_code == 201
    maple = api_as("maple").post("/api/v1/orders", json=order_body, **keyed("shared"))
    assert maple.status_code == 201 and "Idempotent-Replayed" not in maple.headers
    assert maple.json["account_id"] == str(demo["maple"].id)
    assert count(db, Order) == 2


def test_a_key_longer_than_255_characters_is_invalid_input(api_as, db, order_body):
    harbour = api_as("harbour")
    too_long = harbour.post("/api/v1/orders", json=order_body, **keyed("k" * 256))
    assert too_long.status_code == 422
    assert too_long.json["fields"] == {"Idempotency-Key": ["Send a key of 1 to 255 printable ASCII characters."]}
    assert harbour.post("/api/v1/orders", json=order_body, **keyed("")).status_code == 422
    assert count(db, Order) == 0
    assert harbour.post("/api/v1/orders", json=order_body, **keyed("k" * 255)).status_code == 201


def test_a_request_that_failed_keeps_nothing_so_its_key_can_be_sent_again(api_as, db, order_body):
    harbour = api_as("harbour")
    failed = harbour.post("/api/v1/orders", json={**order_body, "payment_method": "cheque"}, **keyed("retry-me"))
    assert failed.status_code == 422
    assert count(db, IdempotencyKey) == 0
    placed = harbour.post("/api/v1/orders", json=order_body, **keyed("retry-me"))
    assert placed.status_code == 201 and "Idempotent-Replayed" not in placed.headers


def test_a_key_may_be_used_again_after_24_hours_and_old_keys_can_be_purged(api_as, db, order_body, fake_catalog,
                                                                           frozen_clock):
    harbour = api_as("harbour")
    first = harbour.post("/api/v1/orders", json=order_body, **keyed("daily"))
    frozen_clock.advance(timedelta(hours=23, minutes=59))
    assert harbour.post("/api/v1/orders", json=order_body, **keyed("daily")).headers["Idempotent-Replayed"] == "true"
    assert purge_idempotency_keys(db) == 0
    frozen_clock.advance(timedelta(minutes=2))
    other = {**order_body, "lines": [{"plan_id": str(fake_catalog["large"].id)}]}
    second = harbour.post("/api/v1/orders", json=other, **keyed("daily"))
    assert second.status_code == 201 and second.json["id"] != first.json["id"]
    assert count(db, IdempotencyKey) == 1  # the expired one made way
    frozen_clock.advance(timedelta(hours=25))
    assert purge_idempotency_keys(db) == 1
    assert count(db, IdempotencyKey) == 0


@pytest.fixture
def racing(monkeypatch):
    """The first look for a stored answer after ``racing.clear()`` misses it, as a request's look does
    while the first request with its key is still running: it meets the key only when it stores its own."""
    looks = []
    real = idempotency.stored_answer

    def looked_too_early(*args, **kwargs):
        looks.append(kwargs["key"])
        return None if len(looks) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(idempotency, "stored_answer", looked_too_early)
    return looks


def test_a_concurrent_retry_loses_the_race_and_answers_with_the_winners_answer(api_as, db, order_body, racing):
    harbour = api_as("harbour")
    first = harbour.post("/api/v1/orders", json=order_body, **keyed("race"))
    assert first.status_code == 201
    racing.clear()
    second = harbour.post("/api/v1/orders", json=order_body, **keyed("race"))
    assert racing == ["race", "race"]  # it missed the key, wrote, met the key, rolled back and looked again
    assert second.status_code == 201 and second.headers["Idempotent-Replayed"] == "true"
    assert second.json == first.json
    assert (count(db, Order), count(db, ProvisioningRequest), count(db, IdempotencyKey)) == (1, 1, 1)


def test_a_concurrent_request_with_another_body_gets_409_and_writes_nothing(api_as, db, order_body, fake_catalog, racing):
    harbour = api_as("harbour")
    assert harbour.post("/api/v1/orders", json=order_body, **keyed("race")).status_code == 201
    racing.clear()
    other = {**order_body, "lines": [{"plan_id": str(fake_catalog["large"].id)}]}
    refused = harbour.post("/api/v1/orders", json=other, **keyed("race"))
    assert refused.status_code == 409 and "'race'" in refused.json["detail"]
    assert (count(db, Order), count(db, ProvisioningRequest)) == (1, 1)


def test_other_writes_opt_in_too_a_retried_suspension_asks_the_vendor_once(api_as, db, subscribe_by_api):
    subscription = subscribe_by_api()
    bright = api_as("bright")
    url = f"/api/v1/subscriptions/{subscription['id']}/suspend"
    first = bright.post(url, json={"note": "unpaid invoice"}, **keyed("suspend-1"))
    again = bright.post(url, json={"note": "unpaid invoice"}, **keyed("suspend-1"))
    assert (first.status_code, again.status_code, again.headers.get("Idempotent-Replayed")) == (200, 200, "true")
    assert again.json == first.json and first.json["provisioning"]["action"] == "suspend"
    assert bright.post(url, json={"note": "unpaid invoice"}).status_code == 409  # without the key: a second suspension
    db.expire_all()
    asked = db.scalars(select(ProvisioningRequest.action).where(
        ProvisioningRequest.subscription_id == int(subscription["id"])).order_by(ProvisioningRequest.id)).all()
    assert asked == ["activate", "suspend"]  # one suspension


def test_the_document_describes_the_header_and_the_replay(client):
    document = client.get("/api/v1/openapi.json").json
    create = document["paths"]["/api/v1/orders"]["post"]
    [header] = [parameter for parameter in create["parameters"] if parameter["in"] == "header"]
    assert (header["name"], header["required"], header["schema"]) == (
        "Idempotency-Key", False, {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~](?:[ -~]*[!-~])?$"})
    assert "24 hours" in header["description"]
    assert set(create["responses"]["201"]["headers"]) == {"Idempotent-Replayed"}
    assert {"409", "422"} <= set(create["responses"])
    listing = document["paths"]["/api/v1/orders"]["get"]
    assert all(parameter["in"] != "header" for parameter in listing["parameters"])
