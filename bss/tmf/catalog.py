"""TMF620 (v4) over Cascade: the catalogs the caller sees, and a distributor retiring its offerings.

A caller sees the catalog of the seller it buys from, with only the plans priced for it and at
its own prices (a customer its reseller's retail prices, a reseller its wholesale prices); a
reseller or distributor also sees its own catalog, of what it offers its customers, at its
retail prices for all of them. The catalog's id is its seller's account id, and an offering's or
price's id begins with it: ``?catalog.id=`` tells the two apart. What each field is comes from
``bss.tmf.catalog_mapping``. Anything else, another tenant's or not, is not found.

A distributor retires an offering of its own catalog (hides the plan down its tree) and launches
it again by patching its ``lifecycleStatus``; nothing else is written here. Offerings are not
created or deleted one by one: a distributor puts a whole product on sale (``/api/v1/catalog``),
and its plans come from the plugin that supplies it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Response
from sqlalchemy import and_, select

from bss.tmf import catalog_mapping as tmf
from bss.tmf.catalog_mapping import LAUNCHED, RETIRED, Shelf
from bss.tmf.common import filters, json_body, list_response, one_response, page_args, paged, tmf_blueprint
from bss.tmf.hubs import serve_hub
from core.errors import NotFoundError, PermissionDeniedError, ValidationError
from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan, Product
from core.models.prices import HiddenPlan, OfferedProduct
from core.permissions import Permission
from core.services.price_lists import set_plan_hidden
from core.services.pricing import prospect_prices, purchasable_plans, resolve_prices
from web.api.auth import current_caller
from web.database import db

bp = tmf_blueprint("tmf_catalog", "productCatalogManagement")
serve_hub(bp, "productCatalogManagement")

Resource = dict[str, Any]
#: An attribute filter: how its value is read from the query, and what it is compared with in a resource
#: (a list matches when any of its items does).
Filter = tuple[Callable[[str], Any], Callable[[Resource], Any]]


def _attribute(name: str) -> Callable[[Resource], Any]:
    return lambda resource: resource.get(name)


def _boolean(text: str) -> bool:
    if text not in ("true", "false"):
        raise ValueError("Give true or false.")
    return text == "true"


def _catalog_of(resource: Resource) -> str:
    return resource["id"].partition("-")[0]


NAMED: dict[str, Filter] = {"name": (str, _attribute("name")), "lifecycleStatus": (str, _attribute("lifecycleStatus"))}
CATALOG_FILTERS = {**NAMED, "catalogType": (str, _attribute("catalogType"))}
CATEGORY_FILTERS = NAMED
OFFERING_FILTERS = {
    **NAMED,
    "isSellable": (_boolean, _attribute("isSellable")),
    "catalog.id": (str, _catalog_of),
    "category.id": (str, lambda resource: [category["id"] for category in resource["category"]]),
    "productSpecification.id": (str, lambda resource: resource["productSpecification"]["id"]),
}
SPECIFICATION_FILTERS = {**NAMED, "productNumber": (str, _attribute("productNumber"))}
PRICE_FILTERS = {**NAMED, "priceType": (str, _attribute("priceType")), "catalog.id": (str, _catalog_of)}


@bp.get("/catalog")
def catalogs() -> Response:
    return _listed([tmf.catalog(shelf) for shelf in _shelves()], CATALOG_FILTERS)


@bp.get("/catalog/<account_id>")
def catalog(account_id: str) -> Response:
    return _one([tmf.catalog(shelf) for shelf in _shelves()], account_id, "catalog")


@bp.get("/category")
def categories() -> Response:
    return _listed(_categories(), CATEGORY_FILTERS)


@bp.get("/category/<plugin>")
def category(plugin: str) -> Response:
    return _one(_categories(), plugin, "category")


@bp.get("/productSpecification")
def product_specifications() -> Response:
    return _listed(_specifications(), SPECIFICATION_FILTERS)


@bp.get("/productSpecification/<product_id>")
def product_specification(product_id: str) -> Response:
    return _one(_specifications(), product_id, "product specification")


@bp.get("/productOffering")
def product_offerings() -> Response:
    return _listed(_offerings(), OFFERING_FILTERS)


@bp.get("/productOffering/<offering_id>")
def product_offering(offering_id: str) -> Response:
    return _one(_offerings(), offering_id, "product offering")


@bp.patch("/productOffering/<offering_id>")
def change_product_offering(offering_id: str) -> Response:
    """Retire an offering of the distributor's own catalog (hide its plan down the tree), or launch it again."""
    caller = current_caller()
    plan = _own_plan(offering_id)
    if Permission.MANAGE_PRICES not in caller.permissions:
        raise PermissionDeniedError(f"The team {caller.team.name} does not have the {Permission.MANAGE_PRICES} permission.")
    status = _lifecycle_status(json_body())
    set_plan_hidden(db.session, distributor=caller.account, plan=plan, hidden=status == RETIRED, by=caller.user)
    db.session.commit()
    return _one(_offerings(), offering_id, "product offering")


@bp.get("/productOfferingPrice")
def product_offering_prices() -> Response:
    return _listed(_prices(), PRICE_FILTERS)


@bp.get("/productOfferingPrice/<price_id>")
def product_offering_price(price_id: str) -> Response:
    return _one(_prices(), price_id, "product offering price")


def _shelves() -> list[Shelf]:
    """The catalog the caller buys from, with the plans priced for it, and its own if it sells."""
    caller = current_caller().account
    shelves = []
    if caller.parent is not None:
        prices = resolve_prices(db.session, caller)
        plans = [plan for plan in purchasable_plans(db.session, caller) if plan.id in prices]
        shelves.append(Shelf(caller.parent, own=False, plans=plans, prices=prices))
    if caller.kind is not AccountKind.CUSTOMER:
        hidden = _hidden_plans(caller) if caller.kind is AccountKind.DISTRIBUTOR else []
        plans = sorted([*purchasable_plans(db.session, caller), *hidden], key=lambda plan: (plan.product.name, plan.rank))
        shelves.append(Shelf(caller, own=True, plans=plans, prices=prospect_prices(db.session, caller),
                             retired=frozenset(plan.id for plan in hidden)))
    return shelves


def _own_plan(offering_id: str) -> Plan:
    """The plan of the offering ``offering_id`` of the caller's own catalog; one it buys is its seller's to change."""
    for shelf in _shelves():
        plan = next((plan for plan in shelf.plans if tmf.offering_id(shelf, plan) == offering_id), None)
        if plan is not None and not shelf.own:
            raise PermissionDeniedError("Only the seller of this offering retires or launches it.")
        if plan is not None:
            return plan
    raise NotFoundError(f"No product offering {offering_id}.")


def _lifecycle_status(body: dict[str, Any]) -> str:
    """The ``lifecycleStatus`` a patch asks for: the one attribute it may change."""
    errors = {name: ["Only lifecycleStatus changes here."] for name in body if name != "lifecycleStatus"}
    if body.get("lifecycleStatus") not in (LAUNCHED, RETIRED):
        errors["lifecycleStatus"] = [f"Give {LAUNCHED} (on sale) or {RETIRED} (hidden down your tree)."]
    if errors:
        raise ValidationError(errors)
    return body["lifecycleStatus"]


def _hidden_plans(distributor: Account) -> list[Plan]:
    """The plans of the products ``distributor`` offers that it hides: its retired offerings."""
    return list(db.session.scalars(
        select(Plan)
        .join(Product, Product.id == Plan.product_id)
        .join(OfferedProduct, and_(OfferedProduct.product_id == Product.id,
                                   OfferedProduct.distributor_id == distributor.id))
        .join(HiddenPlan, and_(HiddenPlan.plan_id == Plan.id, HiddenPlan.distributor_id == distributor.id))
        .where(Plan.retired_at.is_(None), Product.retired_at.is_(None))
    ))


def _offerings() -> list[Resource]:
    return [tmf.product_offering(shelf, plan) for shelf in _shelves() for plan in shelf.plans]


def _prices() -> list[Resource]:
    return [price for shelf in _shelves() for plan in shelf.plans for price in tmf.product_offering_prices(shelf, plan)]


def _categories() -> list[Resource]:
    by_plugin: dict[str, list[tuple[Shelf, Plan]]] = {}
    for shelf in _shelves():
        for plan in shelf.plans:
            by_plugin.setdefault(plan.product.plugin, []).append((shelf, plan))
    return [tmf.category(plugin, by_plugin[plugin]) for plugin in sorted(by_plugin)]


def _specifications() -> list[Resource]:
    """The products of the plans the caller sees, each with those of its plans."""
    by_product: dict[Product, dict[int, Plan]] = {}
    for shelf in _shelves():
        for plan in shelf.plans:
            by_product.setdefault(plan.product, {})[plan.id] = plan
    return [tmf.product_specification(product, plans.values()) for product, plans in by_product.items()]


def _listed(resources: list[Resource], allowed: Mapping[str, Filter]) -> Response:
    wanted = filters({name: reader for name, (reader, _) in allowed.items()})
    offset, limit = page_args()
    matching = [resource for resource in resources
                if all(_matches(allowed[name][1](resource), value) for name, value in wanted.items())]
    return list_response(*paged(matching, offset, limit))


def _matches(found: Any, wanted: Any) -> bool:
    return wanted in found if isinstance(found, list) else found == wanted


def _one(resources: list[Resource], resource_id: str, kind: str) -> Response:
    """The resource ``resource_id`` among those the caller sees; any other is not found."""
    found = next((resource for resource in resources if resource["id"] == resource_id), None)
    if found is None:
        raise NotFoundError(f"No {kind} {resource_id}.")
    return one_response(found)
