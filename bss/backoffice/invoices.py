"""Invoices in the back office: those the account sent and received, each as its recipient reads it
(on the page, or as the PDF document in its issuer's brand), and the payments its issuer records against it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from io import BytesIO

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import login_required
from werkzeug.wrappers import Response

from bss.auth import acting_account, can, current_actor
from bss.backoffice import bp
from core.clock import utcnow
from core.errors import ValidationError
from core.models.invoices import Invoice, InvoiceStatus
from core.permissions import PaymentMethod, Permission
from core.services.accounting_export import ExportLayout, export_invoices
from core.services.accounts import name_of
from core.services.credit_notes import issue_credit_note
from core.services.invoice_documents import MEDIA_TYPE, invoice_filename, invoice_pdf
from core.services.invoice_payments import record_invoice_payment
from core.services.invoices import get_invoice, visible_invoices
from web.database import db
from web.formatting import current_locale, money
from web.forms import enum_arg
from web.listing import page_of, read_listing

#: The columns the list sorts by, as its query string names them; by invoice, they are in the order they were issued.
SORTABLE = {"invoice": Invoice.id, "from": name_of(Invoice.issuer_id), "to": name_of(Invoice.recipient_id),
            "month": Invoice.period_start, "due": Invoice.due_on, "status": Invoice.status,
            "total": Invoice.total_amount}
DIRECTIONS = {"sent": lazy_gettext("Sent by you"), "received": lazy_gettext("Sent to you")}


@bp.get("/invoices")
@login_required
def invoices() -> str:
    actor = current_actor()
    status = enum_arg(InvoiceStatus, "status", gettext("an invoice status"))
    direction = request.args.get("direction") or None
    if direction is not None and direction not in DIRECTIONS:
        raise ValidationError({"direction": [gettext("Choose 'sent' or 'received'.")]})
    mine = actor.account.id
    listing = read_listing(request.args, SORTABLE, "invoice", endpoint="backoffice.invoices", descending=True)
    query = visible_invoices(actor, status=status, issuer_id=mine if direction == "sent" else None,
                             recipient_id=mine if direction == "received" else None, search=listing.search or None)
    return render_template(
        "backoffice/invoices.html",
        page=page_of(db.session, query, SORTABLE, listing, tiebreak=Invoice.id),
        status=status,
        statuses=list(InvoiceStatus),
        direction=direction,
        directions=DIRECTIONS,
        layouts=list(ExportLayout),
        last_month=(utcnow().date().replace(day=1) - timedelta(days=1)).strftime("%Y-%m"),
    )


def _invoice_page(invoice: Invoice, errors: Mapping[str, list[str]] | None = None,
                  form: Mapping[str, str] | None = None) -> tuple[str, int]:
    open_to_pay = invoice.status in (InvoiceStatus.OPEN, InvoiceStatus.OVERDUE)
    issuer_pays = invoice.issuer_id == acting_account().id and can(Permission.PAY)
    return render_template(
        "backoffice/invoice.html",
        invoice=invoice,
        may_record=open_to_pay and issuer_pays and not invoice.is_credit_note,
        may_credit=issuer_pays and not invoice.is_credit_note and invoice.status is not InvoiceStatus.VOID,
        payment_methods=list(PaymentMethod),
        errors=errors or {},
        form=form or {"amount": str(invoice.balance_due.amount), "paid_on": utcnow().date().isoformat()},
    ), 422 if errors else 200


@bp.get("/invoices/export")
@login_required
def invoices_export() -> Response:
    """A month of the invoices the account sent, as CSV for its accounting."""
    actor = current_actor()
    actor.require(Permission.VIEW_BILLING)
    layout = enum_arg(ExportLayout, "layout", gettext("an export layout")) or ExportLayout.XERO
    try:
        period = datetime.strptime(request.args.get("period", ""), "%Y-%m").date()
    except ValueError:
        raise ValidationError({"period": [gettext("Choose a month, as YYYY-MM.")]}) from None
    text = export_invoices(db.session, issuer=actor.account, period_start=period, layout=layout)
    name = f"invoices-{actor.account.slug}-{period:%Y-%m}-{layout}.csv"
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/invoices/<int:invoice_id>")
@login_required
def invoice(invoice_id: int) -> tuple[str, int]:
    return _invoice_page(get_invoice(db.session, current_actor(), invoice_id))


@bp.get("/invoices/<int:invoice_id>/pdf")
@login_required
def invoice_document(invoice_id: int) -> Response:
    """The invoice as a PDF document, in its issuer's brand, to download."""
    found = get_invoice(db.session, current_actor(), invoice_id)
    return send_file(BytesIO(invoice_pdf(db.session, found, current_locale())), MEDIA_TYPE, as_attachment=True,
                     download_name=invoice_filename(found))


@bp.post("/invoices/<int:invoice_id>/credit-notes")
@login_required
def credit_invoice(invoice_id: int) -> Response | tuple[str, int]:
    form = {field: request.form.get(field, "") for field in ("reason", "credit_amount")}
    try:
        note = issue_credit_note(db.session, actor=current_actor(), invoice_id=invoice_id, reason=form["reason"],
                                 amount=form["credit_amount"] or None)
    except ValidationError as error:
        db.session.rollback()
        fields = {("credit_amount" if name == "amount" else name): messages for name, messages in error.fields.items()}
        return _invoice_page(get_invoice(db.session, current_actor(), invoice_id), fields, form)
    db.session.commit()
    flash(gettext("Credit note %(number)s is issued for %(amount)s.", number=note.number, amount=money(-note.total)), "info")
    return redirect(url_for("backoffice.invoice", invoice_id=note.id))


@bp.post("/invoices/<int:invoice_id>/payments")
@login_required
def record_payment(invoice_id: int) -> Response | tuple[str, int]:
    form = {field: request.form.get(field, "") for field in ("method", "reference", "amount", "paid_on")}
    try:
        paid_on = date.fromisoformat(form["paid_on"]) if form["paid_on"] else None
    except ValueError:
        return _invoice_page(get_invoice(db.session, current_actor(), invoice_id),
                             {"paid_on": [gettext("Give a day as YYYY-MM-DD.")]}, form)
    try:
        payment = record_invoice_payment(db.session, actor=current_actor(), invoice_id=invoice_id,
                                         method=form["method"], reference=form["reference"], amount=form["amount"],
                                         paid_on=paid_on)
    except ValidationError as error:
        db.session.rollback()
        return _invoice_page(get_invoice(db.session, current_actor(), invoice_id), error.fields, form)
    db.session.commit()
    invoice = payment.invoice
    if invoice.status is InvoiceStatus.PAID:
        flash(gettext("Invoice %(number)s is paid.", number=invoice.number), "info")
    else:
        flash(gettext("Payment recorded: %(amount)s is still due on invoice %(number)s.", amount=money(invoice.balance_due),
                      number=invoice.number), "info")
    return redirect(url_for("backoffice.invoice", invoice_id=invoice.id))
