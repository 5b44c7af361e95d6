"""A customer's support requests on the shop: its list, a new request, and each request's thread.

The customer asks the shop's seller (``core.services.tickets``) and reads the customer's thread
only: everyone answering it writes under the shop's support name, so nothing here names anyone
above the shop, even where the seller let the account above it write there. Only the signed-in
customer account's own requests open here; any other id, or a file of one, is a 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from werkzeug.wrappers import Response

from core.errors import ConflictError, UnknownReferenceError, ValidationError
from core.models.support import TicketEvent, TicketStatus
from core.services.notifications import sender_name_for
from core.services.subscriptions import list_subscriptions
from core.services.teams import members_of
from core.services.ticket_files import MAX_FILE_BYTES, MAX_FILES, UploadedFile, checked_files
from core.services.tickets import (
    FINISHED,
    MAX_BODY,
    MAX_SUBJECT,
    REOPEN_WINDOW,
    Side,
    TicketView,
    add_message,
    get_attachment,
    get_ticket,
    history,
    list_tickets,
    open_ticket,
    shown_author,
    thread,
    update_ticket,
)
from storefront.auth import current_customer_actor, customer_account
from storefront.hosts import current_storefront
from storefront.themes import render_page
from web.database import db
from web.formatting import moment, plan_name
from web.forms import accept_files, uploaded_files
from web.pages import sign_in_required

bp = Blueprint("shop_support", __name__)

PAGE_SIZE = 25
#: The most subscriptions the new-request form offers to choose from.
MAX_CHOICES = 200

#: Each status as the customer reads it (it never sees that its shop waits on anyone else).
STATUS_LABELS = {
    TicketStatus.OPEN: lazy_gettext("Open"),
    TicketStatus.WAITING_ON_CUSTOMER: lazy_gettext("Waiting on you"),
    TicketStatus.RESOLVED: lazy_gettext("Solved"),
    TicketStatus.CLOSED: lazy_gettext("Closed for good"),
}
ACCEPTED = lazy_gettext("PDF, PNG, JPEG, plain text (.txt) or e-mail (.eml)")

accept_files(bp, ("shop_support.new_ticket", "shop_support.reply"))


@dataclass(frozen=True)
class HistoryLine:
    """One change of the request, written for the customer."""

    at: datetime
    when: str
    what: str
    who: str


@bp.app_template_filter("ticket_status")
def ticket_status(status: TicketStatus) -> str:
    return str(STATUS_LABELS.get(status, STATUS_LABELS[TicketStatus.OPEN]))


@bp.get("/support")
@sign_in_required
def tickets() -> str:
    page = list_tickets(db.session, current_customer_actor(), asked=True, after_id=request.args.get("after", type=int),
                        limit=PAGE_SIZE + 1)
    shown = [view for view in page[:PAGE_SIZE] if _of_this_shop(view)]
    return render_page("support.html", tickets=shown,
                       next_after=page[PAGE_SIZE - 1].id if len(page) > PAGE_SIZE else None)


@bp.route("/support/new", methods=["GET", "POST"])
@sign_in_required
def new_ticket() -> Response | tuple[str, int]:
    if request.method == "GET":
        return _new_page({"subscription_id": request.args.get("subscription", "")})
    form, files = request.form, uploaded_files()
    try:
        view = open_ticket(db.session, actor=current_customer_actor(), subject=form.get("subject", ""),
                           body=form.get("body", ""), subscription_id=form.get("subscription_id", type=int),
                           attachments=files)
    except (ValidationError, UnknownReferenceError) as error:
        db.session.rollback()
        return _new_page(form, _in_words(error, files))
    db.session.commit()
    flash(_("Your request is sent. %(shop)s answers here, and by email.", shop=current_storefront().shop_name), "info")
    return redirect(url_for("shop_support.ticket", ticket_id=view.id))


@bp.get("/support/<int:ticket_id>")
@sign_in_required
def ticket(ticket_id: int) -> tuple[str, int]:
    return _thread_page(_own_ticket(ticket_id))


@bp.post("/support/<int:ticket_id>/messages")
@sign_in_required
def reply(ticket_id: int) -> Response | tuple[str, int]:
    view = _own_ticket(ticket_id)
    form, files = request.form, uploaded_files()
    try:
        add_message(db.session, actor=current_customer_actor(), ticket_id=view.id, body=form.get("body", ""),
                    attachments=files)
    except ValidationError as error:
        db.session.rollback()
        return _thread_page(_own_ticket(ticket_id), errors=_in_words(error, files), form=form)
    except ConflictError:
        db.session.rollback()
        return _thread_page(_own_ticket(ticket_id), form=form, status=409,
                            problem=_("This request is closed: open a new one, and name this one if it helps."))
    db.session.commit()
    flash(_("Your message is sent."), "info")
    return redirect(url_for("shop_support.ticket", ticket_id=ticket_id))


@bp.post("/support/<int:ticket_id>/solved")
@sign_in_required
def mark_solved(ticket_id: int) -> Response:
    view = _own_ticket(ticket_id)
    if view.status in FINISHED:  # solved already, or closed for good: nothing to mark
        return redirect(url_for("shop_support.ticket", ticket_id=ticket_id))
    update_ticket(db.session, actor=current_customer_actor(), ticket_id=view.id, status=TicketStatus.RESOLVED)
    db.session.commit()
    flash(_("Marked as solved. If it is not, write here within %(days)s days and it opens again.",
            days=REOPEN_WINDOW.days), "info")
    return redirect(url_for("shop_support.ticket", ticket_id=ticket_id))


@bp.get("/support/<int:ticket_id>/attachments/<int:attachment_id>")
@sign_in_required
def attachment(ticket_id: int, attachment_id: int) -> Response:
    view = _own_ticket(ticket_id)
    found = get_attachment(db.session, current_customer_actor(), view.id, attachment_id)
    response = send_file(BytesIO(found.content), found.media_type, as_attachment=True, download_name=found.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _of_this_shop(view: TicketView) -> bool:
    return view.side is Side.REQUESTER and view.ticket.seller_id == current_storefront().account_id


def _own_ticket(ticket_id: int) -> TicketView:
    """The signed-in customer's own request to this shop; a 404 for any other."""
    view = get_ticket(db.session, current_customer_actor(), ticket_id)  # another account's: a 404
    if not _of_this_shop(view):
        abort(404)
    return view


def _in_words(error: ValidationError | UnknownReferenceError, files: list[UploadedFile]) -> dict[str, list[str]]:
    """The service's refusal, field by field, in the customer's language."""
    words = {
        "subject": _("Say what it is about in one line of 1 to %(most)s characters.", most=MAX_SUBJECT),
        "body": _("Write a message of 1 to %(most)s characters.", most=MAX_BODY),
        "subscription_id": _("Choose one of your subscriptions, or none."),
    }
    errors = {field: [words[field]] for field in error.fields if field in words}
    if "attachments" in error.fields:
        errors["attachments"] = _refused(files)
    return errors or {"body": [_("Nothing was sent. Please check the form and try again.")]}


def _refused(uploads: list[UploadedFile]) -> list[str]:
    """Why the files were refused, each named: checked one by one, as the service checks them."""
    problems = [_("Attach at most %(most)s files to a message.", most=MAX_FILES)] if len(uploads) > MAX_FILES else []
    for upload in uploads:
        try:
            checked_files([upload])
        except ValidationError:
            problems.append(_("%(name)s cannot be sent: attach a %(accepted)s file of at most %(size)s MB, "
                              "named as what it is.", name=upload.filename, accepted=ACCEPTED,
                              size=MAX_FILE_BYTES // (1024 * 1024)))
    return problems


def _new_page(form: Mapping[str, str], errors: Mapping[str, list[str]] | None = None) -> tuple[str, int]:
    account = customer_account()
    subscriptions = list_subscriptions(db.session, account, account_id=account.id, limit=MAX_CHOICES)
    return render_page(
        "support_new.html",
        subscriptions=[(subscription.id, plan_name(subscription.plan)) for subscription in subscriptions],
        form=form,
        errors=errors or {},
        **_form_rules(),
    ), 422 if errors else 200


def _thread_page(view: TicketView, *, errors: Mapping[str, list[str]] | None = None,
                 form: Mapping[str, str] | None = None, problem: str | None = None,
                 status: int | None = None) -> tuple[str, int]:
    messages = thread(db.session, view)
    return render_page(
        "support_ticket.html",
        view=view,
        messages=[(message, shown_author(db.session, view, message).name) for message in messages],
        history=_history(history(db.session, view)),
        reopen_days=REOPEN_WINDOW.days,
        errors=errors or {},
        form=form or {},
        problem=problem,
        **_form_rules(),
    ), status or (422 if errors else 200)


def _form_rules() -> dict[str, Any]:
    """What the forms say they take: the longest message, and which files."""
    return {"max_body": MAX_BODY, "accepted": ACCEPTED, "max_files": MAX_FILES,
            "max_megabytes": MAX_FILE_BYTES // (1024 * 1024)}


def _history(events: list[TicketEvent]) -> list[HistoryLine]:
    """The request's changes newest first, in words: the customer's own people by name, the shop's as the shop."""
    ours = {member.id for member in members_of(db.session, customer_account())}
    support = sender_name_for(db.session, current_storefront().account)
    lines = []
    for event in reversed(events):
        if event.action == "opened":
            what = _("Request opened")
        elif event.action == "status":
            what = _("Now: %(status)s", status=ticket_status(TicketStatus(event.changes["status"][1])))
        else:
            continue
        who = event.by.name if event.by is not None and event.by_id in ours else support
        lines.append(HistoryLine(at=event.created_at, when=moment(event.created_at), what=what, who=who))
    return lines
