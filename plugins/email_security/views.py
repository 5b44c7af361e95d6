"""An account's pages, the same on a storefront (its customer) and in the back office (its sellers).

``account_pages(side)`` builds the blueprint for one side: the account's domains (add, remove),
the MX and SPF records to publish and a DNS check, its add-ons (switched on or off at once,
prorated), its extra domains, and the search of its archive with the restore of a message. The
storefront lets a customer reach its own accounts only; the back office lets a seller act on
behalf of its customers. Every other id answers 404, as a missing one does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from core.errors import ConflictError, PermissionDeniedError, ValidationError, VendorUnavailableError
from core.models.orders import Order
from core.models.subscriptions import Subscription
from core.permissions import Permission
from core.services.subscriptions import shows_price_to
from plugins.email_security.accounts import (
    account_subscription,
    account_view,
    buy_extra_domains,
    give_back_extra_domain,
    switch_service,
)
from plugins.email_security.addons import BY_KEY, FILTERING
from plugins.email_security.archive import restore_message, search_archive
from plugins.email_security.dns_records import look_up
from plugins.email_security.domain_names import to_unicode
from plugins.email_security.domains import add_domain, check_dns, remove_domain
from plugins.email_security.texts import reason_text, service_name, t
from web.database import db
from web.forms import whole_number
from web.pages import can, current_account, current_actor, error_page, render_page, sign_in_required

#: What a person may be refused with; the page says why and changes nothing.
REFUSALS = (ValidationError, PermissionDeniedError, ConflictError, VendorUnavailableError)


@dataclass(frozen=True)
class Side:
    """Where the pages are served: which templates, and whose accounts they reach."""

    #: The templates' folder under ``templates/``.
    templates: str
    #: Only the signed-in account's own accounts (a storefront's customer), not those below it.
    own_only: bool


STOREFRONT = Side("email_security", own_only=True)
BACKOFFICE = Side("email_security/backoffice", own_only=False)


def account_pages(side: Side) -> Blueprint:
    """The account's pages for ``side``, under ``/email-security``."""
    bp = Blueprint("email_security", __name__, url_prefix="/email-security", template_folder="templates")

    @bp.context_processor
    def texts() -> dict[str, Any]:
        return {"t": t, "reason_text": reason_text, "service_name": service_name, "shown_domain": to_unicode,
                "filtering": FILTERING}

    def reached(subscription_id: int) -> Subscription:
        return reached_on(side, subscription_id)

    def page(subscription_id: int, *, status: int = 200, errors: Mapping[str, list[str]] | None = None,
             problem: str = "", form: Mapping[str, str] | None = None) -> tuple[str, int]:
        reached(subscription_id)
        view = account_view(db.session, current_account(), subscription_id)
        return render_page(f"{side.templates}/account.html", view=view, sub=view.subscription,
                           errors=errors or {}, problem=problem, form=form or {},
                           may_manage=can(Permission.MANAGE_SUBSCRIPTIONS),
                           may_manage_users=can(Permission.MANAGE_PRODUCT_USERS),
                           may_order=can(Permission.PURCHASE),
                           payment_methods=sorted(current_actor().payment_methods),
                           show_price=shows_price_to(view.subscription, current_account())), status

    def refused(subscription_id: int, error: Exception, form: Mapping[str, str],
                again: Callable[..., tuple[str, int]] = page) -> tuple[str, int]:
        """The page again, saying why nothing was done."""
        db.session.rollback()
        if isinstance(error, ValidationError):
            return again(subscription_id, status=422, errors=error.fields, form=form)
        if isinstance(error, PermissionDeniedError):
            return again(subscription_id, status=403, form=form,
                         problem=t("Your teams here may not do that. Ask a person who manages your organisation."))
        if isinstance(error, VendorUnavailableError):
            return again(subscription_id, status=503, form=form, problem=error.detail)
        assert isinstance(error, ConflictError)
        return again(subscription_id, status=409, problem=error.detail, form=form)

    def done(subscription_id: int, message: str, endpoint: str = "email_security.account") -> Response:
        db.session.commit()
        flash(message, "info")
        return redirect(url_for(endpoint, subscription_id=subscription_id), 303)

    @bp.get("/<int:subscription_id>")
    @sign_in_required
    def account(subscription_id: int) -> tuple[str, int]:
        return page(subscription_id)

    @bp.post("/<int:subscription_id>/domains")
    @sign_in_required
    def add(subscription_id: int) -> Response | tuple[str, int]:
        reached(subscription_id)
        try:
            added = add_domain(db.session, actor=current_actor(), subscription_id=subscription_id,
                               domain=request.form.get("domain", ""))
        except REFUSALS as error:
            return refused(subscription_id, error, request.form)
        return done(subscription_id, t("%(domain)s is added: publish its MX records, then check the DNS.",
                                       domain=to_unicode(added.name)))

    @bp.post("/<int:subscription_id>/domains/<domain>/remove")
    @sign_in_required
    def remove(subscription_id: int, domain: str) -> Response | tuple[str, int]:
        reached(subscription_id)
        try:
            remove_domain(db.session, actor=current_actor(), subscription_id=subscription_id, domain=domain)
        except REFUSALS as error:
            return refused(subscription_id, error, {})
        return done(subscription_id, t("%(domain)s is removed: its extra domain is free.", domain=to_unicode(domain)))

    @bp.post("/<int:subscription_id>/dns-check")
    @sign_in_required
    def dns_check(subscription_id: int) -> Response | tuple[str, int]:
        reached(subscription_id)
        lookup = look_up(current_app.config.get("CASCADE_DNS_RESOLVER", ""))
        try:
            checked = check_dns(db.session, actor=current_actor(), subscription_id=subscription_id, lookup=lookup)
        except REFUSALS as error:
            return refused(subscription_id, error, {})
        protected = sum(row.dns_status.value == "protected" for row in checked)
        return done(subscription_id, t("DNS checked: %(protected)s of %(count)s domains protected.",
                                       protected=protected, count=len(checked)))

    @bp.post("/<int:subscription_id>/services/<service>")
    @sign_in_required
    def switch(subscription_id: int, service: str) -> Response | tuple[str, int]:
        reached(subscription_id)
        on = request.form.get("on") == "yes"
        try:
            switch_service(db.session, actor=current_actor(), subscription_id=subscription_id, service=service, on=on)
        except REFUSALS as error:
            return refused(subscription_id, error, {})
        name = service_name(BY_KEY[service])
        return done(subscription_id, t("%(service)s is being switched on: it is charged for the rest of the period.",
                                       service=name) if on else
                    t("%(service)s is being switched off: the rest of the period is credited back.", service=name))

    @bp.post("/<int:subscription_id>/extra-domains")
    @sign_in_required
    def more_domains(subscription_id: int) -> Response | tuple[str, int]:
        reached(subscription_id)
        errors: dict[str, list[str]] = {}
        count = whole_number(request.form.get("count"), "count", errors, required=t("Choose how many."))
        try:
            if errors or count is None:
                raise ValidationError(errors)
            bought = buy_extra_domains(db.session, actor=current_actor(), subscription_id=subscription_id, count=count,
                                       payment_method=request.form.get("payment_method", ""))
        except REFUSALS as error:
            return refused(subscription_id, error, request.form)
        if isinstance(bought, Order):
            db.session.commit()
            flash(t("Order %(id)s is placed for %(count)s extra domains.", id=bought.id, count=count), "info")
            return redirect(order_url(bought), 303)
        return done(subscription_id, t("%(count)s more extra domains: they count as soon as the service confirms.",
                                       count=count))

    @bp.post("/<int:subscription_id>/extra-domains/give-back")
    @sign_in_required
    def fewer_domains(subscription_id: int) -> Response | tuple[str, int]:
        reached(subscription_id)
        try:
            give_back_extra_domain(db.session, actor=current_actor(), subscription_id=subscription_id)
        except REFUSALS as error:
            return refused(subscription_id, error, {})
        return done(subscription_id, t("One extra domain fewer: the rest of its period is credited back."))

    def archive_page(subscription_id: int, *, status: int = 200, errors: Mapping[str, list[str]] | None = None,
                     problem: str = "", form: Mapping[str, str] | None = None) -> tuple[str, int]:
        subscription = reached(subscription_id)
        query = request.args.get("q", "")
        messages, unavailable = [], ""
        try:
            messages = search_archive(db.session, actor=current_actor(), subscription_id=subscription_id, query=query)
        except ValidationError as error:
            errors, status = error.fields, 422
        except (ConflictError, VendorUnavailableError) as error:
            unavailable, status = error.detail, (409 if isinstance(error, ConflictError) else 503)
        except PermissionDeniedError:
            return error_page(403, t("Not allowed"), t("Your teams here may not read the archive. Ask a person who "
                                                      "manages your organisation."))
        return render_page(f"{side.templates}/archive.html", sub=subscription, query=query, messages=messages,
                           unavailable=unavailable, errors=errors or {}, problem=problem), status

    @bp.get("/<int:subscription_id>/archive")
    @sign_in_required
    def archive(subscription_id: int) -> tuple[str, int]:
        return archive_page(subscription_id)

    @bp.post("/<int:subscription_id>/archive/<message_id>/restore")
    @sign_in_required
    def restore(subscription_id: int, message_id: str) -> Response | tuple[str, int]:
        reached(subscription_id)
        try:
            message = restore_message(db.session, actor=current_actor(), subscription_id=subscription_id,
                                      message_id=message_id)
        except REFUSALS as error:
            return refused(subscription_id, error, {}, again=archive_page)
        return done(subscription_id, t("“%(subject)s” is delivered to %(to)s again.", subject=message.subject,
                                       to=message.recipient), "email_security.archive")

    return bp


def reached_on(side: Side, subscription_id: int) -> Subscription:
    """The account ``subscription_id`` if ``side`` lets the signed-in person reach it; 404 otherwise."""
    subscription = account_subscription(db.session, current_account(), subscription_id)
    if side.own_only and subscription.owner_id != current_account().id:
        abort(404)
    return subscription


def order_url(order: Order) -> str:
    """Where a new order is followed: the shop's order page, or the back office's."""
    endpoint = "shop_orders.order" if "shop_orders.order" in current_app.view_functions else "backoffice.order"
    return url_for(endpoint, order_id=order.id)
