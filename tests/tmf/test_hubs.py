"""TMF event hubs: listeners registered and deleted through ``/hub``, and the events the worker sends
them, checked against the v4 specification and the signature a listener verifies."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.exceptions import Retry
from sqlalchemy import select

from bss.tasks import send_event, sweep_outbox
from core.errors import ValidationError
from core.models.catalog import Product
from core.models.event_hubs import DeliveryStatus, EventDelivery
from core.plugins import product_types
from core.services.catalog import sync_catalog
from core.services.event_hubs import register_hub
from plugin_kit.testing import free_port, provision_due, published, purge
from tests.fakes import FakeProduct
from tests.tmf.conftest import conforms
from tests.tmf.test_ordering import item, order

ORDERING = "/tmf-api/productOrderingManagement/v4"
CATALOG = "/tmf-api/productCatalogManagement/v4"
INVENTORY = "/tmf-api/productInventoryManagement/v4"


class Listener:
    """A local HTTP listener: it keeps what it is sent and answers with the statuses it is told, then 201."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []
        self.url = f"http://127.0.0.1:{free_port()}/events"

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers["Content-Length"]))
        self.received.append((dict(handler.headers), body))
        handler.send_response(self.answers.pop(0) if self.answers else 201)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def events(self) -> list[dict]:
        return [json.loads(body) for _, body in self.received]


@pytest.fixture
def listener():
    heard = Listener()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            heard.answer(self)

        def log_message(self, *args) -> None:
            pass

    port = int(heard.url.split(":")[2].split("/")[0])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        yield heard
    finally:
        server.shutdown()
        server.server_close()
        serving.join()


def register(client, api, callback, query=None):
    body = {"callback": callback} | ({"query": query} if query is not None else {})
    return client.post(f"{api}/hub", json=body)


def send_due(db) -> None:
    """Run the delivery task of every event pending, as the worker would."""
    for delivery_id in db.scalars(select(EventDelivery.id).where(EventDelivery.status == DeliveryStatus.PENDING)
                                  .order_by(EventDelivery.id)).all():
        send_event(delivery_id)
    db.expire_all()


def signed(secret, headers, body):
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-Hub-Signature-256"], expected)


def test_an_order_s_state_changes_reach_the_listener_signed(api_as, db, demo, fake_catalog, listener):
    harbour = api_as("harbour")
    registered = register(harbour, ORDERING, listener.url, "eventType=ProductOrderStateChangeEvent")
    assert registered.status_code == 201, registered.json
    conforms("TMF622", "EventSubscription", registered.json)
    assert registered.json["callback"] == listener.url
    secret = registered.headers["X-Hub-Secret"]

    placed = order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "card"}])
    assert placed.status_code == 201, placed.json
    provision_due(db)
    send_due(db)

    events = listener.events()
    assert [event["event"]["productOrder"]["state"] for event in events] == ["inProgress", "completed"]
    for (headers, body), event in zip(listener.received, events, strict=True):
        assert signed(secret, headers, body)
        assert not any("cascade" in name.lower() for name in headers)
        conforms("TMF622", "ProductOrderStateChangeEvent", event)
        assert event["eventType"] == "ProductOrderStateChangeEvent"
        assert event["event"]["productOrder"]["id"] == placed.json["id"]
    assert len({event["eventId"] for event in events}) == 2
    send_due(db)
    assert len(listener.received) == 2  # a sent event is never sent again


def test_products_created_and_activated_reach_an_inventory_listener(api_as, db, demo, fake_catalog, listener):
    harbour = api_as("harbour")
    query = "eventType=ProductCreateEvent,ProductStateChangeEvent"
    assert register(harbour, INVENTORY, listener.url, query).status_code == 201
    order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "card"}])
    provision_due(db)
    send_due(db)

    events = listener.events()
    assert [(event["eventType"], event["event"]["product"]["status"]) for event in events] == [
        ("ProductCreateEvent", "pendingActive"), ("ProductStateChangeEvent", "active")]
    for event in events:
        conforms("TMF637", event["eventType"], event)


def test_offerings_retired_launched_and_priced_reach_the_listeners_of_their_catalog(api_as, db, shops, demo, plans,
                                                                                    listener):
    bright, harbour, northwind = api_as("bright"), api_as("harbour"), api_as("northwind")
    query = "eventType=ProductOfferingStateChangeEvent,ProductOfferingPriceAttributeValueChangeEvent"
    assert register(bright, CATALOG, listener.url, query).status_code == 201
    assert register(harbour, CATALOG, listener.url, query).status_code == 201
    basic = plans["microsoft-365/business-basic"]
    bought = f"{demo['northwind'].id}-{basic.id}"  # what Bright IT buys
    assert northwind.patch(f"{CATALOG}/productOffering/{bought}", json={"lifecycleStatus": "Retired"}).status_code == 200
    assert northwind.patch(f"{CATALOG}/productOffering/{bought}", json={"lifecycleStatus": "Launched"}).status_code == 200
    sold = f"{demo['bright'].id}-{basic.id}-price"  # what Harbour pays Bright IT
    priced = bright.patch(f"{CATALOG}/productOfferingPrice/{sold}", json={"price": {"unit": "EUR", "value": 6.4}})
    assert priced.status_code == 200, priced.json
    send_due(db)

    events = listener.events()
    for event in events:
        conforms("TMF620", event["eventType"], event)
    offerings = [(event["event"]["productOffering"]["id"], event["event"]["productOffering"]["lifecycleStatus"])
                 for event in events if event["eventType"] == "ProductOfferingStateChangeEvent"]
    assert offerings == [(bought, "Retired"), (bought, "Launched")]  # Bright IT's; Harbour does not buy from Northwind
    prices = [event["event"]["productOfferingPrice"] for event in events
              if event["eventType"] == "ProductOfferingPriceAttributeValueChangeEvent"]
    assert [(price["id"], price["price"]) for price in prices] == [(sold, {"unit": "EUR", "value": 6.4})] * 2


def test_a_product_put_on_sale_and_taken_off_announces_each_of_its_offerings(api_as, db, shops, demo, fake_plugin,
                                                                             listener):
    sync_catalog(db, product_types())
    db.commit()
    product = db.scalar(select(Product).where(Product.key == FakeProduct.key))
    query = "eventType=ProductOfferingCreateEvent,ProductOfferingDeleteEvent"
    assert register(api_as("bright"), CATALOG, listener.url, query).status_code == 201
    northwind = api_as("northwind")
    assert northwind.open("PUT", f"/api/v1/catalog/products/{product.id}").status_code == 200
    assert northwind.open("DELETE", f"/api/v1/catalog/products/{product.id}").status_code == 200
    send_due(db)

    events = listener.events()
    for event in events:
        conforms("TMF620", event["eventType"], event)
    offerings = sorted(f"{demo['northwind'].id}-{plan.id}" for plan in product.plans)
    assert [(event["eventType"], event["event"]["productOffering"]["id"]) for event in events] == [
        *(("ProductOfferingCreateEvent", offering) for offering in offerings),
        *(("ProductOfferingDeleteEvent", offering) for offering in offerings)]
    assert {event["event"]["productOffering"]["lifecycleStatus"] for event in events[len(offerings):]} == {"Retired"}


def test_a_quantity_changed_reaches_an_inventory_listener_as_an_attribute_change(api_as, db, demo, fake_catalog,
                                                                                  listener):
    harbour = api_as("harbour")
    assert register(harbour, INVENTORY, listener.url, "eventType=ProductAttributeValueChangeEvent").status_code == 201
    product_id = order(harbour, item(fake_catalog["small"], demo["bright"], 2),
                       payment=[{"id": "card"}]).json["productOrderItem"][0]["product"]["id"]
    provision_due(db)
    changed = harbour.patch(f"{INVENTORY}/product/{product_id}",
                            json={"productCharacteristic": [{"name": "quantity", "value": 5}]})
    assert changed.status_code == 200, changed.json
    provision_due(db)
    send_due(db)

    [event] = listener.events()
    conforms("TMF637", "ProductAttributeValueChangeEvent", event)
    product = event["event"]["product"]
    assert (product["id"], product["status"]) == (product_id, "active")
    assert {"name": "quantity", "value": 5, "valueType": "integer"} in product["productCharacteristic"]


def test_an_order_withdrawn_reaches_the_listener_as_a_cancellation_and_a_state_change(api_as, db, demo, fake_catalog,
                                                                                      listener):
    demo["bright"].payment_confirmation_methods = ["bank_transfer"]  # Harbour's order waits for its payment
    db.commit()
    harbour = api_as("harbour")
    query = "eventType=CancelProductOrderCreateEvent,ProductOrderStateChangeEvent"
    assert register(harbour, ORDERING, listener.url, query).status_code == 201
    placed = order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "bank_transfer"}]).json
    withdrawn = harbour.post(f"{ORDERING}/cancelProductOrder", json={"productOrder": {"id": placed["id"]},
                                                                     "cancellationReason": "Ordered twice"})
    assert withdrawn.status_code == 201, withdrawn.json
    send_due(db)

    events = listener.events()
    for event in events:
        conforms("TMF622", event["eventType"], event)
    assert [event["eventType"] for event in events] == ["ProductOrderStateChangeEvent", "CancelProductOrderCreateEvent"]
    cancelled = events[1]["event"]["cancelProductOrder"]
    assert (cancelled["productOrder"]["id"], cancelled["state"], cancelled["cancellationReason"]) == (
        placed["id"], "done", "Ordered twice")


def test_an_event_the_listener_failed_is_sent_again_with_the_same_id(api_as, db, demo, fake_catalog, listener,
                                                                       frozen_clock):
    harbour = api_as("harbour")
    register(harbour, ORDERING, listener.url, "eventType=ProductOrderCreateEvent")
    listener.answers = [500]
    order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "card"}])
    [delivery] = db.scalars(select(EventDelivery)).all()
    with pytest.raises(Retry):
        send_event(delivery.id)
    send_event(delivery.id)  # not due yet: nothing is sent
    assert len(listener.received) == 1
    frozen_clock.advance(timedelta(seconds=31))
    send_event(delivery.id)

    first, again = listener.events()
    conforms("TMF622", "ProductOrderCreateEvent", again)
    assert first["eventId"] == again["eventId"]
    assert again["event"]["productOrder"]["state"] == "acknowledged"
    db.refresh(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)


@pytest.mark.parametrize("refusal", [410, 400])
def test_an_event_the_listener_refuses_fails_for_good(api_as, db, demo, fake_catalog, listener, frozen_clock, refusal):
    harbour = api_as("harbour")
    register(harbour, ORDERING, listener.url, "eventType=ProductOrderCreateEvent")
    listener.answers = [refusal]
    order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "card"}])
    [delivery] = db.scalars(select(EventDelivery)).all()
    send_event(delivery.id)
    frozen_clock.advance(timedelta(hours=2))
    send_event(delivery.id)
    assert len(listener.received) == 1
    db.refresh(delivery)
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.FAILED, f"HTTP {refusal}")


def test_a_listener_that_cannot_be_reached_is_retried(api_as, db, demo, fake_catalog):
    harbour = api_as("harbour")
    register(harbour, ORDERING, f"http://127.0.0.1:{free_port()}/gone", "eventType=ProductOrderCreateEvent")
    order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "card"}])
    [delivery] = db.scalars(select(EventDelivery)).all()
    with pytest.raises(Retry):
        send_event(delivery.id)
    db.refresh(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "Connection refused" in delivery.last_error


def test_another_account_s_hub_hears_nothing_of_harbour_and_harbour_cannot_delete_it(api_as, db, demo, fake_catalog,
                                                                                        listener):
    maple, harbour = api_as("maple"), api_as("harbour")
    theirs = register(maple, ORDERING, listener.url)
    assert theirs.status_code == 201
    order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "card"}])
    provision_due(db)
    send_due(db)
    assert listener.received == []

    refused = harbour.open("DELETE", f"{ORDERING}/hub/{theirs.json['id']}")
    assert refused.status_code == 404
    conforms("TMF622", "Error", refused.json)
    assert maple.open("DELETE", f"{INVENTORY}/hub/{theirs.json['id']}").status_code == 404  # a hub of another API
    assert maple.open("DELETE", f"{ORDERING}/hub/{theirs.json['id']}").status_code == 204
    assert maple.open("DELETE", f"{ORDERING}/hub/{theirs.json['id']}").status_code == 404


def test_the_seller_above_hears_of_its_customer_s_orders(api_as, db, demo, fake_catalog, listener):
    register(api_as("bright"), ORDERING, listener.url, "eventType=ProductOrderCreateEvent")
    order(api_as("harbour"), item(fake_catalog["small"], demo["bright"]), payment=[{"id": "card"}])
    send_due(db)
    [event] = listener.events()
    assert event["event"]["productOrder"]["relatedParty"]
    conforms("TMF622", "ProductOrderCreateEvent", event)


def test_a_deleted_hub_gets_nothing_more(api_as, db, demo, fake_catalog, listener):
    harbour = api_as("harbour")
    hub = register(harbour, ORDERING, listener.url)
    order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "card"}])
    assert harbour.open("DELETE", f"{ORDERING}/hub/{hub.json['id']}").status_code == 204
    send_due(db)
    assert listener.received == []


@pytest.mark.parametrize(("body", "field"), [
    ({"callback": "ftp://listener.example/events"}, "callback"),
    ({}, "callback"),
    ({"callback": "not a url"}, "callback"),
    ({"callback": "https://listener.example/events", "query": "state=completed"}, "query"),
    ({"callback": "https://listener.example/events", "query": "eventType=ProductOrderStateChangeEvent&state=x"},
     "query"),
    ({"callback": "https://listener.example/events", "query": "eventType=ProductCreateEvent"}, "query"),
])
def test_a_bad_callback_or_query_is_refused(api_as, db, demo, body, field):
    answer = api_as("harbour").post(f"{ORDERING}/hub", json=body)
    assert answer.status_code == 400, answer.json
    conforms("TMF622", "Error", answer.json)
    assert field in answer.json["message"]


@pytest.mark.parametrize("callback", ["http://127.0.0.1:8080/events", "https://10.0.0.7/events", "http://[::1]/x",
                                      "http://localhost/events", "http://metadata.internal/", "http://intranet/events",
                                      "https://169.254.169.254/latest/meta-data"])
def test_in_production_a_listener_on_this_machine_or_a_private_network_is_refused(db, demo, callback):
    with pytest.raises(ValidationError) as refused:
        register_hub(db, demo["harbour"], api="productOrderingManagement", callback=callback, query=None,
                     event_types=(), by=None)
    assert "public address" in refused.value.fields["callback"][0]
    assert register_hub(db, demo["harbour"], api="productOrderingManagement", callback="https://listener.example/events",
                        query=None, event_types=(), by=None).id


def test_a_new_event_is_published_once_committed_and_again_by_the_sweep_when_its_task_was_lost(
        app, api_as, db, demo, fake_catalog, listener, frozen_clock):
    harbour = api_as("harbour")
    register(harbour, ORDERING, listener.url, "eventType=ProductOrderCreateEvent")
    purge(app)
    order(harbour, item(fake_catalog["small"], demo["bright"]), payment=[{"id": "card"}])
    [delivery_id] = db.scalars(select(EventDelivery.id)).all()
    assert ("bss.tasks.send_event", (delivery_id,)) in published(app)
    purge(app)
    sweep_outbox()
    assert events_published(app) == []
    frozen_clock.advance(timedelta(minutes=5))
    sweep_outbox()
    assert events_published(app) == [(delivery_id,)]


def events_published(app):
    return [args for name, args in published(app) if name == "bss.tasks.send_event"]
