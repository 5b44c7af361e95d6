"""Websites in the back office: a reseller's customers' sites, creating one, switching it live."""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from bss.auth import acting_account, current_actor
from bss.backoffice import bp
from bss.backoffice.orders import account_choices, enum_arg, whole_number
from core.errors import ConflictError, PermissionDeniedError, ValidationError
from core.provisioning import RetryableError
from core.services.subscriptions import list_subscriptions
from plugins.hosting.domain_names import to_unicode
from plugins.hosting.models import Website, WebsiteStatus
from plugins.hosting.vendor_http import VendorError
from plugins.hosting.web_hosting import WebHosting
from plugins.hosting.websites import (
    RUNNING,
    control_panel_link,
    create_website,
    get_website,
    hosting_offers,
    list_websites,
    take_live,
)
from web.database import db
from web.errors import status_for


@bp.app_template_filter("site_name")
def site_name(domain: str) -> str:
    """A site's or domain's address as people write it (``bücher.de``, not ``xn--bcher-kva.de``)."""
    return to_unicode(domain)


@bp.get("/websites")
@login_required
def websites() -> str:
    status = enum_arg(WebsiteStatus, "status", "a website status")
    return render_template("backoffice/websites.html", websites=list_websites(db.session, acting_account(), status=status),
                           status=status, statuses=list(WebsiteStatus))


def _new_website_page(form: Mapping[str, str], errors: dict[str, list[str]] | None = None) -> tuple[str, int]:
    viewer = acting_account()
    hosting = [subscription for subscription in list_subscriptions(db.session, viewer, limit=500)
               if subscription.product.key == WebHosting.key and subscription.status in RUNNING]
    hosted = set(db.session.scalars(select(Website.subscription_id).where(
        Website.subscription_id.in_([subscription.id for subscription in hosting]))))
    free_hosting = [subscription for subscription in hosting if subscription.id not in hosted]
    return render_template("backoffice/websites_new.html", accounts=account_choices(), offers=hosting_offers(db.session, viewer),
                           free_hosting=free_hosting, form=form, errors=errors or {}), 422 if errors else 200


@bp.get("/websites/new")
@login_required
def new_website() -> tuple[str, int]:
    return _new_website_page(request.args)


@bp.post("/websites")
@login_required
def create_website_view() -> Response | tuple[str, int]:
    form = request.form
    errors: dict[str, list[str]] = {}
    account_id = whole_number(form.get("account_id"), "account_id", errors)
    on_hosting = form.get("start") == "hosting"
    plan_id = None if on_hosting else whole_number(form.get("plan_id"), "plan_id", errors, required="Choose a plan to try.")
    subscription_id = (whole_number(form.get("subscription_id"), "subscription_id", errors,
                                    required="Choose the hosting the site goes on.") if on_hosting else None)
    try:
        if errors:
            raise ValidationError(errors)
        website = create_website(db.session, actor=current_actor(), account_id=account_id, domain=form.get("domain", ""),
                                 plan_id=plan_id, subscription_id=subscription_id)
    except ValidationError as error:
        db.session.rollback()
        return _new_website_page(form, error.fields)
    db.session.commit()
    flash(f"{website.domain} is created for {website.account.name}"
          + (f", on a free trial until {website.trial_ends_at:%d %B %Y}." if website.trial_ends_at else "."), "info")
    return redirect(url_for("backoffice.website", website_id=website.id))


def _website_page(website: Website, refusal: str = "", status: int = 200) -> tuple[str, int]:
    return render_template("backoffice/website.html", website=website, hosting=website.subscription,
                           seller_side=acting_account().id != website.account_id, refusal=refusal), status


@bp.get("/websites/<int:website_id>")
@login_required
def website(website_id: int) -> tuple[str, int]:
    return _website_page(get_website(db.session, acting_account(), website_id))


@bp.post("/websites/<int:website_id>/live")
@login_required
def take_website_live(website_id: int) -> Response | tuple[str, int]:
    try:
        website = take_live(db.session, actor=current_actor(), website_id=website_id)
    except (ConflictError, PermissionDeniedError) as error:
        db.session.rollback()
        return _website_page(get_website(db.session, acting_account(), website_id), error.detail, status_for(error))
    db.session.commit()
    flash(f"{website.domain} is live.", "info")
    return redirect(url_for("backoffice.website", website_id=website.id))


@bp.post("/websites/<int:website_id>/control-panel")
@login_required
def website_control_panel(website_id: int) -> Response:
    try:
        return redirect(control_panel_link(db.session, acting_account(), website_id))
    except (RetryableError, VendorError) as error:
        flash(f"The hosting panel did not give a sign-in link ({error}). Try again in a minute.", "error")
    except ConflictError as error:
        flash(error.detail, "error")
    return redirect(url_for("backoffice.website", website_id=website_id))


