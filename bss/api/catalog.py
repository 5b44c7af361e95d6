"""``/catalog``: a distributor chooses the products on sale down its tree and the plans it hides."""

from __future__ import annotations

from flask import Response

from bss.api import bp
from bss.api.price_schemas import HiddenPlanSchema, OfferedProductSchema
from core.errors import NotFoundError, PermissionDeniedError
from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan, Product
from core.permissions import Permission
from core.services.price_lists import set_plan_hidden, set_product_offered
from web.api.auth import current_caller
from web.api.operations import operation, respond
from web.database import db

_DISTRIBUTORS_ONLY = "Only distributors choose what is on sale; it is the same for their whole tree."


@bp.put("/catalog/products/<int:product_id>")
@operation(summary="Put a product on sale down your tree.", response=OfferedProductSchema,
           permission=Permission.MANAGE_PRICES, description=_DISTRIBUTORS_ONLY)
def offer_product(product_id: int) -> Response:
    return _offer(product_id, offered=True)


@bp.delete("/catalog/products/<int:product_id>")
@operation(summary="Take a product off sale down your tree.", response=OfferedProductSchema,
           permission=Permission.MANAGE_PRICES, description=_DISTRIBUTORS_ONLY)
def withdraw_product(product_id: int) -> Response:
    return _offer(product_id, offered=False)


@bp.put("/catalog/plans/<int:plan_id>/hidden")
@operation(summary="Hide a plan of a product you offer.", response=HiddenPlanSchema,
           permission=Permission.MANAGE_PRICES, description=_DISTRIBUTORS_ONLY)
def hide_plan(plan_id: int) -> Response:
    return _hide(plan_id, hidden=True)


@bp.delete("/catalog/plans/<int:plan_id>/hidden")
@operation(summary="Show a hidden plan again.", response=HiddenPlanSchema,
           permission=Permission.MANAGE_PRICES, description=_DISTRIBUTORS_ONLY)
def show_plan(plan_id: int) -> Response:
    return _hide(plan_id, hidden=False)


def _offer(product_id: int, *, offered: bool) -> Response:
    distributor = _distributor()
    product = db.session.get(Product, product_id)
    if product is None:
        raise NotFoundError(f"No product {product_id}.")
    set_product_offered(db.session, distributor=distributor, product=product, offered=offered,
                        by=current_caller().user)
    db.session.commit()
    return respond({"product_id": product.id, "offered": offered})


def _hide(plan_id: int, *, hidden: bool) -> Response:
    distributor = _distributor()
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFoundError(f"No plan {plan_id}.")
    set_plan_hidden(db.session, distributor=distributor, plan=plan, hidden=hidden, by=current_caller().user)
    db.session.commit()
    return respond({"plan_id": plan.id, "hidden": hidden})


def _distributor() -> Account:
    account = current_caller().account
    if account.kind is not AccountKind.DISTRIBUTOR:
        raise PermissionDeniedError(_DISTRIBUTORS_ONLY)
    return account
