"""A seller's storefront in the back office: whether it is live, the plans that decide it, its branding."""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from bss.auth import acting_account, current_actor
from bss.backoffice import bp
from bss.extensions import db
from core.errors import NotFoundError, ValidationError
from core.links import links
from core.models.accounts import AccountKind
from core.services.branding import BRANDING_FIELDS, LOGO_MAX_BYTES, choose_theme, remove_logo, update_branding
from core.services.eligibility import purchase_blockers
from core.services.entitlements import OWN_STOREFRONT, THEME_CHOICE
from core.services.pricing import resolve_prices
from core.services.storefronts import storefront_of, storefront_plans, storefront_subscription
from storefront.themes import Theme


def _page(values: Mapping[str, str] | None = None, errors: dict[str, list[str]] | None = None) -> tuple[str, int]:
    account = acting_account()
    if account.kind is not AccountKind.RESELLER:
        raise NotFoundError("Storefronts come with reseller plans: this page is for resellers.")
    storefront = storefront_of(db.session, account)
    plans = storefront_plans(db.session, account)
    features = sorted({name for plan in plans for name in plan.features} - {OWN_STOREFRONT})
    if values is None:
        values = {field: getattr(storefront, field) for field in BRANDING_FIELDS} if storefront else {}
    return render_template(
        "backoffice/storefront.html",
        account=account,
        storefront=storefront,
        address=links.storefront(account.slug),
        subscription=storefront_subscription(db.session, account),
        plans=plans,
        features=[OWN_STOREFRONT, *features],
        prices=resolve_prices(db.session, account, plans),
        blockers=purchase_blockers(db.session, account, plans),
        values=values,
        errors=errors or {},
        logo_max_kib=LOGO_MAX_BYTES // 1024,
        themes=sorted(_installed_themes().values(), key=lambda theme: (theme.name != "default", theme.name)),
        may_choose_theme=storefront is not None and THEME_CHOICE in storefront.entitlements,
    ), 422 if errors else 200


@bp.get("/storefront")
@login_required
def storefront() -> tuple[str, int]:
    return _page()


@bp.post("/storefront/branding")
@login_required
def save_branding() -> Response | tuple[str, int]:
    values = {field: request.form.get(field, "") for field in BRANDING_FIELDS}
    upload = request.files.get("logo")
    # One byte over the limit is enough to refuse it; the rest is never read.
    logo = upload.stream.read(LOGO_MAX_BYTES + 1) if upload and upload.filename else None
    try:
        update_branding(db.session, actor=current_actor(), values=values, logo=logo)
    except ValidationError as error:
        db.session.rollback()
        return _page(values, error.fields)
    db.session.commit()
    flash("Your storefront's branding is saved: your customers see it on their next visit.", "info")
    return redirect(url_for("backoffice.storefront"))


@bp.post("/storefront/logo/remove")
@login_required
def remove_storefront_logo() -> Response:
    remove_logo(db.session, actor=current_actor())
    db.session.commit()
    flash("The logo is removed: your storefront shows its name alone.", "info")
    return redirect(url_for("backoffice.storefront"))


def _installed_themes() -> dict[str, Theme]:
    return current_app.extensions["themes"].themes


@bp.post("/storefront/theme")
@login_required
def save_theme() -> Response | tuple[str, int]:
    try:
        chosen = choose_theme(db.session, actor=current_actor(), theme=request.form.get("theme", ""),
                              available=_installed_themes())
    except ValidationError as error:
        db.session.rollback()
        return _page(errors=error.fields)
    db.session.commit()
    flash(f"Your storefront wears the {chosen.theme} theme now.", "info")
    return redirect(url_for("backoffice.storefront"))
