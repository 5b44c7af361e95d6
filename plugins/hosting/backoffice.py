"""Hosting in the back office: customers' websites (creating one, switching it live, the control
panel) and domain names (where each stands, renewing by itself or by hand, nameservers).

Mounted under ``/bss`` through the ``backoffice_pages`` hook, with its entries in the navigation.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from core.domain_names import to_unicode
from core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from core.languages import say
from core.product_lifecycle import RetryableError
from core.services.accounts import get_account
from core.services.subscriptions import get_subscription, list_subscriptions, shows_price_to
from plugin_kit.vendor_http import VendorError
from plugins.hosting.domain_registration import KEY
from plugins.hosting.domains import list_domains, registrar_record, set_auto_renew, set_nameservers, standing
from plugins.hosting.models import Website, WebsiteStatus
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
from web.formatting import day
from web.forms import account_choices, enum_arg, whole_number
from web.pages import BackofficePages, NavEntry, current_account, current_actor, render_page, sign_in_required

bp = Blueprint("hosting", __name__, template_folder="templates")
pages = BackofficePages(bp, nav=(NavEntry("Websites", "hosting.websites"), NavEntry("Domains", "hosting.domains")))


bp.add_app_template_filter(to_unicode, "site_name")


@bp.get("/websites")
@sign_in_required
def websites() -> str:
    status = enum_arg(WebsiteStatus, "status", _("a website status"))
    return render_page("hosting/backoffice/websites.html", websites=list_websites(db.session, current_account(), status=status),
                           status=status, statuses=list(WebsiteStatus))


def _new_website_page(form: Mapping[str, str], errors: dict[str, list[str]] | None = None) -> tuple[str, int]:
    """The new website form for the account chosen in "For" (the viewer's own at first): the plans on sale to that
    account, which its trial is priced from, and its hosting that has no site yet. An account outside the viewer's
    tree is not found."""
    viewer = current_account()
    errors = dict(errors or {})
    account_id = whole_number(form.get("account_id"), "account_id", errors)
    owner = get_account(db.session, viewer, account_id) if account_id is not None else viewer
    hosting = [subscription for subscription in list_subscriptions(db.session, viewer, account_id=owner.id, limit=500)
               if subscription.product.key == WebHosting.key and subscription.status in RUNNING]
    hosted = set(db.session.scalars(select(Website.subscription_id).where(
        Website.subscription_id.in_([subscription.id for subscription in hosting]))))
    free_hosting = [subscription for subscription in hosting if subscription.id not in hosted]
    return render_page("hosting/backoffice/websites_new.html", accounts=account_choices(), owner=owner,
                       offers=hosting_offers(db.session, owner), free_hosting=free_hosting, form=form,
                       errors=errors), 422 if errors else 200


@bp.get("/websites/new")
@sign_in_required
def new_website() -> tuple[str, int]:
    return _new_website_page(request.args)


@bp.post("/websites")
@sign_in_required
def create_website_view() -> Response | tuple[str, int]:
    form = request.form
    errors: dict[str, list[str]] = {}
    account_id = whole_number(form.get("account_id"), "account_id", errors)
    on_hosting = form.get("start") == "hosting"
    plan_id = None if on_hosting else whole_number(form.get("plan_id"), "plan_id", errors, required=_("Choose a plan to try."))
    subscription_id = (whole_number(form.get("subscription_id"), "subscription_id", errors,
                                    required=_("Choose the hosting the site goes on.")) if on_hosting else None)
    try:
        if errors:
            raise ValidationError(errors)
        website = create_website(db.session, actor=current_actor(), account_id=account_id, domain=form.get("domain", ""),
                                 plan_id=plan_id, subscription_id=subscription_id)
    except ValidationError as error:
        db.session.rollback()
        return _new_website_page(form, error.fields)
    db.session.commit()
    site, customer = to_unicode(website.domain), website.account.name
    flash(_("%(site)s is created for %(customer)s, on a free trial until %(day)s.", site=site, customer=customer,
            day=day(website.trial_ends_at)) if website.trial_ends_at
          else _("%(site)s is created for %(customer)s.", site=site, customer=customer), "info")
    return redirect(url_for("hosting.website", website_id=website.id))


def _website_page(website: Website, refusal: str = "", status: int = 200) -> tuple[str, int]:
    return render_page("hosting/backoffice/website.html", website=website, hosting=website.subscription,
                           seller_side=current_account().id != website.account_id, refusal=refusal), status


@bp.get("/websites/<int:website_id>")
@sign_in_required
def website(website_id: int) -> tuple[str, int]:
    return _website_page(get_website(db.session, current_account(), website_id))


@bp.post("/websites/<int:website_id>/live")
@sign_in_required
def take_website_live(website_id: int) -> Response | tuple[str, int]:
    try:
        website = take_live(db.session, actor=current_actor(), website_id=website_id)
    except (ConflictError, PermissionDeniedError) as error:
        db.session.rollback()
        return _website_page(get_website(db.session, current_account(), website_id), error.detail, status_for(error))
    db.session.commit()
    flash(_("%(site)s is live.", site=to_unicode(website.domain)), "info")
    return redirect(url_for("hosting.website", website_id=website.id))


@bp.post("/websites/<int:website_id>/control-panel")
@sign_in_required
def website_control_panel(website_id: int) -> Response:
    try:
        return redirect(control_panel_link(db.session, current_account(), website_id))
    except (RetryableError, VendorError) as error:
        flash(_("The hosting panel did not give a sign-in link (%(error)s). Try again in a minute.", error=error), "error")
    except ConflictError as error:
        flash(error.detail, "error")
    return redirect(url_for("hosting.website", website_id=website_id))


@bp.get("/domains")
@sign_in_required
def domains() -> str:
    return render_page("hosting/backoffice/domains.html", domains=list_domains(db.session, current_actor()))


def _domain_page(subscription_id: int, errors: dict[str, list[str]] | None = None,
                 nameservers: str | None = None) -> tuple[str, int]:
    subscription = get_subscription(db.session, current_account(), subscription_id)
    if subscription.product.key != KEY:
        raise NotFoundError(say("No domain %(id)s.", id=subscription_id))
    record, unreachable = None, ""
    if "registrar" in subscription.provisioning_data:
        try:
            record = registrar_record(db.session, actor=current_actor(), subscription_id=subscription_id)
        except (RetryableError, VendorError) as error:
            unreachable = str(error)
    return render_page(
        "hosting/backoffice/domain.html", subscription=subscription, standing=standing(subscription), record=record,
        unreachable=unreachable, show_price=shows_price_to(subscription, current_account()),
        seller_side=current_account().id != subscription.owner_id or current_account().kind.value != "customer",
        errors=errors or {},
        nameservers=nameservers if nameservers is not None else "\n".join(record.nameservers if record else []),
    ), 422 if errors else 200


@bp.get("/domains/<int:subscription_id>")
@sign_in_required
def domain(subscription_id: int) -> tuple[str, int]:
    return _domain_page(subscription_id)


@bp.post("/domains/<int:subscription_id>/auto-renew")
@sign_in_required
def domain_auto_renew(subscription_id: int) -> Response:
    on = request.form.get("auto_renew") == "on"
    subscription = set_auto_renew(db.session, actor=current_actor(), subscription_id=subscription_id, auto_renew=on)
    db.session.commit()
    name = to_unicode(subscription.params["domain_name"])
    flash(_("%(domain)s renews by itself on %(day)s.", domain=name, day=day(subscription.current_period_end))
          if on and subscription.current_period_end
          else _("%(domain)s renews by itself at each expiry.", domain=name) if on
          else _("%(domain)s is renewed by hand, once paid.", domain=name), "info")
    return redirect(url_for("hosting.domain", subscription_id=subscription_id))


@bp.post("/domains/<int:subscription_id>/nameservers")
@sign_in_required
def domain_nameservers(subscription_id: int) -> Response | tuple[str, int]:
    typed = request.form.get("nameservers", "")
    try:
        set_nameservers(db.session, actor=current_actor(), subscription_id=subscription_id, nameservers=typed.splitlines())
    except ValidationError as error:
        db.session.rollback()
        return _domain_page(subscription_id, error.fields, typed)
    except (RetryableError, VendorError) as error:
        db.session.rollback()
        refused = _("The registrar did not take them: %(error)s", error=error)
        return _domain_page(subscription_id, {"nameservers": [refused]}, typed)
    db.session.commit()
    flash(_("The nameservers are changed at the registrar."), "info")
    return redirect(url_for("hosting.domain", subscription_id=subscription_id))
