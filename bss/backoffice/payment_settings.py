"""A seller's payment settings: which payment methods' orders wait for it to confirm the payment,
how it invoices (its invoice numbers, its tax, its payment terms), and, for a distributor, the
terms of transfers (the fee a receiving reseller pays, how long answers may take)."""

from __future__ import annotations

from collections.abc import Mapping

from babel.lists import format_list
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from werkzeug.wrappers import Response

from bss.auth import current_actor
from bss.backoffice import bp
from core.errors import PermissionDeniedError, ValidationError
from core.models.accounts import AccountKind
from core.permissions import PaymentMethod, Permission
from core.services.actors import Actor
from core.services.billing_profiles import read_billing_profile, update_billing_profile
from core.services.orders import set_payment_confirmation
from core.services.transfers import set_transfer_terms
from web.database import db
from web.formatting import current_locale, payment_method_word, plain

INVOICING_FIELDS = ("invoice_prefix", "tax_name", "tax_rate", "payment_terms_days", "reminder_days",
                    "suspend_after_days", "customer_cycle")


def _seller() -> Actor:
    """The signed-in person, if they may confirm payments for an account that sells."""
    actor = current_actor()
    actor.require(Permission.PAY)
    if actor.account.kind is AccountKind.CUSTOMER:
        raise PermissionDeniedError(gettext("A customer sells to nobody, so no order waits for its payment confirmation."))
    return actor


def _page(chosen: list[str], errors: dict[str, list[str]] | None = None,
          invoicing: Mapping[str, str] | None = None, transfers: Mapping[str, str] | None = None) -> tuple[str, int]:
    account = current_actor().account
    profile = read_billing_profile(db.session, account)
    return render_template(
        "backoffice/payment_settings.html",
        account=account,
        payment_methods=list(PaymentMethod),
        chosen=chosen,
        errors=errors or {},
        invoicing=invoicing or {
            "invoice_prefix": profile.invoice_prefix, "tax_name": profile.tax_name, "tax_rate": plain(profile.tax_rate),
            "payment_terms_days": str(profile.payment_terms_days),
            "reminder_days": ", ".join(map(str, profile.reminder_days)),
            "suspend_after_days": "" if profile.suspend_after_days is None else str(profile.suspend_after_days),
            "reverse_charge": "on" if profile.reverse_charge else "",
            "customer_cycle": str(profile.customer_cycle),
        },
        transfers=transfers or {"transfer_fee": plain(profile.transfer_fee),
                                "transfer_expiry_days": str(profile.transfer_expiry_days)},
    ), 422 if errors else 200


@bp.get("/payments/settings")
@login_required
def payment_settings() -> tuple[str, int]:
    return _page(_seller().account.payment_confirmation_methods)


@bp.post("/payments/invoicing")
@login_required
def save_invoicing() -> Response | tuple[str, int]:
    form = {field: request.form.get(field, "") for field in INVOICING_FIELDS}
    reverse_charge = bool(request.form.get("reverse_charge"))
    actor = _seller()
    try:
        update_billing_profile(db.session, actor=actor, **form, reverse_charge=reverse_charge)
    except ValidationError as error:
        db.session.rollback()
        return _page(actor.account.payment_confirmation_methods, error.fields,
                     invoicing={**form, "reverse_charge": "on" if reverse_charge else ""})
    db.session.commit()
    flash(gettext("Saved: the invoices you send from now on are numbered, taxed, due and chased as you said."), "info")
    return redirect(url_for("backoffice.payment_settings") + "#invoicing")


@bp.post("/payments/transfers")
@login_required
def save_transfer_terms() -> Response | tuple[str, int]:
    """A distributor's terms for transfers: the fee a receiving reseller pays, the days answers may take."""
    form = {field: request.form.get(field, "") for field in ("transfer_fee", "transfer_expiry_days")}
    actor = _seller()
    try:
        set_transfer_terms(db.session, actor=actor, **form)
    except ValidationError as error:
        db.session.rollback()
        return _page(actor.account.payment_confirmation_methods, error.fields, transfers=form)
    db.session.commit()
    flash(gettext("Saved: transfers started from now on follow these terms."), "info")
    return redirect(url_for("backoffice.payment_settings") + "#transfers")


@bp.post("/payments/settings")
@login_required
def save_payment_settings() -> Response | tuple[str, int]:
    chosen = request.form.getlist("payment_confirmation_methods")
    try:
        saved = set_payment_confirmation(db.session, actor=_seller(), methods=chosen)
    except ValidationError as error:
        db.session.rollback()
        return _page(chosen, error.fields)
    db.session.commit()
    if saved:
        methods = format_list([payment_method_word(method).lower() for method in saved], style="or", locale=current_locale())
        flash(gettext("Orders paid by %(methods)s now wait for you to confirm the payment.", methods=methods), "info")
    else:
        flash(gettext("No order waits for your confirmation any more: every order is set up as soon as it is placed."), "info")
    return redirect(url_for("backoffice.payment_settings"))
