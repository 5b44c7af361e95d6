"""``/tickets``: support requests, to the seller and, once escalated, to the seller's own seller.

A ticket is found only by the account that asked, its seller, and the seller's seller once
escalated: any other gets 404. Each reads the threads of its side (``core.services.tickets``).
Messages and new tickets may carry files, sent as ``multipart/form-data``.
"""

from __future__ import annotations

from io import BytesIO

from flask import Response, send_file, url_for

from bss.api import bp
from bss.api.ticket_schemas import (
    ShownMessage,
    TicketCreateSchema,
    TicketEscalationSchema,
    TicketMessageCreateSchema,
    TicketMessageListSchema,
    TicketMessageSchema,
    TicketPageSchema,
    TicketQuerySchema,
    TicketSchema,
    TicketUpdateSchema,
)
from core.services.ticket_files import ACCEPTED, MAX_FILE_BYTES, MAX_FILES
from core.services.tickets import (
    add_message,
    escalate_ticket,
    get_attachment,
    get_ticket,
    list_tickets,
    open_ticket,
    shown_author,
    thread,
    update_ticket,
)
from web.api.auth import current_actor
from web.api.idempotency import commit_and_respond
from web.api.operations import operation, request_args, request_body, respond
from web.api.paging import Page, page_of
from web.database import db

FILES = "attachments"
_FILES_NOTE = (f"Send it as JSON, or as multipart/form-data with the same fields and up to {MAX_FILES} files under "
               f"`{FILES}` ({ACCEPTED}; {MAX_FILE_BYTES // (1024 * 1024)} MB each), recognised by their bytes: "
               "any other file is refused and nothing is stored.")


@bp.get("/tickets")
@operation(summary="List the tickets your account asked or answers, newest first.", response=TicketPageSchema,
           query=TicketQuerySchema)
def tickets() -> Response:
    args = request_args()
    rows = list_tickets(db.session, current_actor(), status=args.get("status"), account_id=args.get("account_id"),
                        assignee_id=args.get("assignee_id"), after_id=args.get("cursor"), limit=args["limit"] + 1)
    return respond(page_of(rows, args["limit"]))


@bp.post("/tickets")
@operation(summary="Ask your seller for help.", response=TicketSchema, status=201, body=TicketCreateSchema,
           files=FILES, conflicts=True, idempotent=True,
           description=f"The seller's support people are told. {_FILES_NOTE} An account that buys from nobody "
           "answers 409.")
def open_support_ticket() -> Response:
    view = open_ticket(db.session, actor=current_actor(), source="api", **request_body())
    return commit_and_respond(view, headers={"Location": url_for("api.ticket", ticket_id=view.id, _external=True)})


@bp.get("/tickets/<int:ticket_id>")
@operation(summary="Read a ticket your account asked or answers.", response=TicketSchema, forbids=True,
           description="Answering a ticket takes the `support` permission; any other ticket answers 404.")
def ticket(ticket_id: int) -> Response:
    return respond(get_ticket(db.session, current_actor(), ticket_id))


@bp.patch("/tickets/<int:ticket_id>")
@operation(summary="Change a ticket's status, or at your desk its priority and assignee.", response=TicketSchema,
           body=TicketUpdateSchema, forbids=True,
           description="The account that asked may only resolve or close it; a field your side may not change "
           "answers 422.")
def change_ticket(ticket_id: int) -> Response:
    return commit_and_respond(update_ticket(db.session, actor=current_actor(), ticket_id=ticket_id, **request_body()))


@bp.get("/tickets/<int:ticket_id>/messages")
@operation(summary="List the messages of the threads you read, oldest first.", response=TicketMessageListSchema,
           forbids=True, description="The account that asked reads everyone answering it as its seller's support.")
def ticket_messages(ticket_id: int) -> Response:
    view = get_ticket(db.session, current_actor(), ticket_id)
    return respond(Page([ShownMessage(message, shown_author(db.session, view, message))
                         for message in thread(db.session, view)]))


@bp.post("/tickets/<int:ticket_id>/messages")
@operation(summary="Write in one of a ticket's threads.", response=TicketMessageSchema, status=201,
           body=TicketMessageCreateSchema, files=FILES, forbids=True, conflicts=True, idempotent=True,
           description=f"The other side is told; the account that asked writing reopens a resolved ticket. "
           f"{_FILES_NOTE} A closed ticket answers 409.")
def write_message(ticket_id: int) -> Response:
    actor = current_actor()
    message = add_message(db.session, actor=actor, ticket_id=ticket_id, source="api", **request_body())
    view = get_ticket(db.session, actor, ticket_id)
    return commit_and_respond(ShownMessage(message, shown_author(db.session, view, message)))


@bp.post("/tickets/<int:ticket_id>/escalate")
@operation(summary="Hand a ticket you sell on to your own seller.", response=TicketSchema,
           body=TicketEscalationSchema, files=FILES, forbids=True, conflicts=True, idempotent=True,
           description=f"It opens a thread between you and your seller, with the messages you copy there; the "
           f"customer never reads it. Only the ticket's seller escalates it, once. {_FILES_NOTE}")
def escalate(ticket_id: int) -> Response:
    return commit_and_respond(escalate_ticket(db.session, actor=current_actor(), ticket_id=ticket_id, source="api",
                                              **request_body()))


@bp.get("/tickets/<int:ticket_id>/attachments/<int:attachment_id>")
@operation(summary="Download a file of a message you read.", response=None, forbids=True, media_type="*/*",
           description="Sent as an attachment with the media type of its bytes (PDF, PNG, JPEG, plain text or "
           "e-mail). A file of a thread you do not read answers 404.")
def ticket_attachment(ticket_id: int, attachment_id: int) -> Response:
    found = get_attachment(db.session, current_actor(), ticket_id, attachment_id)
    return send_file(BytesIO(found.content), found.media_type, as_attachment=True, download_name=found.filename)
