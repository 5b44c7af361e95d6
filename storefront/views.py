"""The storefront's pages: for now, its home."""

from __future__ import annotations

from flask import Blueprint, render_template

from bss.extensions import db
from core.services.storefronts import storefront_catalog
from storefront.hosts import current_storefront

bp = Blueprint("shop", __name__)


@bp.get("/")
def home() -> str:
    shop = current_storefront().account
    return render_template("home.html", shop=shop, catalog=storefront_catalog(db.session, shop))
