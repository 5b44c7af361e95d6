"""What a Cascade order is in TMF622 terms, and what a TMF622 request asks of the order services.

An order is a ``ProductOrder``, each of its lines a ``ProductOrderItem`` (``add`` for a line
that starts a subscription, ``modify`` for one that moves the owner's subscription of a
one-per-account product to another plan). An item's ``productOffering`` is the Cascade plan,
its ``product`` the subscription once the order is accepted, with the line's parameters as
``productCharacteristic``. ``docs/tmf.md`` has the table of fields and of states.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bss.tmf.catalog_mapping import offering_ref, parse_offering_key
from bss.tmf.common import PREFIX, timestamp
from bss.tmf.parties import visible_parties
from core.errors import ValidationError
from core.models.accounts import Account
from core.models.orders import Order, OrderLine, OrderLineKind, OrderStatus
from core.money import Money
from core.permissions import PaymentMethod
from core.services.manual_tasks import NOTE_MAX_LENGTH
from core.services.orders import LineRequest, Payer

ORDERS = f"{PREFIX}/productOrderingManagement/v4/productOrder"
PRODUCTS = f"{PREFIX}/productInventoryManagement/v4/product"

#: Each Cascade order status as a TMF ``ProductOrderStateType``; the other TMF states are never reached.
STATES: dict[OrderStatus, str] = {
    OrderStatus.AWAITING_PAYMENT: "acknowledged",
    OrderStatus.IN_PROGRESS: "inProgress",
    OrderStatus.COMPLETED: "completed",
    OrderStatus.FAILED: "failed",
    OrderStatus.CANCELLED: "cancelled",
}
#: Every ``ProductOrderStateType`` of the specification: a filter on one Cascade never reaches finds nothing.
TMF_STATES = ("acknowledged", "rejected", "pending", "held", "inProgress", "cancelled", "completed", "failed",
              "partial", "assessingCancellation", "pendingCancellation")
ACTIONS = {OrderLineKind.NEW: "add", OrderLineKind.CHANGE: "modify"}
#: The party roles a new order reads.
CUSTOMER, PAYER = "customer", "payer"


def order_href(order_id: int) -> str:
    return f"{ORDERS}/{order_id}"


def product_order(order: Order, viewer: Account) -> dict[str, Any]:
    """An order as a ``ProductOrder``, with the parties the viewer may see (``bss.tmf.parties``)."""
    resource: dict[str, Any] = {
        "id": str(order.id),
        "href": order_href(order.id),
        "@type": "ProductOrder",
        "state": STATES[order.status],
        "orderDate": timestamp(order.created_at),
        "productOrderItem": [_item(line, order.status, order.seller_id) for line in order.lines],
        "relatedParty": visible_parties(viewer, (order.owner, CUSTOMER), (order.account, "buyer"),
                                        (order.payer, PAYER), (order.seller, "seller")),
        "payment": [{"id": str(order.payment_method), "name": str(order.payment_method),
                     "@referredType": "PaymentMethod"}],
        "orderTotalPrice": [_price("recurring", order.total)],
    }
    if order.setup_total.amount:
        resource["orderTotalPrice"].append(_price("oneTime", order.setup_total))
    if order.completed_at is not None:
        resource["completionDate"] = timestamp(order.completed_at)
    if order.status is OrderStatus.CANCELLED:
        resource["cancellationDate"] = timestamp(order.updated_at)
    return resource


def _item(line: OrderLine, status: OrderStatus, seller_id: int) -> dict[str, Any]:
    plan = line.plan
    item: dict[str, Any] = {
        "id": str(line.id),
        "@type": "ProductOrderItem",
        "action": ACTIONS[line.kind],
        "quantity": line.quantity,
        "state": STATES[status],
        "productOffering": offering_ref(seller_id, plan),
        "itemPrice": [_price("recurring", line.unit_price)],
        "itemTotalPrice": [_price("recurring", line.total)],
        "product": {"@type": "ProductRefOrValue", "productCharacteristic": characteristics(line.params)},
    }
    if line.setup_fee is not None:
        item["itemPrice"].append(_price("oneTime", line.setup_fee))
    if line.subscription_id is not None:
        item["product"] |= {"id": str(line.subscription_id), "href": f"{PRODUCTS}/{line.subscription_id}",
                            "@referredType": "Product"}
    return item


def _price(kind: str, amount: Money) -> dict[str, Any]:
    return {"priceType": kind, "price": {"dutyFreeAmount": money(amount), "@type": "Price"}, "@type": "OrderPrice"}


def money(amount: Money) -> dict[str, Any]:
    """TMF's ``Money``, whose ``value`` the specification makes a JSON number.

    The one place an amount becomes a float, as it is written out: amounts have two decimals
    and fewer than 15 digits, which a float's shortest form writes back exactly.
    """
    return {"unit": amount.currency, "value": float(amount.amount)}


def characteristics(params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A line's or a subscription's parameters as TMF ``Characteristic``s."""
    return [{"name": name, "value": value} for name, value in params.items()]


def order_state(value: str) -> OrderStatus | None:
    """The Cascade status of a TMF state a filter names; ``None`` for a state no Cascade order is in."""
    if value not in TMF_STATES:
        raise ValueError(f"Use one of {', '.join(TMF_STATES)}.")
    return next((status for status, state in STATES.items() if state == value), None)


@dataclass(frozen=True)
class OrderRequest:
    """What ``place_order`` takes, read from a ``ProductOrder_Create``."""

    owner_id: int | None
    payer: Payer
    payment_method: str
    lines: list[LineRequest]
    #: The seller whose catalog each item's offering comes from: the order's seller, once placed.
    offered_by: list[int]

    def check_seller(self, order: Order) -> None:
        """Refuse, naming the items, offerings of another catalog than the one the order buys from."""
        wrong = {f"productOrderItem.{n}.productOffering.id": [f"Order it from the catalog of the seller you buy from "
                                                               f"({order.seller_id})."]
                 for n, seller_id in enumerate(self.offered_by) if seller_id != order.seller_id}
        if wrong:
            raise ValidationError(wrong)


def order_request(body: Mapping[str, Any], buyer_id: int, methods: frozenset[PaymentMethod]) -> OrderRequest:
    """Read a new order; what cannot be read is a ``ValidationError`` naming TMF's fields.

    ``relatedParty`` may name the account it is for (role ``customer``: yours when left out) and
    who pays (role ``payer``: that account, or yours); ``payment`` may name a Cascade payment
    method (its first entry's ``id``): without it, the first one ``methods`` holds.
    """
    errors: dict[str, list[str]] = {}
    owner_id, payer = _parties(body.get("relatedParty", []), buyer_id, errors)
    method = _payment_method(body.get("payment"), methods, errors)
    lines, sellers = _lines(body.get("productOrderItem"), errors)
    if errors:
        raise ValidationError(errors)
    return OrderRequest(owner_id, payer, method, lines, sellers)


def _parties(parties: Any, buyer_id: int, errors: dict[str, list[str]]) -> tuple[int | None, Payer]:
    if not isinstance(parties, list):
        errors["relatedParty"] = ["Send a list of parties."]
        return None, Payer.OWNER
    found: dict[str, str] = {}
    for n, party in enumerate(parties):
        if not isinstance(party, dict) or not isinstance(party.get("id"), str):
            errors[f"relatedParty.{n}.id"] = ["Name the party by its id, a string."]
            continue
        role = str(party.get("role", "")).lower()
        if role not in (CUSTOMER, PAYER):
            errors[f"relatedParty.{n}.role"] = ["A new order takes a party of role customer or payer only."]
        elif role in found:
            errors[f"relatedParty.{n}.role"] = [f"Name one {role}."]
        else:
            found[role] = party["id"]
    owner = found.get(CUSTOMER)
    if owner is not None and not owner.isdigit():
        errors["relatedParty.customer"] = [f"There is no account {owner}."]
        owner = None
    owner_id = int(owner) if owner is not None else None
    payer = found.get(PAYER)
    if payer is None or payer == str(owner_id or buyer_id):
        return owner_id, Payer.OWNER
    if payer == str(buyer_id):
        return owner_id, Payer.BUYER
    errors["relatedParty.payer"] = ["The payer is the customer or your own account."]
    return owner_id, Payer.OWNER


def _payment_method(payment: Any, methods: frozenset[PaymentMethod], errors: dict[str, list[str]]) -> str:
    if payment is None:
        return next((method for method in PaymentMethod if method in methods), "")
    if not (isinstance(payment, list) and len(payment) == 1 and isinstance(payment[0], dict)
            and isinstance(payment[0].get("id"), str)):
        errors["payment"] = [f"Name one payment method by its id: {', '.join(PaymentMethod)}."]
        return ""
    return payment[0]["id"]


def _lines(items: Any, errors: dict[str, list[str]]) -> tuple[list[LineRequest], list[int]]:
    """The order's lines, and the seller each item's offering id names (the catalog it was offered from)."""
    if not isinstance(items, list) or not items:
        errors["productOrderItem"] = ["Order at least one item."]
        return [], []
    lines: list[LineRequest] = []
    sellers: list[int] = []
    for n, item in enumerate(items):
        at = f"productOrderItem.{n}"
        if not isinstance(item, dict):
            errors[at] = ["Send an object."]
            continue
        if item.get("action") != "add":
            errors[f"{at}.action"] = ["A new order adds products: use add."]
        offering = item.get("productOffering")
        named = offering.get("id") if isinstance(offering, dict) else None
        key = parse_offering_key(named)
        if key is None:
            errors[f"{at}.productOffering.id"] = [f"There is no product offering {named}."]
        quantity = item.get("quantity", 1)
        if type(quantity) is not int:
            errors[f"{at}.quantity"] = ["Give a whole number."]
        params = _params(item.get("product", {}), at, errors)
        if key is not None and type(quantity) is int:
            lines.append(LineRequest(key[1], quantity, params))
            sellers.append(key[0])
    return lines, sellers


def _params(product: Any, at: str, errors: dict[str, list[str]]) -> dict[str, Any]:
    found = product.get("productCharacteristic", []) if isinstance(product, dict) else None
    if not isinstance(found, list) or not all(isinstance(each, dict) and isinstance(each.get("name"), str)
                                              and "value" in each for each in found):
        errors[f"{at}.product.productCharacteristic"] = ["Send a list of characteristics, each with a name and a value."]
        return {}
    return {each["name"]: each["value"] for each in found}


def service_fields(error: ValidationError) -> ValidationError:
    """``place_order``'s errors renamed to the fields of the TMF request."""
    renamed: dict[str, list[str]] = {}
    for name, messages in error.fields.items():
        renamed.setdefault(_tmf_field(name), []).extend(messages)
    return ValidationError(renamed)


def _tmf_field(name: str) -> str:
    parts = name.split(".")
    if parts[0] != "lines":
        return {"account_id": "relatedParty.customer", "payer": "relatedParty.payer",
                "payment_method": "payment"}.get(name, name)
    if len(parts) == 1:
        return "productOrderItem"
    at, rest = f"productOrderItem.{parts[1]}", parts[2:]
    if rest[:1] == ["plan_id"]:
        return f"{at}.productOffering.id"
    if rest[:1] == ["quantity"]:
        return f"{at}.quantity"
    if rest[:1] == ["params"]:
        return ".".join([at, "product.productCharacteristic", *rest[1:]])
    return ".".join([at, "product.productCharacteristic", *rest])


def cancellation_request(body: Mapping[str, Any]) -> tuple[int, str]:
    """The order a ``CancelProductOrder_Create`` names, and why; a 400 naming the field otherwise."""
    ordered = body.get("productOrder")
    order_id = ordered.get("id") if isinstance(ordered, dict) else None
    errors: dict[str, list[str]] = {}
    if not (isinstance(order_id, str) and order_id.isdigit() and len(order_id) <= 18):
        errors["productOrder.id"] = ["Name the order to cancel by its id."]
    reason = _reason(body, errors)
    if errors:
        raise ValidationError(errors)
    return int(order_id), reason


def order_change(body: Mapping[str, Any]) -> str:
    """The reason of a ``ProductOrder_Update`` withdrawing an order (``state`` ``cancelled``), its one change Cascade
    takes; a 400 naming each other attribute, since what was ordered is never edited."""
    errors = {name: ["What was ordered does not change: withdraw the order (state cancelled) and order again."]
              for name in sorted(set(body) - {"state", "cancellationReason", "@type"})}
    if body.get("state") != "cancelled":
        errors["state"] = ["Give cancelled: withdrawing an order that waits for its payment is the one change it takes."]
    reason = _reason(body, errors)
    if errors:
        raise ValidationError(errors)
    return reason


def _reason(body: Mapping[str, Any], errors: dict[str, list[str]]) -> str:
    reason = body.get("cancellationReason", "")
    if not isinstance(reason, str) or len(reason) > NOTE_MAX_LENGTH:
        errors["cancellationReason"] = [f"Give a text of at most {NOTE_MAX_LENGTH} characters."]
        return ""
    return reason


def cancellation(order: Order, reason: str | None = None) -> dict[str, Any]:
    """The ``CancelProductOrder`` that withdrew ``order``: done at once, the order's id its own.

    Its reason is in the order's audit log, not on the order: only the answer to the request
    that cancelled it carries it.
    """
    resource = {
        "id": str(order.id),
        "href": f"{PREFIX}/productOrderingManagement/v4/cancelProductOrder/{order.id}",
        "@type": "CancelProductOrder",
        "state": "done",
        "effectiveCancellationDate": timestamp(order.updated_at),
        "productOrder": {"id": str(order.id), "href": order_href(order.id), "@referredType": "ProductOrder"},
    }
    if reason is not None:
        resource["cancellationReason"] = reason
    return resource
