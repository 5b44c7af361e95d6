"""The event hubs of the TMF APIs: ``POST /hub`` registers a listener, ``DELETE /hub/{id}`` removes it.

Each API's blueprint serves its own hub (``serve_hub``); a listener hears the events its query
names among those the API's specification documents, about what the account of the key that
registered it may see. The answer is TMF's ``EventSubscription``; the secret that signs every
event sent to it (``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>``) comes once, in
the ``X-Hub-Secret`` header of that answer. The worker renders each event here, at send time
(``event_body``), as the hub's account may see the resource: an order, a product, or an
offering or its price (heard by the hubs of its seller and of the accounts buying from it).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app
from sqlalchemy.orm import Session

from bss.tmf.catalog_mapping import (
    LAUNCHED,
    RETIRED,
    SETUP,
    UNIT,
    catalog_href,
    offering_key,
    product_offering,
    product_offering_prices,
)
from bss.tmf.common import PREFIX, json_body, one_response, path_id, timestamp
from bss.tmf.inventory_mapping import STATUSES, product
from bss.tmf.ordering_mapping import STATES, cancellation, product_order
from bss.tmf.shelves import find_offering
from core.models.accounts import Account
from core.models.event_hubs import EventDelivery, EventHub
from core.models.orders import Order, OrderStatus
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.services.event_hubs import CATALOG, INVENTORY, ORDERING, delete_hub, register_hub
from web.api.auth import current_caller
from web.database import db

SPECIFICATIONS = Path(__file__).parent / "specifications"
FILES = {CATALOG: "TMF620-ProductCatalog-v4.0.0.swagger.json", ORDERING: "TMF622-ProductOrder-v4.0.0.swagger.json",
         INVENTORY: "TMF637-ProductInventory-v4.0.0.swagger.json"}
SECRET_HEADER = "X-Hub-Secret"


@cache
def documented_events(api: str) -> frozenset[str]:
    """The event types the specification of ``api`` documents (``ProductOrderStateChangeEvent``, ...)."""
    definitions = json.loads((SPECIFICATIONS / FILES[api]).read_text())["definitions"]
    return frozenset(name for name in definitions if name.endswith("Event"))


def serve_hub(bp: Blueprint, api: str) -> None:
    """Add ``POST /hub`` and ``DELETE /hub/<id>`` to the blueprint of ``api``."""

    @bp.post("/hub")
    def register_listener() -> Response:
        """Register a listener: an ``EventSubscriptionInput``, answered with its ``EventSubscription``."""
        body, caller = json_body(), current_caller()
        hub = register_hub(db.session, caller.account, api=api, callback=body.get("callback"),
                           query=body.get("query"), event_types=documented_events(api), by=caller.user,
                           public_only=current_app.config["CASCADE_ENV"] == "production")
        db.session.commit()
        response = one_response(event_subscription(hub), 201, location=f"{PREFIX}/{api}/v4/hub/{hub.id}")
        response.headers[SECRET_HEADER] = hub.secret
        return response

    @bp.delete("/hub/<hub_id>")
    def unregister_listener(hub_id: str) -> Response:
        """Remove a listener the caller's account registered; any other answers 404."""
        caller = current_caller()
        delete_hub(db.session, caller.account, api=api, hub_id=path_id(hub_id, "hub"), by=caller.user)
        db.session.commit()
        return Response(status=204)


def event_subscription(hub: EventHub) -> dict[str, Any]:
    """A hub as TMF's ``EventSubscription``."""
    resource = {"id": str(hub.id), "callback": hub.callback}
    if hub.query:
        resource["query"] = hub.query
    return resource


def event_body(session: Session, delivery: EventDelivery) -> dict[str, Any]:
    """The TMF event a delivery sends: its resource as it is now, in the state the event announces."""
    payload, viewer = delivery.payload, delivery.hub.account
    if "cancelled_order_id" in payload:
        event = {"cancelProductOrder": cancellation(session.get_one(Order, payload["cancelled_order_id"]), payload["reason"])}
    elif "order_id" in payload:
        resource = product_order(session.get_one(Order, payload["order_id"]), viewer)
        resource["state"] = STATES[OrderStatus(payload["status"])]
        for item in resource["productOrderItem"]:
            item["state"] = resource["state"]
        event = {"productOrder": resource}
    elif "plan_id" in payload:
        event = _catalog_event(session, viewer, payload)
    else:
        subscription = session.get_one(Subscription, payload["subscription_id"])
        status = SubscriptionStatus(payload["status"])
        shown = "cancelled" if status is SubscriptionStatus.CANCELLED and subscription.started_at is None \
            else STATUSES[status]
        event = {"product": product(subscription, viewer) | {"status": shown}}
    return {"eventId": delivery.event_id, "eventTime": timestamp(delivery.event_time), "eventType": delivery.event_type,
            "event": event}


def _catalog_event(session: Session, viewer: Account, payload: dict[str, Any]) -> dict[str, Any]:
    """An offering in the ``lifecycleStatus`` the event announces, or one of its prices, as ``viewer`` sees it now;
    one it does not see (retired, taken off sale, priced no more) as a bare reference."""
    offering = offering_key(payload["seller_id"], payload["plan_id"])
    found = find_offering(session, viewer, offering)
    if "price" in payload:
        price_id = offering + (UNIT if payload["price"] == "unit" else SETUP)
        prices = product_offering_prices(*found) if found else []
        resource = next((price for price in prices if price["id"] == price_id), None)
        return {"productOfferingPrice": resource or _gone("productOfferingPrice", price_id, "ProductOfferingPrice")}
    resource = product_offering(*found) if found else _gone("productOffering", offering, "ProductOffering")
    return {"productOffering": resource | {"lifecycleStatus": LAUNCHED if payload["on_sale"] else RETIRED}}


def _gone(collection: str, resource_id: str, kind: str) -> dict[str, Any]:
    return {"id": resource_id, "href": catalog_href(collection, resource_id), "lifecycleStatus": RETIRED, "@type": kind}
