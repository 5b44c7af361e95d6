"""TMF620 (v4) over Cascade: the catalogs the caller sees, a distributor's offerings, and a seller's prices.

A caller sees the catalog of the seller it buys from, with only the plans priced for it and at
its own prices (a customer its reseller's retail prices, a reseller its wholesale prices); a
reseller or distributor also sees its own catalog, of what it offers its customers, at its
retail prices for all of them (``bss.tmf.shelves``). The catalog's id is its seller's account
id, and an offering's or price's id begins with it: ``?catalog.id=`` tells the two apart. What
each field is comes from ``bss.tmf.catalog_mapping``. Anything else, another tenant's or not, is
not found. A distributor also sees every product the installed plugins supply, offered or not:
the specifications it may put on sale.

Writes, each with the ``manage_prices`` permission, on the caller's own catalog only:

- A distributor puts a plan on sale down its tree by creating its offering (``POST
  /productOffering``: the ``productSpecification`` and, as ``name``, the plan), retires it (hides
  the plan) by patching its ``lifecycleStatus`` or deleting it, and launches it again. A deleted
  offering stays readable, ``Retired``: subscriptions bought from it still name it.
- A distributor or reseller sets an offering's price or setup fee in its retail list for all its
  customers (``PATCH /productOfferingPrice/{id}``), or takes it out (``DELETE``): its buyers then
  pay the list's markup over its cost, or cannot buy the plan.

Catalogs are sellers, categories plugins and specifications the plugins' products: none of
them is created, changed or deleted here, and a price is born with its offering, so those
writes answer 405 saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, request
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed

from bss.tmf import catalog_mapping as tmf
from bss.tmf.catalog_mapping import LAUNCHED, RETIRED, Shelf
from bss.tmf.common import filters, json_body, list_response, one_response, page_args, paged, tmf_blueprint
from bss.tmf.hubs import serve_hub
from bss.tmf.shelves import find_offering, shelves
from core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan, Product
from core.models.prices import OfferedProduct, PriceEntry, PriceList, PriceListKind
from core.permissions import Permission
from core.services.price_lists import remove_price, set_plan_hidden, set_price, set_product_offered
from core.services.pricing import audience_key, purchasable_plans
from web.api.auth import Caller, current_caller
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


@bp.post("/productOffering")
def create_product_offering() -> Response:
    """Put a plan on sale down the distributor's tree: a ``ProductOffering_Create`` naming its ``productSpecification``
    and, as ``name``, the plan (its code, or its name as offerings show it). Exactly that offering is created: a
    product not on sale yet goes on sale with its other plans hidden."""
    caller = _distributor()
    product, plan = _offering_request(json_body())
    distributor, by = caller.account, caller.user
    if plan.id in {each.id for each in purchasable_plans(db.session, distributor)}:
        raise ConflictError(f"{plan.title()} is on sale already.")
    if not _offers(distributor, product):
        set_product_offered(db.session, distributor=distributor, product=product, offered=True, by=by)
        for other in product.plans:
            set_plan_hidden(db.session, distributor=distributor, plan=other, hidden=other is not plan, by=by)
    else:
        set_plan_hidden(db.session, distributor=distributor, plan=plan, hidden=False, by=by)
    db.session.commit()
    identifier = tmf.offering_key(distributor.id, plan.id)
    return _one(_offerings(), identifier, "product offering", status=201)


@bp.patch("/productOffering/<offering_id>")
def change_product_offering(offering_id: str) -> Response:
    """Retire an offering of the distributor's own catalog (hide its plan down the tree), or launch it again."""
    plan = _own_plan(offering_id)
    caller = _distributor()
    status = _lifecycle_status(json_body())
    set_plan_hidden(db.session, distributor=caller.account, plan=plan, hidden=status == RETIRED, by=caller.user)
    db.session.commit()
    return _one(_offerings(), offering_id, "product offering")


@bp.delete("/productOffering/<offering_id>")
def delete_product_offering(offering_id: str) -> Response:
    """Retire an offering of the distributor's own catalog: it stays readable, ``Retired``, for what was bought from it."""
    plan = _own_plan(offering_id)
    caller = _distributor()
    set_plan_hidden(db.session, distributor=caller.account, plan=plan, hidden=True, by=caller.user)
    db.session.commit()
    return Response(status=204)


@bp.get("/productOfferingPrice")
def product_offering_prices() -> Response:
    return _listed(_prices(), PRICE_FILTERS)


@bp.get("/productOfferingPrice/<price_id>")
def product_offering_price(price_id: str) -> Response:
    return _one(_prices(), price_id, "product offering price")


@bp.patch("/productOfferingPrice/<price_id>")
def change_product_offering_price(price_id: str) -> Response:
    """Set an offering's price (``<offering>-price``) or setup fee (``<offering>-setup``) in the caller's retail list
    for all its customers: a ``ProductOfferingPrice_Update`` of its ``price``."""
    plan, part = _own_price(price_id)
    caller = _seller()
    price_list = _retail_list(caller)
    amount = tmf.price_change(json_body(), price_list.currency)
    entry = _entry(price_list, plan)
    if part == tmf.SETUP and entry is None:
        raise ConflictError(f"{plan.title()} is priced by your list's markup: set its price ({price_id.removesuffix(part)}"
                            f"{tmf.UNIT}) before its setup fee.")
    unit_price = amount if part == tmf.UNIT else entry.unit_price
    setup_fee = amount if part == tmf.SETUP else (entry.setup_fee if entry else None)
    _set(price_list, plan, caller, unit_price, setup_fee, entry)
    db.session.commit()
    return _one(_prices(), price_id, "product offering price")


@bp.delete("/productOfferingPrice/<price_id>")
def delete_product_offering_price(price_id: str) -> Response:
    """Take an offering's price out of the caller's retail list (its customers then pay the list's markup over its
    cost, or cannot buy the plan), or its setup fee off it."""
    plan, part = _own_price(price_id)
    caller = _seller()
    price_list = _retail_list(caller)
    entry = _entry(price_list, plan)
    if entry is None or (part == tmf.SETUP and entry.setup_fee is None):
        raise NotFoundError(f"No product offering price {price_id}: it is not set in {price_list.name}.")
    if part == tmf.UNIT:
        remove_price(db.session, price_list=price_list, plan=plan, by=caller.user)
    else:
        _set(price_list, plan, caller, entry.unit_price, None, entry)
    db.session.commit()
    return Response(status=204)


def _refuse(why: str, allowed: str) -> Callable[..., Response]:
    def refuse(**_: str) -> Response:
        raise MethodNotAllowed(valid_methods=allowed.split(), description=why)

    return refuse


for _path, _methods, _allowed, _why in (
    ("/catalog", ["POST"], "GET", "A catalog is a seller's: it comes with the account."),
    ("/catalog/<account_id>", ["PATCH", "DELETE"], "GET", "A catalog is a seller's: it comes with the account."),
    ("/category", ["POST"], "GET", "A category is the plugin that supplies its products: install one to add it."),
    ("/category/<plugin>", ["PATCH", "DELETE"], "GET",
     "A category is the plugin that supplies its products: install or remove the plugin."),
    ("/productSpecification", ["POST"], "GET", "Specifications are the products plugins supply: install one to add "
                                               "them, then put their plans on sale with POST /productOffering."),
    ("/productSpecification/<product_id>", ["PATCH", "DELETE"], "GET",
     "Specifications are the products plugins supply: retire an offering instead."),
    ("/productOfferingPrice", ["POST"], "GET", "Every offering has its price: set it with PATCH "
                                               "/productOfferingPrice/<offering id>-price (or -setup)."),
):
    bp.add_url_rule(_path, f"refuse_{_path.strip('/').replace('/', '_').replace('<', '').replace('>', '')}",
                    _refuse(_why, _allowed), methods=_methods)


def _distributor() -> Caller:
    """The caller, a distributor with ``manage_prices``: only it chooses what is on sale, for its whole tree."""
    caller = _seller()
    if caller.account.kind is not AccountKind.DISTRIBUTOR:
        raise PermissionDeniedError("Only a distributor puts offerings on sale or retires them, for its whole tree.")
    return caller


def _seller() -> Caller:
    caller = current_caller()
    if Permission.MANAGE_PRICES not in caller.permissions:
        raise PermissionDeniedError(f"The team {caller.team.name} does not have the {Permission.MANAGE_PRICES} permission.")
    return caller


def _own_plan(offering_id: str) -> Plan:
    """The plan of the offering ``offering_id`` of the caller's own catalog; one it buys is its seller's to change."""
    found = find_offering(db.session, current_caller().account, offering_id)
    if found is None:
        raise NotFoundError(f"No product offering {offering_id}.")
    if not found[0].own:
        raise PermissionDeniedError("Only the seller of this offering changes it.")
    return found[1]


def _own_price(price_id: str) -> tuple[Plan, str]:
    """The plan of the price ``price_id`` of the caller's own catalog, and which of its prices it is."""
    offering, part = tmf.parse_price_id(price_id)
    if not offering:
        raise NotFoundError(f"No product offering price {price_id}.")
    return _own_plan(offering), part


def _offering_request(body: dict[str, Any]) -> tuple[Product, Plan]:
    """The product and plan a new offering names; a 400 naming the field otherwise."""
    errors = {name: ["Cascade takes this from the plan: send name and productSpecification."]
              for name in sorted(set(body) - {"name", "productSpecification", "lifecycleStatus", "@type"})}
    if body.get("lifecycleStatus", LAUNCHED) != LAUNCHED:
        errors["lifecycleStatus"] = [f"A new offering is {LAUNCHED}."]
    specification = body.get("productSpecification")
    named = specification.get("id") if isinstance(specification, dict) else None
    product = db.session.get(Product, int(named)) if isinstance(named, str) and named.isdigit() and len(named) <= 9 \
        else None
    if product is None or product.retired_at is not None:
        errors["productSpecification.id"] = [f"There is no product specification {named}."]
        raise ValidationError(errors)
    plans = [plan for plan in product.plans if plan.retired_at is None]
    plan = next((plan for plan in plans if body.get("name") in (plan.code, plan.title())), None)
    if plan is None:
        errors["name"] = [f"Name a plan of {product.name}: {', '.join(plan.title() for plan in plans)}."]
    if errors:
        raise ValidationError(errors)
    return product, plan


def _offers(distributor: Account, product: Product) -> bool:
    """Whether ``distributor`` has ``product`` on sale, all its plans hidden or not."""
    return db.session.scalar(select(OfferedProduct.id).where(OfferedProduct.distributor_id == distributor.id,
                                                             OfferedProduct.product_id == product.id)) is not None


def _lifecycle_status(body: dict[str, Any]) -> str:
    """The ``lifecycleStatus`` a patch asks for: the one attribute it may change."""
    errors = {name: ["Only lifecycleStatus changes here."] for name in body if name != "lifecycleStatus"}
    if body.get("lifecycleStatus") not in (LAUNCHED, RETIRED):
        errors["lifecycleStatus"] = [f"Give {LAUNCHED} (on sale) or {RETIRED} (hidden down your tree)."]
    if errors:
        raise ValidationError(errors)
    return body["lifecycleStatus"]


def _retail_list(caller: Caller) -> PriceList:
    """The caller's retail list for all its customers, the one its own catalog's prices come from."""
    price_list = db.session.scalar(select(PriceList).where(
        PriceList.seller_id == caller.account.id, PriceList.kind == PriceListKind.RETAIL,
        PriceList.audience == audience_key(None, None)))
    if price_list is None:
        raise ConflictError("You have no retail price list for all your customers: open one first.")
    return price_list


def _entry(price_list: PriceList, plan: Plan) -> PriceEntry | None:
    return next((entry for entry in price_list.entries if entry.plan_id == plan.id), None)


def _set(price_list: PriceList, plan: Plan, caller: Caller, unit_price: Any, setup_fee: Any,
         entry: PriceEntry | None) -> None:
    """Set ``plan``'s price in ``price_list``, keeping its volume tiers; the service's errors named as TMF's."""
    tiers = [(tier.min_quantity, tier.unit_price) for tier in entry.volume_tiers] if entry else []
    try:
        set_price(db.session, price_list=price_list, plan=plan, by=caller.user, unit_price=unit_price,
                  setup_fee=setup_fee, volume_tiers=tiers)
    except ValidationError as error:
        raise type(error)({"price.value": [message for messages in error.fields.values() for message in messages]}) \
            from None


def _shelves() -> list[Shelf]:
    return shelves(db.session, current_caller().account)


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
    """The products of the plans the caller sees, each with those of its plans; for a distributor, every product
    the plugins supply, with all its plans: what it may put on sale."""
    by_product: dict[Product, dict[int, Plan]] = {}
    for shelf in _shelves():
        for plan in shelf.plans:
            by_product.setdefault(plan.product, {})[plan.id] = plan
    if current_caller().account.kind is AccountKind.DISTRIBUTOR:
        for product in db.session.scalars(select(Product).where(Product.retired_at.is_(None)).order_by(Product.name)):
            by_product.setdefault(product, {plan.id: plan for plan in product.plans if plan.retired_at is None})
    return [tmf.product_specification(product, plans.values()) for product, plans in by_product.items()]


def _listed(resources: list[Resource], allowed: Mapping[str, Filter]) -> Response:
    wanted = filters({name: reader for name, (reader, _) in allowed.items()})
    offset, limit = page_args()
    matching = [resource for resource in resources
                if all(_matches(allowed[name][1](resource), value) for name, value in wanted.items())]
    return list_response(*paged(matching, offset, limit))


def _matches(found: Any, wanted: Any) -> bool:
    return wanted in found if isinstance(found, list) else found == wanted


def _one(resources: list[Resource], resource_id: str, kind: str, status: int = 200) -> Response:
    """The resource ``resource_id`` among those the caller sees; any other is not found."""
    found = next((resource for resource in resources if resource["id"] == resource_id), None)
    if found is None:
        raise NotFoundError(f"No {kind} {resource_id}.")
    return one_response(found, status, location=request.host_url.rstrip("/") + found["href"] if status == 201 else None)
