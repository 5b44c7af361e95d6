"""What Cascade's catalog is in TMF620's terms: one seller's catalog, as one caller sees it.

- A ``Catalog`` is a seller's: the one the caller buys from (its parent's, at the caller's own
  prices), and for a reseller or distributor its own, of what it offers its customers (at its
  retail prices for all of them). Its id is the seller's account id.
- A ``Category`` is the plugin that supplies the products (Cascade has no other categories).
- A ``ProductSpecification`` is a ``Product``; its characteristics are its plans' order parameters.
- A ``ProductOffering`` is a ``Plan`` in one catalog: its id is ``<catalog id>-<plan id>``, so the
  same plan in the catalog a reseller buys from and in its own is two offerings. It is
  ``Launched`` while on sale, ``Retired`` in its distributor's catalog once hidden.
- A ``ProductOfferingPrice`` is the offering's price for the catalog's audience, one unit at a
  time: ``<offering id>-price`` (recurring, or one-time for a one-off plan) and ``<offering id>-setup``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bss.tmf.common import PREFIX, timestamp
from core.errors import ValidationError
from core.models.accounts import Account
from core.models.catalog import BillingPeriod, Plan, Product
from core.money import Money
from core.plugins import product_types
from core.products import ParamField
from core.services.pricing import ResolvedPrice

#: TMF's period of a recurring charge, by billing period (a one-off plan is charged once).
CHARGE_PERIODS = {BillingPeriod.MONTHLY: "month", BillingPeriod.YEARLY: "year"}
#: The lifecycle statuses of an offering: on sale, or hidden by its distributor.
LAUNCHED, RETIRED = "Launched", "Retired"
#: The ends of a price's id after its offering's: the unit price, and the setup fee.
UNIT, SETUP = "-price", "-setup"
#: TMF's value type of a characteristic, by the kind of form field a plan's parameter is.
VALUE_TYPES = {"number": "number", "checkbox": "boolean"}


@dataclass(frozen=True)
class Shelf:
    """One seller's catalog as the caller sees it: the plans on sale in it and their prices.

    ``own`` is the caller's own catalog (what it offers its customers); otherwise it is the
    catalog the caller buys from, and only the plans priced for the caller are in it. A
    distributor's own catalog also holds the plans it hides, as ``retired``.
    """

    seller: Account
    own: bool
    plans: list[Plan]
    prices: dict[int, ResolvedPrice]
    retired: frozenset[int] = frozenset()

    @property
    def id(self) -> str:
        return str(self.seller.id)


def offering_id(shelf: Shelf, plan: Plan) -> str:
    return offering_key(shelf.seller.id, plan.id)


def offering_key(seller_id: int, plan_id: int) -> str:
    """A product offering's id: the plan, in the catalog of the seller that sells it (``4-17``)."""
    return f"{seller_id}-{plan_id}"


def parse_offering_key(offering: object) -> tuple[int, int] | None:
    """The seller and plan ids an offering's id names, or ``None`` when it is not one."""
    seller, dash, plan = offering.partition("-") if isinstance(offering, str) else ("", "", "")
    if not (dash and seller.isdigit() and plan.isdigit() and len(seller) <= 10 and len(plan) <= 10):
        return None
    return int(seller), int(plan)


def catalog_href(collection: str, resource_id: str) -> str:
    """Where the resource ``resource_id`` of TMF620's ``collection`` (``productOffering``, ...) is read."""
    return f"{PREFIX}/productCatalogManagement/v4/{collection}/{resource_id}"


def _ref(collection: str, resource_id: str, name: str, referred: str) -> dict[str, Any]:
    return {"id": resource_id, "href": catalog_href(collection, resource_id), "name": name, "@referredType": referred}


def offering_ref(seller_id: int, plan: Plan) -> dict[str, Any]:
    """A reference to ``plan`` as the seller ``seller_id`` offers it."""
    return _ref("productOffering", offering_key(seller_id, plan.id), plan.title(), "ProductOffering")


def specification_ref(product: Product) -> dict[str, Any]:
    return _ref("productSpecification", str(product.id), product.name, "ProductSpecification")


def _money(money: Money) -> dict[str, Any]:
    # TMF's Money is a JSON number: the amount is already rounded to its minor unit, which a
    # number holds exactly as written.
    return {"unit": money.currency, "value": float(money.amount)}


def category_name(plugin: str) -> str:
    """A plugin's products as people call them (``reseller_plans`` -> ``Reseller plans``)."""
    return plugin.replace("_", " ").capitalize()


def catalog(shelf: Shelf) -> dict[str, Any]:
    seller = shelf.seller
    audience = "its customers" if shelf.own else "you"
    return {
        "id": shelf.id,
        "href": catalog_href("catalog", shelf.id),
        "name": f"{seller.name} catalog",
        "description": f"What {seller.name} offers {audience}, at its prices for {audience}.",
        "catalogType": "ProductCatalog",
        "lifecycleStatus": "Active",
        "category": [_ref("category", plugin, category_name(plugin), "Category")
                     for plugin in sorted({plan.product.plugin for plan in shelf.plans})],
        "relatedParty": [{"id": str(seller.id), "name": seller.name, "role": "Seller",
                          "@referredType": "Organization"}],
        "@type": "Catalog",
    }


def category(plugin: str, offerings: Iterable[tuple[Shelf, Plan]]) -> dict[str, Any]:
    """The category of ``plugin``'s products, with the caller's offerings of them."""
    return {
        "id": plugin,
        "href": catalog_href("category", plugin),
        "name": category_name(plugin),
        "isRoot": True,
        "lifecycleStatus": "Active",
        "productOffering": [_ref("productOffering", offering_id(shelf, plan), plan.title(), "ProductOffering")
                            for shelf, plan in offerings],
        "@type": "Category",
    }


def product_specification(product: Product, plans: Iterable[Plan]) -> dict[str, Any]:
    """``product`` with the order parameters of ``plans`` (those of its plans the caller sees)."""
    return {
        "id": str(product.id),
        "href": catalog_href("productSpecification", str(product.id)),
        "name": product.name,
        "description": product.description,
        "productNumber": product.key,
        "isBundle": False,
        "lifecycleStatus": "Retired" if product.retired_at else "Active",
        "lastUpdate": timestamp(product.updated_at),
        "productSpecCharacteristic": [_characteristic(field) for field in _parameters(product, plans)],
        "@type": "ProductSpecification",
    }


def _parameters(product: Product, plans: Iterable[Plan]) -> list[ParamField]:
    """The order parameters of ``plans``, each once, in the order the plans declare them; none for a
    product no installed plugin declares any more."""
    declared = product_types().get(product.key)
    if declared is None:
        return []
    found: dict[str, ParamField] = {}
    for plan in plans:
        for field in declared[1].param_fields(plan.code):
            found.setdefault(field.key, field)
    return list(found.values())


def _characteristic(field: ParamField) -> dict[str, Any]:
    value_type = VALUE_TYPES.get(field.kind, "string")
    characteristic = {
        "name": field.key,
        "description": field.label_in(),
        "valueType": value_type,
        "configurable": True,
        "minCardinality": 1 if field.required else 0,
        "maxCardinality": 1,
        "productSpecCharacteristicValue": [{"value": choice, "valueType": value_type} for choice in field.choices],
        "@type": "ProductSpecificationCharacteristic",
    }
    if field.max_length is not None:
        characteristic["regex"] = f"^.{{0,{field.max_length}}}$"
    return characteristic


def product_offering(shelf: Shelf, plan: Plan) -> dict[str, Any]:
    """``plan`` in ``shelf``: sellable when the catalog's audience has a price for it, retired when hidden."""
    identifier = offering_id(shelf, plan)
    product = plan.product
    offering = {
        "id": identifier,
        "href": catalog_href("productOffering", identifier),
        "name": plan.title(),
        "description": product.description,
        "isBundle": False,
        "isSellable": plan.id in shelf.prices,
        "lifecycleStatus": RETIRED if plan.id in shelf.retired else LAUNCHED,
        "lastUpdate": timestamp(plan.updated_at),
        "category": [_ref("category", product.plugin, category_name(product.plugin), "Category")],
        "productSpecification": specification_ref(product),
        "productOfferingPrice": [_ref("productOfferingPrice", price["id"], price["name"], "ProductOfferingPrice")
                                 for price in product_offering_prices(shelf, plan)],
        "@type": "ProductOffering",
    }
    if plan.term_months:
        offering["productOfferingTerm"] = [{"name": "Commitment", "duration": {"amount": plan.term_months,
                                                                              "units": "month"}}]
    return offering


def product_offering_prices(shelf: Shelf, plan: Plan) -> list[dict[str, Any]]:
    """The prices of ``plan`` in ``shelf``: its unit price, and its setup fee if it has one."""
    resolved = shelf.prices.get(plan.id)
    if resolved is None:
        return []
    identifier = offering_id(shelf, plan)
    period = CHARGE_PERIODS.get(plan.billing_period)
    unit_price = {
        "id": f"{identifier}{UNIT}",
        "href": catalog_href("productOfferingPrice", f"{identifier}{UNIT}"),
        "name": f"{plan.title()} price",
        "description": f"Per {plan.product.unit}" + (f", each {period}" if period else ", once"),
        "isBundle": False,
        "lifecycleStatus": LAUNCHED,
        "priceType": "recurring" if period else "oneTime",
        "price": _money(resolved.unit_price),
        "unitOfMeasure": {"amount": 1, "units": plan.product.unit},
        "@type": "ProductOfferingPrice",
    }
    if period:
        unit_price |= {"recurringChargePeriodType": period, "recurringChargePeriodLength": 1}
    prices = [unit_price]
    if resolved.setup_fee is not None:
        prices.append({
            "id": f"{identifier}{SETUP}",
            "href": catalog_href("productOfferingPrice", f"{identifier}{SETUP}"),
            "name": f"{plan.title()} setup fee",
            "description": "Once, when the plan is first bought",
            "isBundle": False,
            "lifecycleStatus": LAUNCHED,
            "priceType": "oneTime",
            "price": _money(resolved.setup_fee),
            "@type": "ProductOfferingPrice",
        })
    return prices


def parse_price_id(price_id: str) -> tuple[str, str]:
    """The offering a price's id names and which of its prices it is (``UNIT`` or ``SETUP``); ``("", "")`` for
    an id that is no price's."""
    for part in (UNIT, SETUP):
        if price_id.endswith(part):
            return price_id.removesuffix(part), part
    return "", ""


def price_change(body: Mapping[str, Any], currency: str) -> Decimal:
    """The amount a ``ProductOfferingPrice_Update`` sets, its ``price`` in ``currency`` (its one change); a 400
    naming the field otherwise. The body is read with its numbers as decimals (``json_body``): never a float."""
    errors = {name: ["Only the price changes here."] for name in sorted(set(body) - {"price", "@type"})}
    price = body.get("price")
    value = price.get("value") if isinstance(price, dict) else None
    if not isinstance(price, dict) or price.get("unit") != currency:
        errors["price.unit"] = [f"Give the price in {currency}, the currency of your retail list."]
    if not isinstance(value, (int, Decimal)) or isinstance(value, bool) or not 0 <= value < 10**9 \
            or Decimal(value) != Decimal(value).quantize(Decimal("0.01")):
        errors["price.value"] = ["Give an amount of 0 or more, with at most two decimals."]
    if errors:
        raise ValidationError(errors)
    return Decimal(value)
