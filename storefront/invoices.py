"""A customer's invoices on the shop: each month the shop invoiced it, as a page and as a PDF document.

Only the invoices this shop's seller sent the signed-in customer open here; any other id is a
404. The invoices' issuer is the shop's seller: nothing here names anyone above it, the PDF (in
the shop's brand and the visitor's language) included.
"""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, request, send_file
from flask_babel import lazy_gettext
from werkzeug.wrappers import Response

from core.models.invoices import Invoice, InvoiceStatus
from core.services.invoice_documents import MEDIA_TYPE, invoice_filename, invoice_pdf
from core.services.invoices import get_invoice, list_invoices
from storefront.auth import current_customer_actor, customer_account
from storefront.hosts import current_storefront
from storefront.themes import render_page
from web.database import db
from web.formatting import current_locale
from web.pages import sign_in_required

bp = Blueprint("shop_invoices", __name__)

PAGE_SIZE = 25
STATUS_LABELS = {
    InvoiceStatus.OPEN: lazy_gettext("To pay"),
    InvoiceStatus.PAID: lazy_gettext("Paid"),
    InvoiceStatus.OVERDUE: lazy_gettext("Overdue"),
    InvoiceStatus.VOID: lazy_gettext("Void"),
}


@bp.get("/invoices")
@sign_in_required
def invoices() -> str:
    page = list_invoices(db.session, current_customer_actor(), issuer_id=current_storefront().account_id,
                         recipient_id=customer_account().id, after_id=request.args.get("after", type=int),
                         limit=PAGE_SIZE + 1)
    return render_page("invoices.html", invoices=page[:PAGE_SIZE], status_labels=STATUS_LABELS,
                       next_after=page[PAGE_SIZE - 1].id if len(page) > PAGE_SIZE else None)


@bp.get("/invoices/<int:invoice_id>")
@sign_in_required
def invoice(invoice_id: int) -> str:
    return render_page("invoice.html", invoice=_own_invoice(invoice_id), status_labels=STATUS_LABELS)


@bp.get("/invoices/<int:invoice_id>/pdf")
@sign_in_required
def invoice_document(invoice_id: int) -> Response:
    found = _own_invoice(invoice_id)
    return send_file(BytesIO(invoice_pdf(db.session, found, current_locale())), MEDIA_TYPE, as_attachment=True,
                     download_name=invoice_filename(found))


def _own_invoice(invoice_id: int) -> Invoice:
    """The invoice ``invoice_id`` this shop sent the signed-in customer; any other is a 404."""
    found = get_invoice(db.session, current_customer_actor(), invoice_id)
    if (found.issuer_id, found.recipient_id) != (current_storefront().account_id, customer_account().id):
        abort(404)
    return found
