"""``/invoices`` and ``/charges``: what the caller's account billed and was billed."""

from __future__ import annotations

from io import BytesIO

from flask import Response, send_file, url_for

from bss.api import bp
from bss.api.billing_schemas import (
    ChargeCreateSchema,
    ChargeListSchema,
    ChargeQuerySchema,
    ChargeSchema,
    CreditNoteCreateSchema,
    InvoicePageSchema,
    InvoicePaymentCreateSchema,
    InvoiceQuerySchema,
    InvoiceSchema,
)
from core.permissions import Permission
from core.services.credit_notes import issue_credit_note
from core.services.invoice_documents import MEDIA_TYPE, invoice_filename, invoice_pdf
from core.services.invoice_payments import record_invoice_payment
from core.services.invoices import get_invoice, list_invoices, uninvoiced_charges
from core.services.manual_charges import add_charge
from web.api.auth import current_actor
from web.api.idempotency import commit_and_respond
from web.api.operations import operation, request_args, request_body, respond
from web.api.paging import Page, page_of
from web.database import db


@bp.get("/invoices")
@operation(summary="List the invoices your account issued or received, newest first.", response=InvoicePageSchema,
           query=InvoiceQuerySchema, permission=Permission.VIEW_BILLING,
           description="Only an invoice's issuer and its recipient see it.")
def invoices() -> Response:
    args = request_args()
    rows = list_invoices(db.session, current_actor(), issuer_id=args.get("issuer_id"),
                         recipient_id=args.get("recipient_id"), status=args.get("status"), period=args.get("period"),
                         after_id=args.get("cursor"), limit=args["limit"] + 1)
    return respond(page_of(rows, args["limit"]))


@bp.get("/invoices/<int:invoice_id>")
@operation(summary="Read an invoice your account issued or received.", response=InvoiceSchema,
           permission=Permission.VIEW_BILLING, description="Any other answers 404.")
def invoice(invoice_id: int) -> Response:
    return respond(get_invoice(db.session, current_actor(), invoice_id))


@bp.get("/invoices/<int:invoice_id>/pdf")
@operation(summary="Download an invoice your account issued or received as a PDF document.", response=None,
           permission=Permission.VIEW_BILLING, media_type=MEDIA_TYPE,
           description="The document its recipient files, in its issuer's brand, sent as an attachment named for its "
           "number (`BRIGHT-000042.pdf`). Any other invoice answers 404.")
def invoice_document(invoice_id: int) -> Response:
    found = get_invoice(db.session, current_actor(), invoice_id)
    return send_file(BytesIO(invoice_pdf(db.session, found)), MEDIA_TYPE, as_attachment=True,
                     download_name=invoice_filename(found))


@bp.post("/invoices/<int:invoice_id>/payments")
@operation(summary="Record a payment of an invoice your account issued.", response=InvoiceSchema, status=201,
           body=InvoicePaymentCreateSchema, permission=Permission.PAY, conflicts=True, idempotent=True,
           description="The invoice is paid once its payments reach its total; a payment beyond it becomes a credit "
           "that the recipient's next invoice deducts. An invoice you did not issue answers 404.")
def invoice_payment(invoice_id: int) -> Response:
    payment = record_invoice_payment(db.session, actor=current_actor(), invoice_id=invoice_id, **request_body())
    return commit_and_respond(payment.invoice, headers={
        "Location": url_for("api.invoice", invoice_id=invoice_id, _external=True)})


@bp.post("/invoices/<int:invoice_id>/credit-notes")
@operation(summary="Correct an invoice your account issued with a credit note.", response=InvoiceSchema, status=201,
           body=CreditNoteCreateSchema, permission=Permission.PAY, conflicts=True, idempotent=True,
           description="The credit note is a document of its own, with negative totals. It reduces what is still due "
           "on the invoice (voiding it when credited in full before any payment); what it credits beyond that is "
           "deducted from the recipient's next invoice. An invoice you did not issue answers 404.")
def invoice_credit_note(invoice_id: int) -> Response:
    note = issue_credit_note(db.session, actor=current_actor(), invoice_id=invoice_id, **request_body())
    return commit_and_respond(note, headers={"Location": url_for("api.invoice", invoice_id=note.id, _external=True)})


@bp.get("/charges")
@operation(summary="List the charges your account made or owes that no invoice closes yet, oldest first.",
           response=ChargeListSchema, query=ChargeQuerySchema, permission=Permission.VIEW_BILLING)
def charges() -> Response:
    args = request_args()
    return respond(Page(uninvoiced_charges(db.session, current_actor(), subscription_id=args.get("subscription_id"),
                                           recipient_id=args.get("recipient_id"))))


@bp.post("/charges")
@operation(summary="Charge, or credit, an account you sell to: on its next invoice.", response=ChargeSchema,
           status=201, body=ChargeCreateSchema, permission=Permission.PAY, idempotent=True,
           description="For a one-off fee, work done or a goodwill credit. Written once, a charge is never edited: "
           "correct it with another (a credit). An account you do not sell to directly answers 404.")
def add_manual_charge() -> Response:
    return commit_and_respond(add_charge(db.session, actor=current_actor(), **request_body()))
