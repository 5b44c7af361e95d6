"""Domains in the back office: where each stands, renewing by itself or by hand, and its nameservers."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from bss.auth import acting_account, current_actor
from bss.backoffice import bp
from core.errors import NotFoundError, ValidationError
from core.provisioning import RetryableError
from core.services.subscriptions import get_subscription, shows_price_to
from plugins.hosting.domain_registration import KEY
from plugins.hosting.domains import list_domains, registrar_record, set_auto_renew, set_nameservers, standing
from plugins.hosting.vendor_http import VendorError
from web.database import db


@bp.get("/domains")
@login_required
def domains() -> str:
    return render_template("backoffice/domains.html", domains=list_domains(db.session, current_actor()))


def _domain_page(subscription_id: int, errors: dict[str, list[str]] | None = None,
                 nameservers: str | None = None) -> tuple[str, int]:
    subscription = get_subscription(db.session, acting_account(), subscription_id)
    if subscription.product.key != KEY:
        raise NotFoundError(f"No domain {subscription_id}.")
    record, unreachable = None, ""
    if "registrar" in subscription.provisioning_data:
        try:
            record = registrar_record(db.session, actor=current_actor(), subscription_id=subscription_id)
        except (RetryableError, VendorError) as error:
            unreachable = str(error)
    return render_template(
        "backoffice/domain.html", subscription=subscription, standing=standing(subscription), record=record,
        unreachable=unreachable, show_price=shows_price_to(subscription, acting_account()),
        seller_side=acting_account().id != subscription.owner_id or acting_account().kind.value != "customer",
        errors=errors or {}, nameservers=nameservers if nameservers is not None else "\n".join(record.nameservers if record else []),
    ), 422 if errors else 200


@bp.get("/domains/<int:subscription_id>")
@login_required
def domain(subscription_id: int) -> tuple[str, int]:
    return _domain_page(subscription_id)


@bp.post("/domains/<int:subscription_id>/auto-renew")
@login_required
def domain_auto_renew(subscription_id: int) -> Response:
    on = request.form.get("auto_renew") == "on"
    subscription = set_auto_renew(db.session, actor=current_actor(), subscription_id=subscription_id, auto_renew=on)
    db.session.commit()
    name = subscription.params["domain_name"]
    flash(f"{name} renews by itself on {subscription.current_period_end:%d %B %Y}." if on and subscription.current_period_end
          else f"{name} renews by itself at each expiry." if on else f"{name} is renewed by hand, once paid.", "info")
    return redirect(url_for("backoffice.domain", subscription_id=subscription_id))


@bp.post("/domains/<int:subscription_id>/nameservers")
@login_required
def domain_nameservers(subscription_id: int) -> Response | tuple[str, int]:
    typed = request.form.get("nameservers", "")
    try:
        set_nameservers(db.session, actor=current_actor(), subscription_id=subscription_id, nameservers=typed.splitlines())
    except ValidationError as error:
        db.session.rollback()
        return _domain_page(subscription_id, error.fields, typed)
    except (RetryableError, VendorError) as error:
        db.session.rollback()
        return _domain_page(subscription_id, {"nameservers": [f"The registrar did not take them: {error}"]}, typed)
    db.session.commit()
    flash("The nameservers are changed at the registrar.", "info")
    return redirect(url_for("backoffice.domain", subscription_id=subscription_id))
