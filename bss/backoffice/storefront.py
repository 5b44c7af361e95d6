"""A seller's storefront in the back office: whether it is live, the plans that decide it, its branding, and the
names its customers meet at registries and hosting panels."""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from werkzeug.wrappers import Response

from bss.auth import acting_account, current_actor
from bss.backoffice import bp
from core.dns import txt_records
from core.errors import NotFoundError, ValidationError
from core.links import links
from core.models.accounts import AccountKind
from core.services.branding import BRANDING_FIELDS, LOGO_MAX_BYTES, choose_theme, remove_logo, update_branding
from core.services.custom_domains import set_custom_domain, verification_record, verify_custom_domain
from core.services.eligibility import purchase_blockers
from core.services.entitlements import (
    CUSTOM_DOMAIN,
    DISTRIBUTOR_ENTITLEMENTS,
    OWN_SENDER_NAME,
    OWN_STOREFRONT,
    THEME_CHOICE,
)
from core.services.pricing import resolve_prices
from core.services.storefronts import storefront_of, storefront_plans, storefront_subscription
from core.services.vendor_names import MAX_NAMESERVERS, default_handle_prefix, set_vendor_names
from storefront.hosts import backoffice_hosts
from storefront.preview import preview_token
from storefront.themes import Theme
from web.database import db
from web.formatting import current_locale


def _page(values: Mapping[str, str] | None = None, errors: dict[str, list[str]] | None = None,
          domain_value: str | None = None, names_value: tuple[str, list[str]] | None = None) -> tuple[str, int]:
    account = acting_account()
    if account.kind is AccountKind.CUSTOMER:
        raise NotFoundError(gettext("Storefronts are for sellers: this page is for resellers and distributors."))
    storefront = storefront_of(db.session, account)
    # A distributor holds every feature without a plan: the plans are its resellers' to choose.
    plans = storefront_plans(db.session, account) if account.kind is AccountKind.RESELLER else []
    features = sorted({name for plan in plans for name in plan.features} - {OWN_STOREFRONT})
    if values is None:
        values = {field: getattr(storefront, field) for field in BRANDING_FIELDS} if storefront else {}
    if names_value is None:
        names_value = (storefront.handle_prefix or "", list(storefront.nameservers)) if storefront else ("", [])
    handle_prefix, nameservers = names_value
    return render_template(
        "backoffice/storefront.html",
        account=account,
        storefront=storefront,
        address=links.storefront(account.slug),
        cname_target=links.storefront_host(account.slug),
        subscription=storefront_subscription(db.session, account),
        plans=plans,
        features=[OWN_STOREFRONT, *features],
        held=sorted(DISTRIBUTOR_ENTITLEMENTS) if account.kind is AccountKind.DISTRIBUTOR else [],
        prices=resolve_prices(db.session, account, plans),
        blockers=purchase_blockers(db.session, account, plans),
        values=values,
        errors=errors or {},
        logo_max_kib=LOGO_MAX_BYTES // 1024,
        themes=sorted(_installed_themes().values(), key=lambda theme: (theme.name != "default", theme.name)),
        may_choose_theme=storefront is not None and THEME_CHOICE in storefront.entitlements,
        may_name_sender=storefront is not None and OWN_SENDER_NAME in storefront.entitlements,
        may_use_domain=storefront is not None and CUSTOM_DOMAIN in storefront.entitlements,
        domain_record=verification_record(storefront) if storefront and storefront.custom_domain else None,
        domain_value=domain_value if domain_value is not None else (storefront.custom_domain or "") if storefront else "",
        preview_token=preview_token(storefront.id) if storefront else None,
        handle_prefix=handle_prefix,
        default_prefix=default_handle_prefix(account.slug),
        # A box for each nameserver a seller may give, those it gave first (all of them, if it typed too many).
        nameservers=nameservers + [""] * (MAX_NAMESERVERS - len(nameservers)),
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
    flash(gettext("Your storefront's branding is saved: your customers see it on their next visit."), "info")
    return redirect(url_for("backoffice.storefront"))


@bp.post("/storefront/logo/remove")
@login_required
def remove_storefront_logo() -> Response:
    remove_logo(db.session, actor=current_actor())
    db.session.commit()
    flash(gettext("The logo is removed: your storefront shows its name alone."), "info")
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
    flash(gettext("Your storefront wears the %(theme)s theme now.",
                  theme=_installed_themes()[chosen.theme].title_in(current_locale())), "info")
    return redirect(url_for("backoffice.storefront"))


@bp.post("/storefront/domain")
@login_required
def save_custom_domain() -> Response | tuple[str, int]:
    domain = request.form.get("custom_domain", "")
    config = current_app.config
    try:
        storefront = set_custom_domain(db.session, actor=current_actor(), domain=domain,
                                       storefront_domain=config["CASCADE_STOREFRONT_DOMAIN"],
                                       reserved_hosts=frozenset(backoffice_hosts(config["CASCADE_BASE_URL"])))
    except ValidationError as error:
        db.session.rollback()
        return _page(errors=error.fields, domain_value=domain)
    db.session.commit()
    if storefront.custom_domain:
        flash(gettext("Now prove that %(domain)s is yours: publish the TXT record below, then verify it.",
                      domain=storefront.custom_domain), "info")
    else:
        flash(gettext("Your storefront no longer has a domain of its own."), "info")
    return redirect(url_for("backoffice.storefront") + "#domain")


@bp.post("/storefront/domain/verify")
@login_required
def verify_domain() -> Response | tuple[str, int]:
    resolver = current_app.config["CASCADE_DNS_RESOLVER"]
    try:
        storefront = verify_custom_domain(db.session, actor=current_actor(),
                                          lookup=lambda name: txt_records(name, resolver))
    except ValidationError as error:
        db.session.rollback()
        return _page(errors=error.fields)
    db.session.commit()
    flash(gettext("%(domain)s is verified: point it at %(target)s with a CNAME record, and your customers reach your "
                  "storefront there.", domain=storefront.custom_domain, target=links.storefront_host(storefront.account.slug)),
          "info")
    return redirect(url_for("backoffice.storefront") + "#domain")


@bp.post("/storefront/vendor-names")
@login_required
def save_vendor_names() -> Response | tuple[str, int]:
    handle_prefix, nameservers = request.form.get("handle_prefix", ""), request.form.getlist("nameservers")
    try:
        set_vendor_names(db.session, actor=current_actor(), handle_prefix=handle_prefix, nameservers=nameservers)
    except ValidationError as error:
        db.session.rollback()
        return _page(errors=error.fields, names_value=(handle_prefix, nameservers))
    db.session.commit()
    flash(gettext("Your names at registries and hosting panels are saved: the domains and websites you sell from now on "
                  "use them."), "info")
    return redirect(url_for("backoffice.storefront") + "#vendor-names")
