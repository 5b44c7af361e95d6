"""``/products``: what the caller, or an account of its tree, may buy, at that buyer's own prices.

Only the buyer's price appears: a customer sees its seller's retail price, a reseller its
wholesale price, and nobody sees what the seller above pays (the schemas have no field for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, request

from bss.api import bp
from bss.api.price_schemas import ProductPageSchema, ProductQuerySchema
from core.models.accounts import Account
from core.models.catalog import Plan, Product
from core.products import DEFAULT_LOCALE
from core.services.accounts import get_account
from core.services.eligibility import purchase_blockers
from core.services.pricing import ResolvedPrice, purchasable_plans, resolve_prices
from web.api.auth import current_caller
from web.api.operations import operation, request_args, respond
from web.api.paging import Page
from web.database import db


@dataclass(frozen=True)
class PricedPlan:
    """A plan with its price for one buyer (``None``: that buyer's seller has no price for it)."""

    plan: Plan
    price: ResolvedPrice | None
    blockers: list[str]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.plan, name)


@dataclass(frozen=True)
class PricedProduct:
    """A product with its plans on sale to one buyer, named in the caller's language."""

    product: Product
    plans: list[PricedPlan]
    name: str
    description: str

    def __getattr__(self, name: str) -> Any:
        return getattr(self.product, name)


@bp.get("/products")
@operation(
    summary="List the products you may buy, with each plan's price for you (all of them: one page).",
    response=ProductPageSchema,
    query=ProductQuerySchema,
    description="With `account_id`, the prices are those of that account of your tree, as its seller charges "
    "it: a reseller shows its own retail prices this way. Names and descriptions follow `Accept-Language` "
    "where the product has a translation, else English.",
)
def products() -> Response:
    args = request_args()
    caller = current_caller()
    buyer = get_account(db.session, caller.account, args["account_id"]) if "account_id" in args else caller.account
    return respond(Page(priced_catalog(buyer, args["quantity"])))


def priced_catalog(buyer: Account, quantity: int) -> list[PricedProduct]:
    """Group the plans on sale to ``buyer`` by product, each with its price at ``quantity`` units,
    in the language the caller prefers."""
    plans = purchasable_plans(db.session, buyer)
    prices = resolve_prices(db.session, buyer, plans, quantity)
    blockers = purchase_blockers(db.session, buyer, plans)
    by_product: dict[Product, list[PricedPlan]] = {}
    for plan in plans:
        by_product.setdefault(plan.product, []).append(PricedPlan(plan, prices.get(plan.id), blockers[plan.id]))
    locales = {DEFAULT_LOCALE, *(locale for product in by_product for locale in product.translations)}
    locale = request.accept_languages.best_match(sorted(locales), default=DEFAULT_LOCALE)
    return [
        PricedProduct(product, its_plans, product.name_in(locale), product.description_in(locale))
        for product, its_plans in by_product.items()
    ]
