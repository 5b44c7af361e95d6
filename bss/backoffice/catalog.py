"""A distributor's catalog: which of the plugins' products it offers and which plans it hides."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from bss.auth import acting_account
from bss.backoffice import bp
from core.errors import NotFoundError, PermissionDeniedError
from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan, Product
from core.models.prices import HiddenPlan, OfferedProduct
from core.permissions import Permission
from core.services.people import require_permission
from core.services.price_lists import set_plan_hidden, set_product_offered
from web.database import db
from web.formatting import current_locale, plan_own_name


def _distributor() -> Account:
    """The acting account, if it is a distributor the signed-in person may set prices for."""
    account = acting_account()
    require_permission(db.session, current_user.user, account, Permission.MANAGE_PRICES)
    if account.kind is not AccountKind.DISTRIBUTOR:
        raise PermissionDeniedError(gettext("Only a distributor chooses the products on sale."))
    return account


def _back_to(product_id: int) -> Response:
    return redirect(url_for("backoffice.catalog", _anchor=f"product-{product_id}"))


@bp.get("/catalog")
@login_required
def catalog() -> str:
    distributor = _distributor()
    products = db.session.scalars(
        select(Product).where(Product.retired_at.is_(None)).options(selectinload(Product.plans)).order_by(Product.name)
    ).all()
    offered = set(db.session.scalars(
        select(OfferedProduct.product_id).where(OfferedProduct.distributor_id == distributor.id)
    ))
    hidden = set(db.session.scalars(select(HiddenPlan.plan_id).where(HiddenPlan.distributor_id == distributor.id)))
    return render_template("backoffice/catalog.html", products=products, offered=offered, hidden=hidden)


def _set_offered(product_id: int, offered: bool) -> Response:
    distributor = _distributor()
    product = db.session.get(Product, product_id)
    if product is None:
        raise NotFoundError(gettext("No product %(id)s.", id=product_id))
    set_product_offered(db.session, distributor=distributor, product=product, offered=offered, by=current_user.user)
    db.session.commit()
    flash(gettext("%(product)s is on sale.", product=product.name) if offered
          else gettext("%(product)s is withdrawn from sale.", product=product.name), "info")
    return _back_to(product.id)


@bp.post("/catalog/products/<int:product_id>/offer")
@login_required
def offer_product(product_id: int) -> Response:
    return _set_offered(product_id, offered=True)


@bp.post("/catalog/products/<int:product_id>/withdraw")
@login_required
def withdraw_product(product_id: int) -> Response:
    return _set_offered(product_id, offered=False)


def _set_hidden(plan_id: int, hidden: bool) -> Response:
    distributor = _distributor()
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFoundError(gettext("No plan %(id)s.", id=plan_id))
    set_plan_hidden(db.session, distributor=distributor, plan=plan, hidden=hidden, by=current_user.user)
    db.session.commit()
    names = {"plan": plan_own_name(plan), "product": plan.product.name_in(current_locale())}
    flash(gettext("%(plan)s (%(product)s) is hidden.", **names) if hidden
          else gettext("%(plan)s (%(product)s) is shown.", **names), "info")
    return _back_to(plan.product_id)


@bp.post("/catalog/plans/<int:plan_id>/hide")
@login_required
def hide_plan(plan_id: int) -> Response:
    return _set_hidden(plan_id, hidden=True)


@bp.post("/catalog/plans/<int:plan_id>/show")
@login_required
def show_plan(plan_id: int) -> Response:
    return _set_hidden(plan_id, hidden=False)
