"""``/price-lists``: the caller's own price lists as a seller, and the prices in them.

Another seller's list is not found, exactly like a list that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Response, url_for
from sqlalchemy import select

from bss.api import bp
from bss.api.price_schemas import (
    PriceChangeSchema,
    PriceListCreateSchema,
    PriceListDetailSchema,
    PriceListPageSchema,
    PriceListQuerySchema,
)
from core.errors import NotFoundError, UnknownReferenceError
from core.models.accounts import Account
from core.models.catalog import Plan
from core.models.prices import PriceEntry, PriceList
from core.permissions import Permission
from core.services.accounts import get_account
from core.services.price_lists import (
    BelowCost,
    below_cost_prices,
    create_price_list,
    get_price_list,
    remove_price,
    set_price,
)
from web.api.auth import current_caller
from web.api.operations import operation, request_args, request_body, respond
from web.api.paging import page_of
from web.database import db


@dataclass(frozen=True)
class CheckedPriceList:
    """A price list, its entries in catalog order, and the prices in it below the seller's own cost."""

    price_list: PriceList
    entries: Sequence[PriceEntry]
    warnings: Sequence[BelowCost]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.price_list, name)


@bp.get("/price-lists")
@operation(
    summary="List your price lists, by id.",
    response=PriceListPageSchema,
    query=PriceListQuerySchema,
    permission=Permission.MANAGE_PRICES,
)
def price_lists() -> Response:
    args = request_args()
    query = select(PriceList).where(PriceList.seller_id == current_caller().account.id)
    if (after_id := args.get("cursor")) is not None:
        query = query.where(PriceList.id > after_id)
    rows = list(db.session.scalars(query.order_by(PriceList.id).limit(args["limit"] + 1)))
    return respond(page_of(rows, args["limit"]))


@bp.post("/price-lists")
@operation(
    summary="Open a price list for all your buyers of its kind, one reseller tier, or one buyer.",
    response=PriceListDetailSchema,
    status=201,
    body=PriceListCreateSchema,
    permission=Permission.MANAGE_PRICES,
    conflicts=True,
    description="A list for the same buyers answers 409.",
)
def open_price_list() -> Response:
    caller = current_caller()
    body = request_body()
    buyer = _buyer(caller.account, body.pop("buyer_id"))
    created = create_price_list(db.session, seller=caller.account, by=caller.user, buyer=buyer, **body)
    db.session.commit()
    location = url_for("api.price_list", price_list_id=created.id, _external=True)
    return respond(_checked(created.id), headers={"Location": location})


@bp.get("/price-lists/<int:price_list_id>")
@operation(
    summary="Read one of your price lists with its prices, and warnings about prices below your cost.",
    response=PriceListDetailSchema,
    permission=Permission.MANAGE_PRICES,
)
def price_list(price_list_id: int) -> Response:
    return respond(_checked(price_list_id))


@bp.put("/price-lists/<int:price_list_id>/prices/<int:plan_id>")
@operation(
    summary="Set a plan's price in one of your lists, replacing its earlier price and volume tiers.",
    response=PriceListDetailSchema,
    body=PriceChangeSchema,
    permission=Permission.MANAGE_PRICES,
    conflicts=True,
    description="Amounts are decimal strings; a JSON number is refused. The answer is the whole list, "
    "with a warning if the price is below your own cost. A plan not on sale in your catalog answers 409.",
)
def set_plan_price(price_list_id: int, plan_id: int) -> Response:
    own, plan = _own_list(price_list_id), _plan(plan_id)
    body = request_body()
    tiers = [(tier["min_quantity"], tier["unit_price"]) for tier in body.pop("volume_tiers")]
    set_price(db.session, price_list=own, plan=plan, by=current_caller().user, volume_tiers=tiers, **body)
    db.session.commit()
    return respond(_checked(price_list_id))


@bp.delete("/price-lists/<int:price_list_id>/prices/<int:plan_id>")
@operation(
    summary="Take a plan's price out of one of your lists.",
    response=PriceListDetailSchema,
    permission=Permission.MANAGE_PRICES,
    description="Its buyers then pay the list's markup over your cost, or cannot buy the plan.",
)
def remove_plan_price(price_list_id: int, plan_id: int) -> Response:
    remove_price(db.session, price_list=_own_list(price_list_id), plan=_plan(plan_id), by=current_caller().user)
    db.session.commit()
    return respond(_checked(price_list_id))


def _own_list(price_list_id: int) -> PriceList:
    """One of the caller's lists; any other id is not found."""
    return get_price_list(db.session, seller=current_caller().account, price_list_id=price_list_id)


def _checked(price_list_id: int) -> CheckedPriceList:
    own = _own_list(price_list_id)
    entries = sorted(own.entries, key=lambda entry: (entry.plan.product.name, entry.plan.rank, entry.plan_id))
    return CheckedPriceList(own, entries, below_cost_prices(db.session, own))


def _plan(plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFoundError(f"No plan {plan_id}.")
    return plan


def _buyer(seller: Account, buyer_id: int | None) -> Account | None:
    """The account a list is for, if any; one outside the seller's tree is reported like a missing one."""
    if buyer_id is None:
        return None
    try:
        return get_account(db.session, seller, buyer_id)
    except NotFoundError:
        raise UnknownReferenceError({"buyer_id": [f"No account {buyer_id}."]}) from None
