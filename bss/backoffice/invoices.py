"""Invoices in the back office: those the account sent and received, and each as its recipient reads it."""

from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from bss.auth import current_actor
from bss.backoffice import bp
from core.errors import ValidationError
from core.models.invoices import InvoiceStatus
from core.services.invoices import get_invoice, list_invoices
from web.database import db
from web.forms import enum_arg

PAGE_SIZE = 50
DIRECTIONS = {"sent": "Sent by you", "received": "Sent to you"}


@bp.get("/invoices")
@login_required
def invoices() -> str:
    actor = current_actor()
    status = enum_arg(InvoiceStatus, "status", "an invoice status")
    direction = request.args.get("direction") or None
    if direction is not None and direction not in DIRECTIONS:
        raise ValidationError({"direction": [f"Choose {' or '.join(map(repr, DIRECTIONS))}."]})
    mine = actor.account.id
    page = list_invoices(db.session, actor, status=status, issuer_id=mine if direction == "sent" else None,
                         recipient_id=mine if direction == "received" else None,
                         after_id=request.args.get("after", type=int), limit=PAGE_SIZE + 1)
    return render_template(
        "backoffice/invoices.html",
        invoices=page[:PAGE_SIZE],
        status=status,
        statuses=list(InvoiceStatus),
        direction=direction,
        directions=DIRECTIONS,
        next_after=page[PAGE_SIZE - 1].id if len(page) > PAGE_SIZE else None,
    )


@bp.get("/invoices/<int:invoice_id>")
@login_required
def invoice(invoice_id: int) -> str:
    return render_template("backoffice/invoice.html", invoice=get_invoice(db.session, current_actor(), invoice_id))
