"""What a Cascade subscription is in TMF637 terms, and what a TMF637 request asks of the subscription services.

A subscription is a ``Product``: its plan the ``productOffering``, its product the
``productSpecification``, its parameters and its quantity the ``productCharacteristic``s, its
owner, payer and seller the ``relatedParty``s the viewer may see (``bss.tmf.parties``), and its
price a ``productPrice`` for its payer and the sellers above it only. ``docs/tmf.md`` has the
table of fields and of statuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_

from bss.tmf.catalog_mapping import offering_ref, specification_ref
from bss.tmf.common import timestamp
from bss.tmf.ordering_mapping import PRODUCTS, OrderRequest, characteristics, money, order_request
from bss.tmf.parties import visible_parties
from core.errors import ValidationError
from core.models.accounts import Account
from core.models.catalog import BillingPeriod
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.permissions import PaymentMethod
from core.services.orders import MAX_QUANTITY
from core.services.subscriptions import shows_price_to

#: The characteristic that carries a subscription's quantity (TMF637's ``Product`` has no quantity).
QUANTITY = "quantity"

#: Each status as a TMF ``ProductStatusType``; a cancelled subscription that never ran is ``cancelled``
#: instead (see ``product_status``). ``aborted `` is spelt as the v4 specification spells it.
STATUSES: dict[SubscriptionStatus, str] = {
    SubscriptionStatus.PENDING: "pendingActive",
    SubscriptionStatus.TRIAL: "active",
    SubscriptionStatus.ACTIVE: "active",
    SubscriptionStatus.SUSPENDED: "suspended",
    SubscriptionStatus.PENDING_CANCELLATION: "pendingTerminate",
    SubscriptionStatus.CANCELLED: "terminated",
    SubscriptionStatus.TERMINATED: "terminated",
    SubscriptionStatus.FAILED: "aborted ",
}
#: What a ``Product_Create`` may say: the rest (status, dates, prices) is Cascade's to set.
CREATE_FIELDS = frozenset({"productOffering", "productCharacteristic", "relatedParty", "@type"})
#: Every ``ProductStatusType`` of the specification.
TMF_STATUSES = ("created", "pendingActive", "cancelled", "active", "pendingTerminate", "terminated", "suspended",
                "aborted ")
PERIODS = {BillingPeriod.MONTHLY: "month", BillingPeriod.YEARLY: "year"}


def product_href(subscription_id: int) -> str:
    return f"{PRODUCTS}/{subscription_id}"


def product_status(subscription: Subscription) -> str:
    """The TMF status of a subscription."""
    if subscription.status is SubscriptionStatus.CANCELLED and subscription.started_at is None:
        return "cancelled"
    return STATUSES[subscription.status]


def status_condition(status: str) -> ColumnElement[bool]:
    """Which subscriptions are in the TMF ``status`` (as ``product_status`` says), as a condition a query selects them
    by."""
    cancelled = Subscription.status == SubscriptionStatus.CANCELLED
    plain = [each for each, word in STATUSES.items() if word == status and each is not SubscriptionStatus.CANCELLED]
    ran = {"terminated": Subscription.started_at.is_not(None), "cancelled": Subscription.started_at.is_(None)}.get(status)
    return or_(Subscription.status.in_(plain), and_(cancelled, ran) if ran is not None else false())


def status_filter(value: str) -> str:
    """A ``status`` a list filters on: one of TMF's (a status no subscription is in finds nothing)."""
    if value not in TMF_STATUSES:
        raise ValueError(f"Use one of {', '.join(repr(status) for status in TMF_STATUSES)}.")
    return value


def product(subscription: Subscription, viewer: Account) -> dict[str, Any]:
    """A subscription as a ``Product``, as ``viewer`` may see it."""
    plan, specification = subscription.plan, subscription.product
    resource: dict[str, Any] = {
        "id": str(subscription.id),
        "href": product_href(subscription.id),
        "@type": "Product",
        "name": f"{specification.name} {plan.name}",
        "isBundle": False,
        "status": product_status(subscription),
        "orderDate": timestamp(subscription.created_at),
        "productOffering": offering_ref(subscription.seller_id, plan),
        "productSpecification": specification_ref(specification),
        "productCharacteristic": [*characteristics(subscription.params),
                                  {"name": QUANTITY, "value": subscription.quantity, "valueType": "integer"}],
        "relatedParty": visible_parties(viewer, (subscription.owner, "customer"), (subscription.payer, "payer"),
                                        (subscription.seller, "seller")),
    }
    if subscription.started_at is not None:
        resource["startDate"] = timestamp(subscription.started_at)
    ends = subscription.ended_at or subscription.cancel_at
    if ends is not None:
        resource["terminationDate"] = timestamp(ends)
    if shows_price_to(subscription, viewer):
        resource["productPrice"] = [_price(subscription)]
    return resource


def _price(subscription: Subscription) -> dict[str, Any]:
    price: dict[str, Any] = {"name": f"{subscription.quantity} × {subscription.plan.name}", "@type": "ProductPrice",
                             "priceType": "recurring" if subscription.plan.billing_period in PERIODS else "oneTime",
                             "price": {"dutyFreeAmount": money(subscription.total), "@type": "Price"}}
    if subscription.plan.billing_period in PERIODS:
        price["recurringChargePeriod"] = PERIODS[subscription.plan.billing_period]
    return price


def quantity_change(body: Mapping[str, Any]) -> int:
    """The new quantity a ``Product_Update`` asks for, its only change Cascade takes; a 400 naming the field otherwise."""
    others = sorted(set(body) - {"productCharacteristic", "@type"})
    if others:
        raise ValidationError({name: ["Only the quantity characteristic can be changed here."] for name in others})
    found = body.get("productCharacteristic")
    if not (isinstance(found, list) and len(found) == 1 and isinstance(found[0], dict)
            and found[0].get("name") == QUANTITY):
        raise ValidationError({"productCharacteristic": [f"Send the {QUANTITY} characteristic alone."]})
    value = found[0].get("value")
    if type(value) is not int or not 1 <= value <= MAX_QUANTITY:
        raise ValidationError({f"productCharacteristic.{QUANTITY}": [f"Give a whole number from 1 to {MAX_QUANTITY}."]})
    return value


def service_fields(error: ValidationError) -> ValidationError:
    """The change service's errors renamed to the fields of the ``Product_Update``."""
    names = {"quantity": f"productCharacteristic.{QUANTITY}", "plan_id": "productOffering.id"}
    return ValidationError({names.get(name, name): messages for name, messages in error.fields.items()})


def product_request(body: Mapping[str, Any], buyer_id: int, methods: frozenset[PaymentMethod]) -> OrderRequest:
    """The one-line order a ``Product_Create`` asks for: its ``productOffering``, its ``productCharacteristic``s
    (the ``quantity`` one among them, 1 without it) and its ``relatedParty``s as a new order reads them."""
    others = sorted(set(body) - CREATE_FIELDS)
    if others:
        raise ValidationError({name: ["Cascade sets this itself: send productOffering, productCharacteristic and "
                                      "relatedParty."] for name in others})
    found = body.get("productCharacteristic", [])
    quantity = 1
    if isinstance(found, list):
        quantity = next((each.get("value") for each in found if isinstance(each, dict) and each.get("name") == QUANTITY), 1)
        found = [each for each in found if not (isinstance(each, dict) and each.get("name") == QUANTITY)]
    item = {"action": "add", "quantity": quantity, "productOffering": body.get("productOffering"),
            "product": {"productCharacteristic": found}}
    try:
        return order_request({"relatedParty": body.get("relatedParty", []), "productOrderItem": [item]}, buyer_id, methods)
    except ValidationError as error:
        raise product_fields(error) from None


def product_fields(error: ValidationError) -> ValidationError:
    """An order's errors, in TMF622's names, renamed to the fields of the ``Product_Create`` its one item came from."""
    item = "productOrderItem.0."
    renamed: dict[str, list[str]] = {}
    for name, messages in error.fields.items():
        if name == f"{item}quantity":
            name = f"productCharacteristic.{QUANTITY}"
        elif name.startswith(f"{item}product."):
            name = name.removeprefix(f"{item}product.")
        elif name.startswith(item):
            name = name.removeprefix(item)
        elif name == "productOrderItem":
            name = "productOffering"
        renamed.setdefault(name, []).extend(messages)
    return ValidationError(renamed)
