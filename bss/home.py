"""The start page: what the platform offers, as the installed plugins declare it."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.models.catalog import Product
from core.plugins import plugin_infos
from web.database import db

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    products = db.session.scalars(
        select(Product)
        .where(Product.retired_at.is_(None))
        .options(selectinload(Product.plans))
        .order_by(Product.name)
    ).all()
    return render_template("home.html", products=products, plugins=plugin_infos())
