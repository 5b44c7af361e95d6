"""The shop's catalog: every product on sale with its plans, and each product's plans side by side.

Prices are always the viewer's own: a signed-in customer's from its seller's lists for it, a
visitor's those the seller charges a new customer. A plan with no price for the viewer is not
offered at all. Each process keeps the priced catalogs (``core.services.catalog_cache``), sharing
them through Redis when the broker is Redis, and the product cards each catalog is shown with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, g
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup

from core.models.accounts import Account
from core.models.catalog import Plan, Product
from core.plugins import product_types
from core.products import ParamField, text_in
from core.services.catalog import one_unit
from core.services.catalog_cache import CatalogCache, Kept
from core.services.storefronts import Offer, storefront_catalog
from storefront.auth import customer_account
from storefront.hosts import current_storefront
from storefront.page_cache import visitor_page
from storefront.themes import current_theme, render_page
from web.database import db, reads_only
from web.formatting import current_locale

bp = Blueprint("shop_catalog", __name__)

#: Product cards each process keeps: a few dozen kilobytes each, one per version of a viewer's prices, theme and language.
MAX_CARDS = 128


def shop_buyer() -> Account | None:
    """The account whose prices the shop shows: the signed-in customer's, ``None`` for a visitor."""
    return customer_account() if current_user.is_authenticated else None


def shop_catalog(*, with_blockers: bool = True) -> dict[Product, list[Offer]]:
    """What this storefront offers its viewer, by product; resolved once per request. A page that lists plans
    without saying why the viewer may not buy one yet asks ``with_blockers=False``: that takes a statement or more."""
    found: tuple[bool, dict[Product, list[Offer]]] | None = g.get("shop_catalog")
    if found is None or (with_blockers and not found[0]):
        found = g.shop_catalog = (with_blockers, storefront_catalog(
            db.session, current_app.extensions["catalog_cache"], current_storefront().account, shop_buyer(),
            with_blockers=with_blockers))
    return found[1]


def held_once(product: Product) -> bool:
    """Whether an account holds ``product`` at most once: its order is always for one unit of one plan."""
    found = product_types().get(product.key)
    return found is not None and found[1].one_subscription_per_account


def plan_params(plan: Plan, owner: Account | None = None) -> list[ParamField]:
    """The order parameters a line of ``plan`` has, from its plan's schema: those it asks of ``owner`` at checkout
    when given (not what the product knows of it already)."""
    found = product_types().get(plan.product.key)
    if found is None:
        return []
    return found[1].asked_params(db.session, owner, plan.code) if owner is not None else found[1].param_fields(plan.code)


@dataclass(frozen=True)
class Feature:
    """One row of a plan comparison: a feature some plan of the product declares."""

    key: str
    label: str
    #: Each plan's value, in the plans' order; ``None`` where a plan does not declare it.
    values: tuple[Any, ...]


def compare(offers: list[Offer]) -> list[Feature]:
    """The features of the offered plans, in the order the plans declare them, one row each, named as their product
    type words them in the request's language (``ProductType.feature_words``)."""
    keys = list(dict.fromkeys(key for offer in offers for key in offer.plan.features))
    found = product_types().get(offers[0].plan.product.key) if offers else None
    named = found[1].feature_words if found is not None else {}
    return [Feature(key, text_in(named[key], current_locale()) if key in named else gettext(feature_label(key)),
                    tuple(offer.plan.features.get(key) for offer in offers)) for key in keys]


def feature_label(key: str) -> str:
    """``storage_gb`` as "Storage GB": words apart, the first capitalised, vowel-less ones (units) in capitals; the
    catalog may translate it (the core's own features)."""
    words = [word.upper() if word and not set(word.lower()) & set("aeiouy") else word for word in key.split("_")]
    label = " ".join(word for word in words if word)
    return label[:1].upper() + label[1:]


def catalog_cards(catalog: dict[Product, list[Offer]]) -> Markup:
    """The catalog's product cards (``product_cards.html``), rendered once per version of what they show."""
    # A kept plan (and its product) is replaced, never changed, when anything shown of it changes
    # (``core.services.catalog_cache``): the plan objects, with their prices and what the buyer holds, tell the versions apart.
    shown = tuple((offer.plan, offer.price, offer.held) for offers in catalog.values() for offer in offers)
    key = (current_theme(), current_locale(), shown)
    kept: Kept = current_app.extensions["catalog_cards"]
    cards = kept.get(key)
    if cards is None:
        cards = Markup(render_page("product_cards.html", catalog=catalog))
        kept.keep(key, cards)
    return cards


@bp.get("/products")
@reads_only
def catalog() -> str:
    return visitor_page(lambda: render_page("products.html", cards=catalog_cards(shop_catalog(with_blockers=False))))


def init_kept_catalogs(app: Flask) -> None:
    """Keep priced catalogs and their cards in this process, and share the prices through the broker's Redis when it is one."""
    broker = app.config["CASCADE_BROKER_URL"]
    app.extensions["catalog_cache"] = CatalogCache(broker if urlsplit(broker).scheme in ("redis", "rediss") else None)
    app.extensions["catalog_cards"] = Kept(MAX_CARDS)


@bp.get("/products/<product_key>")
@reads_only
def product(product_key: str) -> str:
    return product_page(product_key)[0]


def product_page(product_key: str, errors: Mapping[str, list[str]] | None = None, plan_id: int | None = None,
                 values: Mapping[str, str] | None = None) -> tuple[str, int]:
    """A product's plans side by side; with ``errors``, those of adding plan ``plan_id`` to the cart."""
    found = next(((product, offers) for product, offers in shop_catalog().items() if product.key == product_key), None)
    if found is None:
        abort(404)  # not on sale here, or not to this viewer
    product, offers = found
    return render_page(
        "product.html", product=product, offers=offers, features=compare(offers),
        once=one_unit(product), errors=errors or {}, failed_plan_id=plan_id, values=values or {},
    ), 422 if errors else 200
