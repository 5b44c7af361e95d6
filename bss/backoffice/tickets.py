"""Support in the back office: the inbox of the tickets the account answers, the requests it asked its own
seller, and each ticket's page, where its people answer, note, escalate and follow the desk.

Every page reads a ticket through ``core.services.tickets``, as the acting account's side reads it: another
account's ticket is "not found", whatever its id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from io import BytesIO
from typing import Any

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import login_required
from sqlalchemy import ColumnElement, case, func, select
from werkzeug.wrappers import Response

from bss.auth import current_actor
from bss.backoffice import bp
from core.clock import utcnow
from core.errors import ConflictError, ValidationError
from core.models.people import User
from core.models.support import Ticket, TicketDesk, TicketPriority, TicketStatus, Visibility
from core.permissions import Permission
from core.services.accounts import list_accounts, name_of
from core.services.actors import Actor
from core.services.notifications import people_with, sender_name_for
from core.services.subscriptions import list_subscriptions
from core.services.tickets import (
    MAX_TARGET_HOURS,
    Side,
    add_message,
    escalate_ticket,
    fast_tracked,
    get_attachment,
    get_ticket,
    history,
    open_ticket,
    read_as,
    read_status,
    set_first_response_target,
    shown_author,
    thread,
    update_ticket,
    visible_tickets,
)
from web.database import db
from web.forms import MAX_CHOICES, accept_files, enum_arg, uploaded_files, whole_number
from web.listing import page_of, read_listing

#: How the inbox sorts by priority: by urgency, not by the priorities' names.
PRIORITY_ORDER = {priority.value: rank for rank, priority in enumerate(TicketPriority)}
#: The longest wait the inbox filters by: a year, in hours.
MAX_WAIT_HOURS = 24 * 366

accept_files(bp, ("backoffice.new_ticket", "backoffice.reply_to_ticket", "backoffice.escalate_ticket_view"))


@bp.app_template_filter("waited")
def waited(since: datetime) -> str:
    """How long since ``since``: in hours under two days (``5 h``), else in days (``3 days``)."""
    hours = int((utcnow() - since).total_seconds() // 3600)
    return gettext("%(hours)s h", hours=hours) if hours < 48 else gettext("%(days)s days", days=hours // 24)


# --- lists ----------------------------------------------------------------------------------------


@bp.get("/tickets")
@login_required
def tickets() -> tuple[str, int]:
    """The tickets the account answers, as its seller or as the account above the seller."""
    actor = current_actor()
    actor.require(Permission.SUPPORT)
    return _list_page(asked=False, filters=_filters(actor.user.id))


@bp.get("/tickets/requests")
@login_required
def my_requests() -> tuple[str, int]:
    """The tickets the account asked its own seller."""
    return _list_page(asked=True, filters={})


def _filters(me: int) -> dict[str, Any]:
    """The inbox's filters, read from the query string; one that cannot be read answers 422."""
    errors: dict[str, list[str]] = {}
    assignee = request.args.get("assignee", "")
    hours = whole_number(request.args.get("waiting"), "waiting", errors, at_most=MAX_WAIT_HOURS)
    filters = {
        "status": enum_arg(TicketStatus, "status", gettext("a ticket status")),
        "account_id": whole_number(request.args.get("account"), "account", errors),
        "assignee_id": me if assignee == "mine" else None if assignee == "nobody" else (
            whole_number(assignee, "assignee", errors)),
        "unassigned": assignee == "nobody",
        "waiting_longer_than": timedelta(hours=hours) if hours else None,
    }
    if errors:
        raise ValidationError(errors)
    return filters


def _sortable(actor: Actor, *, asked: bool) -> dict[str, ColumnElement[Any]]:
    """The columns a list of tickets sorts by, as its query string names them; the inbox also by what the reader's own
    desk holds (priority, assignee, wait). The status is the one the reader reads (``read_status``)."""
    columns: dict[str, ColumnElement[Any]] = {
        "number": Ticket.id, "subject": func.lower(Ticket.subject),
        "account": name_of(Ticket.seller_id if asked else Ticket.requester_id), "status": read_status(actor)}
    if not asked:
        columns.update(priority=case(PRIORITY_ORDER, value=TicketDesk.priority), waiting=TicketDesk.awaiting_since,
                       assignee=func.lower(select(User.name).where(User.id == TicketDesk.assignee_id).scalar_subquery()))
    return columns


def _list_page(*, asked: bool, filters: Mapping[str, Any], args: Mapping[str, str] | None = None,
               errors: Mapping[str, list[str]] | None = None) -> tuple[str, int]:
    """The inbox (or, ``asked``, the account's requests) as ``args`` (the query string's, by default) ask for it."""
    actor = current_actor()
    answers = Permission.SUPPORT in actor.permissions
    sortable = _sortable(actor, asked=asked)
    listing = read_listing(request.args if args is None else args, sortable, "number",
                           endpoint="backoffice.my_requests" if asked else "backoffice.tickets", descending=True)
    query = visible_tickets(actor, asked=asked, search=listing.search or None, **filters)
    page = page_of(db.session, query, sortable, listing, tiebreak=Ticket.id)
    shown = read_as(actor, page.rows)
    return render_template(
        "backoffice/tickets.html",
        page=replace(page, rows=shown),
        asked=asked,
        filters=filters,
        query=request.args if args is None else args,
        statuses=list(TicketStatus),
        answers=answers,
        may_ask=actor.account.parent is not None,
        fast=fast_tracked(db.session, shown),
        accounts=list_accounts(db.session, actor.account, limit=MAX_CHOICES) if answers and not asked else [],
        people=people_with(db.session, actor.account, Permission.SUPPORT) if answers and not asked else [],
        target=actor.account.first_response_hours,
        errors=errors or {},
    ), 422 if errors else 200


@bp.post("/tickets/target")
@login_required
def first_response_target() -> Response | tuple[str, int]:
    """Set within how many hours the account means to answer a request; when the hours cannot be read, the inbox
    again with the reason beside them."""
    errors: dict[str, list[str]] = {}
    hours = whole_number(request.form.get("first_response_hours"), "first_response_hours", errors,
                         at_most=MAX_TARGET_HOURS, required=gettext("Give a whole number of hours."))
    try:
        if errors:
            raise ValidationError(errors)
        set_first_response_target(db.session, actor=current_actor(), hours=hours)
    except ValidationError as error:
        db.session.rollback()
        return _list_page(asked=False, filters={}, args={}, errors=error.fields)
    db.session.commit()
    flash(gettext("You mean to answer each request within %(hours)s hours.", hours=hours), "info")
    return redirect(url_for("backoffice.tickets"))


# --- asking one's own seller ----------------------------------------------------------------------


@bp.route("/tickets/new", methods=["GET", "POST"])
@login_required
def new_ticket() -> Response | tuple[str, int]:
    """Ask the account's own seller for help."""
    actor = current_actor()
    if actor.account.parent is None:
        raise ConflictError(gettext("%(account)s buys from nobody: there is no one to ask.", account=actor.account.name))
    form = {field: request.form.get(field, "") for field in ("subject", "body", "subscription_id")}
    if request.method == "GET":
        return _new_page(form)
    errors: dict[str, list[str]] = {}
    subscription_id = whole_number(form["subscription_id"], "subscription_id", errors)
    try:
        if errors:
            raise ValidationError(errors)
        view = open_ticket(db.session, actor=actor, subject=form["subject"], body=form["body"],
                           subscription_id=subscription_id, attachments=uploaded_files())
    except ValidationError as error:
        db.session.rollback()
        return _new_page(form, error.fields)
    db.session.commit()
    flash(gettext("Your request %(number)s is sent to %(seller)s.", number=view.id, seller=actor.account.parent.name),
          "info")
    return redirect(url_for("backoffice.ticket", ticket_id=view.id))


def _new_page(form: Mapping[str, str], errors: Mapping[str, list[str]] | None = None) -> tuple[str, int]:
    account = current_actor().account
    return render_template(
        "backoffice/ticket_new.html",
        form=form,
        seller=account.parent,
        subscriptions=list_subscriptions(db.session, account, account_id=account.id, limit=MAX_CHOICES),
        errors=errors or {},
    ), 422 if errors else 200


# --- one ticket -----------------------------------------------------------------------------------


@bp.get("/tickets/<int:ticket_id>")
@login_required
def ticket(ticket_id: int) -> tuple[str, int]:
    return _ticket_page(ticket_id)


def _ticket_page(ticket_id: int, errors: Mapping[str, list[str]] | None = None, form: str = "",
                 typed: Mapping[str, Any] | None = None, status: int = 422) -> tuple[str, int]:
    """The ticket as the account reads it; with ``errors``, the ``form`` they belong to shows them beside
    what was typed there."""
    actor = current_actor()
    view = get_ticket(db.session, actor, ticket_id)
    messages = thread(db.session, view)
    return render_template(
        "backoffice/ticket.html",
        view=view,
        seller_side=view.side is Side.SELLER,
        messages=[(message, shown_author(db.session, view, message)) for message in messages],
        events=history(db.session, view),
        writes=[visibility for visibility in Visibility if visibility in view.writes],
        may_escalate=view.side is Side.SELLER and not view.escalated and view.ticket.seller.parent is not None,
        copyable=[message for message in messages if message.visibility is not Visibility.UPSTREAM],
        statuses=list(TicketStatus),
        priorities=list(TicketPriority),
        people=people_with(db.session, view.desk.account, Permission.SUPPORT) if view.answering else [],
        fast=view.id in fast_tracked(db.session, [view]),
        support_name=sender_name_for(db.session, view.ticket.seller) if view.side is Side.SELLER else "",
        errors=errors or {},
        failed_form=form,
        typed=typed or {},
    ), status if errors else 200


def _acting(ticket_id: int, form: str, typed: Mapping[str, Any], act: Callable[[], Any],
            said: str) -> Response | tuple[str, int]:
    """Do ``act``; on refused input, the ticket page again with the reasons beside ``form`` (422, or 409
    when the ticket's state refuses it); else back to the ticket, saying ``said``."""
    try:
        act()
    except ValidationError as error:
        db.session.rollback()
        return _ticket_page(ticket_id, error.fields, form, typed)
    except ConflictError as error:
        db.session.rollback()
        return _ticket_page(ticket_id, {"ticket": [error.detail]}, form, typed, status=409)
    db.session.commit()
    flash(said, "info")
    return redirect(url_for("backoffice.ticket", ticket_id=ticket_id))


@bp.post("/tickets/<int:ticket_id>/messages")
@login_required
def reply_to_ticket(ticket_id: int) -> Response | tuple[str, int]:
    typed = {field: request.form.get(field, "") for field in ("body", "visibility")}
    return _acting(ticket_id, "reply", typed, lambda: add_message(
        db.session, actor=current_actor(), ticket_id=ticket_id, body=typed["body"],
        visibility=typed["visibility"], attachments=uploaded_files()), gettext("Your message is sent."))


@bp.post("/tickets/<int:ticket_id>/desk")
@login_required
def update_ticket_view(ticket_id: int) -> Response | tuple[str, int]:
    """Change the status, priority or assignee at the account's desk (a requester: resolve or close)."""
    typed = {field: request.form[field] for field in ("status", "priority", "assignee_id") if field in request.form}
    errors: dict[str, list[str]] = {}
    changes: dict[str, Any] = {name: value for name, value in typed.items() if name != "assignee_id"}
    if "assignee_id" in typed:
        changes["assignee_id"] = whole_number(typed["assignee_id"], "assignee_id", errors)

    def update() -> None:
        if errors:
            raise ValidationError(errors)
        update_ticket(db.session, actor=current_actor(), ticket_id=ticket_id, **changes)

    return _acting(ticket_id, "desk", typed, update, gettext("The ticket is updated."))


@bp.post("/tickets/<int:ticket_id>/upstream-writes")
@login_required
def upstream_writes_view(ticket_id: int) -> Response | tuple[str, int]:
    """Let the account above write in the customer's thread, as the seller's support, or stop it."""
    allowed = request.form.get("allowed") == "yes"
    return _acting(ticket_id, "upstream", {}, lambda: update_ticket(
        db.session, actor=current_actor(), ticket_id=ticket_id, upstream_writes_to_customer=allowed),
        gettext("The account above may now write to the customer.") if allowed
        else gettext("The account above no longer writes to the customer."))


@bp.post("/tickets/<int:ticket_id>/escalate")
@login_required
def escalate_ticket_view(ticket_id: int) -> Response | tuple[str, int]:
    typed: dict[str, Any] = {"body": request.form.get("body", ""), "copied": request.form.getlist("copy")}
    errors: dict[str, list[str]] = {}
    copied = [whole_number(value, "copy_message_ids", errors) for value in typed["copied"]]

    def escalate() -> None:
        if errors:
            raise ValidationError(errors)
        escalate_ticket(db.session, actor=current_actor(), ticket_id=ticket_id, body=typed["body"],
                        copy_message_ids=[message_id for message_id in copied if message_id is not None],
                        attachments=uploaded_files())

    return _acting(ticket_id, "escalate", typed, escalate, gettext("The ticket is escalated."))


@bp.get("/tickets/<int:ticket_id>/attachments/<int:attachment_id>")
@login_required
def ticket_attachment(ticket_id: int, attachment_id: int) -> Response:
    """A message's file, to download: never shown in the page, whatever its type."""
    found = get_attachment(db.session, current_actor(), ticket_id, attachment_id)
    return send_file(BytesIO(found.content), found.media_type, as_attachment=True, download_name=found.filename)
