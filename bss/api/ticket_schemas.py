"""What the API reads and writes about support tickets, as the calling account reads them.

A ticket is dumped from its ``core.services.tickets.TicketView``, a message from a ``ShownMessage``: what a requester
reads never names anyone answering it but its seller's support.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from flask import url_for
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from bss.api.order_schemas import PageQuerySchema
from core.models.support import TicketAttachment, TicketMessage, TicketPriority, TicketStatus, Visibility
from core.services.tickets import MAX_BODY, MAX_SUBJECT, ShownAuthor
from web.api.fields import Boolean, Id, Pattern, Timestamp

_ID_OUT = {"type": "string", "pattern": "^[0-9]+$"}
#: One line holding more than spaces (the core trims what it stores).
_SUBJECT = Pattern(r"^[^\r\n\u0000]*[^\s\u0000][^\r\n\u0000]*$", error="Say what it is about in one line.")
#: Text holding more than spaces.
_BODY = Pattern(r"^[^\u0000]*[^\s\u0000][^\u0000]*$", error="Write a message.")


@dataclass(frozen=True)
class ShownMessage:
    """A message with its author as the reader may see it (``core.services.tickets.shown_author``)."""

    message: TicketMessage
    author: ShownAuthor


class TicketAccountSchema(Schema):
    id = Id(required=True)
    name = fields.String(required=True)


class TicketSchema(Schema):
    """A support request, as your account reads it: the status, priority and assignee are those of your desk
    (the seller's, to the account that asked)."""

    id = Id(required=True)
    subject = fields.String(required=True, attribute="ticket.subject")
    status = fields.Enum(TicketStatus, by_value=True, required=True, metadata={
        "description": "To the account that asked, a ticket waiting on the seller's own seller is open."})
    priority = fields.Enum(TicketPriority, by_value=True, required=True)
    assignee_id = fields.Function(lambda view: str(view.assignee.id) if view.assignee else None, required=True,
                                  allow_none=True, metadata={"json_schema": dict(_ID_OUT),
                                                             "description": "Who answers it at your desk."})
    account = fields.Nested(TicketAccountSchema, required=True, attribute="ticket.requester",
                            metadata={"description": "The account that asked."})
    subscription_id = Id(required=True, allow_none=True, attribute="ticket.subscription_id")
    escalated = fields.Boolean(required=True, metadata={
        "description": "The seller handed it to its own seller (false to the account that asked)."})
    upstream_writes_to_customer = fields.Boolean(required=True, metadata={
        "description": "The seller lets its own seller write to the customer, under the seller's name."})
    awaiting_since = Timestamp(required=True, allow_none=True, metadata={
        "description": "Since when your desk owes an answer; null once answered, and to the account that asked."})
    late = fields.Boolean(required=True, metadata={
        "description": "Your desk has owed an answer for longer than your first-response target."})
    created_at = Timestamp(required=True, attribute="ticket.created_at")


class TicketPageSchema(Schema):
    items = fields.List(fields.Nested(TicketSchema), required=True)
    next = fields.String(required=True, allow_none=True, metadata={"description": "The next page, or null."})


class TicketQuerySchema(PageQuerySchema):
    status = fields.Enum(TicketStatus, by_value=True, metadata={"description": "Only tickets in this status."})
    account_id = Id(metadata={"description": "Only tickets this account asked."})
    assignee_id = Id(metadata={"description": "Only tickets this person answers at your desk."})


class TicketCreateSchema(Schema):
    subject = fields.String(required=True, validate=[validate.Length(min=1, max=MAX_SUBJECT), _SUBJECT])
    body = fields.String(required=True, validate=[validate.Length(min=1, max=MAX_BODY), _BODY],
                         metadata={"description": "Plain text: shown as written, never as HTML."})
    subscription_id = Id(metadata={"description": "The subscription of yours it is about."})


class TicketUpdateSchema(Schema):
    """Only these fields change; send the ones to change."""

    status = fields.Enum(TicketStatus, by_value=True, metadata={
        "description": "The account that asked may only set resolved or closed."})
    priority = fields.Enum(TicketPriority, by_value=True, metadata={"description": "At your desk."})
    assignee_id = Id(allow_none=True, metadata={
        "description": "A person of your account whose team answers support, or null: at your desk."})
    upstream_writes_to_customer = Boolean(metadata={
        "description": "The seller only: let its own seller write to the customer, under the seller's name."})

    json_schema: ClassVar[dict[str, Any]] = {"minProperties": 1}

    @validates_schema
    def something_to_change(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ValidationError("Send status, priority, assignee_id or upstream_writes_to_customer.")


def _download_url(attachment: TicketAttachment) -> str:
    return url_for("api.ticket_attachment", ticket_id=attachment.message.ticket_id, attachment_id=attachment.id,
                   _external=True)


class TicketAttachmentSchema(Schema):
    id = Id(required=True)
    filename = fields.String(required=True)
    media_type = fields.String(required=True, metadata={"description": "What the file's bytes are."})
    size = fields.Integer(required=True, metadata={"description": "In bytes."})
    url = fields.Function(_download_url, required=True,
                          metadata={"json_schema": {"type": "string", "format": "uri"}, "description": "Downloads it."})


class TicketAuthorSchema(Schema):
    name = fields.String(required=True)
    account = fields.Nested(TicketAccountSchema, required=True, allow_none=True, metadata={
        "description": "The account the author wrote for; null where it is the seller's support, to the account that asked."})


class TicketMessageSchema(Schema):
    id = Id(required=True, attribute="message.id")
    visibility = fields.Enum(Visibility, by_value=True, required=True, attribute="message.visibility", metadata={
        "description": "customer: the thread with the account that asked; internal: your account's notes; "
                       "upstream: the seller's thread with its own seller."})
    author = fields.Nested(TicketAuthorSchema, required=True)
    body = fields.String(required=True, attribute="message.body", metadata={"description": "Plain text, as written."})
    attachments = fields.List(fields.Nested(TicketAttachmentSchema), required=True, attribute="message.attachments")
    created_at = Timestamp(required=True, attribute="message.created_at")


class TicketMessageListSchema(Schema):
    items = fields.List(fields.Nested(TicketMessageSchema), required=True)


class TicketMessageCreateSchema(Schema):
    body = fields.String(required=True, validate=[validate.Length(min=1, max=MAX_BODY), _BODY],
                         metadata={"description": "Plain text: shown as written, never as HTML."})
    visibility = fields.Enum(Visibility, by_value=True, load_default=Visibility.CUSTOMER, metadata={
        "description": "The thread to write in: upstream once escalated, internal for your account's eyes only."})


class TicketEscalationSchema(Schema):
    body = fields.String(required=True, validate=[validate.Length(min=1, max=MAX_BODY), _BODY],
                         metadata={"description": "What you ask your own seller: it opens the upstream thread."})
    copy_message_ids = fields.List(Id(), load_default=list, metadata={
        "description": "Messages of the customer's thread or your notes to copy into the upstream thread."})
