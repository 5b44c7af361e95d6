"""Whose brand the back office and the API's pages wear: a distributor's or a seller's, never the platform's.

On a storefront's host (the API answers there too) it is that seller's; for a signed-in person (a
distributor's or a reseller's staff: customers serve themselves on their shops), the distributor at
the top of the tree of the account they act for; before anyone signs in, the one distributor the
platform runs (a platform running several says only "Back office"). Its name, logo and main colour
are the storefront branding that account sets.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, Response, abort, current_app, g, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, undefer

from core.models.accounts import Account, AccountKind
from core.models.storefronts import DEFAULT_PRIMARY, Storefront
from core.services.pricing import root_distributor_id
from core.services.storefront_hosts import find_storefront, host_name
from storefront.hosts import backoffice_hosts
from web.database import db

bp = Blueprint("brand", __name__, url_prefix="/bss/brand")


@dataclass(frozen=True)
class Brand:
    #: ``""`` for none: the page says "Back office" in its language.
    name: str
    colour: str
    logo_url: str | None
    #: Where the name leads: the shop's home on its host (``None``: the back office's).
    home_url: str | None = None


NEUTRAL = Brand("", DEFAULT_PRIMARY, None)


def init_brand(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(brand=current_brand)


def current_brand() -> Brand:
    """The brand of this request's pages."""
    if "brand" not in g:
        g.brand = _brand()
    return g.brand


def _brand() -> Brand:
    config = current_app.config
    if host_name(request.host) not in backoffice_hosts(config["CASCADE_BASE_URL"]):
        shop = find_storefront(db.session, request.host, config["CASCADE_STOREFRONT_DOMAIN"])
        if shop is not None:
            return _of(shop, logo_url="/logo", home_url="/")  # the shop's own addresses
    if current_user.is_authenticated and current_user.login_session.account_id is not None:
        account = db.session.get(Account, current_user.login_session.account_id)
        owner_id = root_distributor_id(account) if account is not None else None
    else:
        distributors = db.session.scalars(select(Account.id).where(Account.kind == AccountKind.DISTRIBUTOR).limit(2)).all()
        owner_id = distributors[0] if len(distributors) == 1 else None
    if owner_id is None:
        return NEUTRAL
    shop = db.session.scalar(select(Storefront).where(Storefront.account_id == owner_id)
                             .options(joinedload(Storefront.account)))
    if shop is None:
        owner = db.session.get(Account, owner_id)
        return Brand(owner.name, DEFAULT_PRIMARY, None) if owner is not None else NEUTRAL
    return _of(shop, logo_url=url_for("brand.logo", account_id=owner_id))


def _of(shop: Storefront, logo_url: str | None, home_url: str | None = None) -> Brand:
    return Brand(shop.display_name or shop.account.name, shop.primary_colour, logo_url if shop.logo_media_type else None,
                 home_url)


@bp.get("/<int:account_id>/logo")
def logo(account_id: int) -> Response:
    """A seller's logo, for the back office's header (public, as the sign-in page shows it, and as its storefront
    shows it to anyone)."""
    shop = db.session.scalar(select(Storefront).join(Storefront.account)
                             .where(Storefront.account_id == account_id, Account.kind != AccountKind.CUSTOMER)
                             .options(undefer(Storefront.logo)))
    if shop is None or shop.logo is None or shop.logo_media_type is None:
        abort(404)
    response = Response(shop.logo, mimetype=shop.logo_media_type)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
