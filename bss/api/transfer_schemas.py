"""What the API reads and writes about transfers: an account moving to another seller."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from bss.api.order_schemas import PageQuerySchema
from bss.api.price_schemas import FlatErrorsSchema
from core.models.transfers import TransferKind, TransferStatus
from core.services.transfers import MAX_REASON
from web.api.fields import Id, Timestamp


class SellerRefSchema(Schema):
    id = Id(required=True)
    name = fields.String(required=True)


class MovingAccountSchema(Schema):
    """The account that moves; a receiving seller sees only the domain it named until the account's owners consent."""

    id = Id(required=True, allow_none=True)
    name = fields.String(required=True, allow_none=True)
    domain = fields.String(required=True, allow_none=True)


class TransferSchema(Schema):
    """A transfer as the caller's account reads it."""

    id = Id(required=True)
    kind = fields.Enum(TransferKind, by_value=True, required=True, attribute="transfer.kind",
                       metadata={"description": "to_reseller (from direct), between_resellers, or release (to direct)."})
    status = fields.Enum(TransferStatus, by_value=True, required=True, attribute="transfer.status")
    account = fields.Nested(MovingAccountSchema, required=True)
    from_seller = fields.Nested(SellerRefSchema, required=True, attribute="transfer.from_seller")
    to_seller = fields.Nested(SellerRefSchema, required=True, attribute="transfer.to_seller")
    consent_words = fields.String(required=True, metadata={
        "description": "What the account's owners authorize by consenting, exactly, in the caller's language: the "
                       "words they sign."})
    acceptance_words = fields.String(required=True, metadata={
        "description": "What the receiving seller accepts, exactly, in the caller's language: the words it signs."})
    consented_at = Timestamp(required=True, allow_none=True, attribute="transfer.consented_at")
    accepted_at = Timestamp(required=True, allow_none=True, attribute="transfer.accepted_at")
    expires_at = Timestamp(required=True, attribute="transfer.expires_at")
    completed_at = Timestamp(required=True, allow_none=True, attribute="transfer.completed_at")
    reason = fields.String(required=True, allow_none=True, attribute="transfer.reason",
                           metadata={"description": "Why it was rejected or cancelled, in the words of who did it."})
    may_consent = fields.Boolean(required=True)
    may_accept = fields.Boolean(required=True)
    may_cancel = fields.Boolean(required=True)
    created_at = Timestamp(required=True, attribute="transfer.created_at")


class TransferPageSchema(Schema):
    items = fields.List(fields.Nested(TransferSchema), required=True)
    next = fields.String(required=True, allow_none=True)


class TransferQuerySchema(PageQuerySchema):
    status = fields.Enum(TransferStatus, by_value=True, metadata={"description": "Only transfers in this status."})


class TransferCreateSchema(FlatErrorsSchema):
    """Who moves, and where to: name the account (``account_id``, or a customer's ``domain`` when receiving it)
    and the new seller (``to_account_id``, ``to_storefront`` or ``release``)."""

    account_id = Id(metadata={"description": "A customer below you (sellers); leave out to move your own account."})
    domain = fields.String(validate=validate.Length(min=1, max=253),
                           metadata={"description": "The primary domain of a customer you would receive (resellers)."})
    to_account_id = Id(metadata={"description": "The reseller it moves to."})
    to_storefront = fields.String(validate=validate.Length(min=1, max=300),
                                  metadata={"description": "The address of the new reseller's storefront."})
    release = fields.Boolean(metadata={"description": "true: it becomes its distributor's direct customer."})

    @validates_schema
    def _one_account(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "account_id" in data and "domain" in data:
            raise ValidationError("Name the account by account_id or by domain, not both.", "domain")


class TransferAnswerSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=MAX_REASON),
                           metadata={"description": "Why, for the other parties."})
