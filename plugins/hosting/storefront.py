"""The hosting pages of a reseller's storefront: the free trial link, and the customer's sites.

``/hosting/trial`` is the link a reseller puts on its own website: a visitor creates an account
(or signs in) and starts a free trial of a hosting plan at the address it chooses. The sites'
pages show where each stands and open its control panel.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from core.domain_names import to_unicode
from core.errors import ConflictError, NotFoundError, ValidationError
from core.models.subscriptions import Subscription
from core.product_lifecycle import RetryableError
from plugin_kit.vendor_http import VendorError
from plugins.hosting.models import Website
from plugins.hosting.settings import hosting_settings
from plugins.hosting.websites import (
    control_panel_link,
    create_website,
    get_website,
    hosting_offers,
    list_websites,
)
from web.database import db
from web.pages import StorefrontPages, current_account, current_actor, render_page, sign_in_required

bp = Blueprint("hosting", __name__, url_prefix="/hosting", template_folder="templates")


bp.add_app_template_filter(to_unicode, "site_name")


@bp.route("/trial", methods=["GET", "POST"])
def trial() -> str | Response | tuple[str, int]:
    """The free trial link: a signed-in customer chooses its site's address and plan."""
    if not current_user.is_authenticated:
        return render_page("hosting/trial_welcome.html", trial_days=_trial_days())
    account = current_account()
    form = {"domain": request.form.get("domain", ""), "plan_id": request.form.get("plan_id", "")}
    offers = hosting_offers(db.session, account)
    if request.method == "GET":
        return render_page("hosting/trial.html", offers=offers, form=form, errors={}, trial_days=_trial_days())
    try:
        website = create_website(db.session, actor=current_actor(), domain=form["domain"],
                                 plan_id=request.form.get("plan_id", type=int) or 0)
    except ValidationError as error:
        db.session.rollback()
        return render_page("hosting/trial.html", offers=offers, form=form, errors=error.fields,
                           trial_days=_trial_days()), 422
    db.session.commit()
    flash(_("Your free trial of %(site)s has started: your site is being set up.", site=to_unicode(website.domain)), "info")
    return redirect(url_for("hosting.website", website_id=website.id))


@bp.get("/websites")
@sign_in_required
def websites() -> str:
    return render_page("hosting/websites.html", websites=list_websites(db.session, current_account()))


@bp.get("/websites/<int:website_id>")
@sign_in_required
def website(website_id: int) -> str:
    return render_page("hosting/website.html", website=_own_website(website_id), seller=current_account().parent)


@bp.post("/websites/<int:website_id>/control-panel")
@sign_in_required
def control_panel(website_id: int) -> Response:
    _own_website(website_id)
    try:
        return redirect(control_panel_link(db.session, current_account(), website_id))
    except (RetryableError, VendorError):
        flash(_("The control panel is not answering just now. Try again in a minute."), "error")
    except ConflictError as error:
        flash(error.detail, "error")
    return redirect(url_for("hosting.website", website_id=website_id))


def _own_website(website_id: int) -> Website:
    """The signed-in customer's site; any other answers the shop's own 404."""
    try:
        return get_website(db.session, current_account(), website_id)
    except NotFoundError:
        abort(404)


def _trial_days() -> int:
    return hosting_settings().trial_days


def _links(subscription: Subscription) -> list[tuple[str, str]]:
    website_id = db.session.scalar(select(Website.id).where(Website.subscription_id == subscription.id))
    return [(_("Website"), url_for("hosting.website", website_id=website_id))] if website_id else []


pages = StorefrontPages(blueprint=bp, subscription_links=_links)
