"""What the API reads and writes about orders, subscriptions and the manual tasks of provisioning.

Amounts are Money with decimal strings (``bss.api.price_schemas``). A subscription's price is
dumped only for viewers that may see it: see ``SubscriptionSchema``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, post_dump, validate, validates_schema

from bss.api.people_schemas import TeamRefSchema
from bss.api.price_schemas import Amount, FlatErrorsSchema, MoneySchema
from core.models.orders import OrderLineKind, OrderStatus
from core.models.provisioning import RequestStatus, TaskStatus
from core.models.subscriptions import SubscriptionStatus, SuspendReason
from core.permissions import PaymentMethod
from core.product_lifecycle import LifecycleAction
from core.products import Timing
from core.services.manual_tasks import NOTE_MAX_LENGTH
from core.services.orders import MAX_LINES, MAX_QUANTITY, Payer
from web.api.fields import Id, Integer, Timestamp
from web.api.paging import Cursor

_NOTE = validate.Length(max=NOTE_MAX_LENGTH)
_QUANTITY = validate.Range(min=1, max=MAX_QUANTITY)


class PageQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = Cursor()


# --- /orders --------------------------------------------------------------------------------


class OrderLineSchema(Schema):
    id = Id(required=True)
    kind = fields.Enum(
        OrderLineKind, by_value=True, required=True,
        metadata={"description": "new: starts a subscription; change: moves the owner's one to this plan."},
    )
    plan_id = Id(required=True)
    quantity = fields.Integer(required=True)
    params = fields.Dict(keys=fields.String(), required=True)
    unit_price = fields.Nested(MoneySchema, required=True,
                               metadata={"description": "Per unit and billing period, as priced when ordered."})
    setup_fee = fields.Nested(MoneySchema, required=True, allow_none=True, metadata={"description": "Charged once."})
    total = fields.Nested(MoneySchema, required=True, metadata={"description": "unit_price times quantity."})
    subscription_id = Id(
        required=True, allow_none=True,
        metadata={"description": "The subscription it starts or changes; null until the order is accepted."},
    )


class PaymentSchema(Schema):
    """A payment the seller recorded against the order."""

    method = fields.Enum(PaymentMethod, by_value=True, required=True)
    reference = fields.String(required=True)
    amount = fields.Nested(MoneySchema, required=True, attribute="money")
    created_at = Timestamp(required=True)


class OrderSchema(Schema):
    """An order: what was bought, for whom, who pays whom, at the prices of the moment it was placed."""

    id = Id(required=True)
    status = fields.Enum(OrderStatus, by_value=True, required=True)
    account_id = Id(required=True, attribute="owner_id",
                    metadata={"description": "The account the subscriptions are for."})
    buyer_id = Id(required=True, attribute="account_id", metadata={"description": "The account that placed it."})
    payer_id = Id(required=True, metadata={"description": "The buyer or the owner: its seller's prices apply."})
    seller_id = Id(required=True, metadata={"description": "The payer's seller, who is paid and confirms payments."})
    payment_method = fields.Enum(PaymentMethod, by_value=True, required=True)
    total = fields.Nested(MoneySchema, required=True, metadata={"description": "All lines, per billing period."})
    setup_total = fields.Nested(MoneySchema, required=True, metadata={"description": "All setup fees, once."})
    amount_due = fields.Nested(MoneySchema, required=True,
                               metadata={"description": "What the first payment covers: total and setup fees."})
    lines = fields.List(fields.Nested(OrderLineSchema), required=True)
    payments = fields.List(fields.Nested(PaymentSchema), required=True)
    created_at = Timestamp(required=True)
    completed_at = Timestamp(required=True, allow_none=True)


class OrderPageSchema(Schema):
    items = fields.List(fields.Nested(OrderSchema), required=True)
    next = fields.String(required=True, allow_none=True)


class OrderQuerySchema(PageQuerySchema):
    account_id = Id(metadata={"description": "Only orders for this account."})
    status = fields.Enum(OrderStatus, by_value=True, metadata={"description": "Only orders in this status."})
    seller_id = Id(metadata={"description": "Only orders paid to this seller: yours, for those waiting for you."})


class OrderLineRequestSchema(Schema):
    plan_id = Id(required=True)
    quantity = Integer(load_default=1, validate=_QUANTITY)
    params = fields.Dict(keys=fields.String(), load_default=dict,
                         metadata={"description": "What the plan asks for (its order parameters)."})


class OrderCreateSchema(FlatErrorsSchema):
    """An order for your account or one you sell to; errors name fields as ``lines.0.plan_id``."""

    account_id = Id(load_default=None, allow_none=True,
                    metadata={"description": "The account it is for: yours when left out, or one below yours."})
    payer = fields.Enum(Payer, by_value=True, load_default=Payer.OWNER,
                        metadata={"description": "owner: the account it is for pays its seller's price; "
                                  "buyer: you pay yours."})
    payment_method = fields.Enum(PaymentMethod, by_value=True, required=True,
                                 metadata={"description": "One your team may use."})
    lines = fields.List(fields.Nested(OrderLineRequestSchema), required=True,
                        validate=validate.Length(min=1, max=MAX_LINES))


class PaymentConfirmationSchema(FlatErrorsSchema):
    method = fields.Enum(PaymentMethod, by_value=True, required=True)
    reference = fields.String(required=True, validate=validate.Length(min=1, max=200),
                              metadata={"description": "The transfer's reference, a receipt number, ..."})
    amount = Amount(positive=True, required=True, metadata={"description": "A decimal string; at least the order's amount_due."})


class OrderCancellationSchema(Schema):
    reason = fields.String(load_default="", validate=_NOTE)


# --- /subscriptions -------------------------------------------------------------------------


class ScheduledChangeSchema(Schema):
    """A change waiting for the end of the term (a downgrade, usually)."""

    plan_id = Id(required=True)
    quantity = fields.Integer(required=True)


class ProvisioningSchema(Schema):
    """The change the vendor is carrying out; the subscription shows it once it is done."""

    id = Id(required=True)
    action = fields.Enum(LifecycleAction, by_value=True, required=True)
    status = fields.Enum(RequestStatus, by_value=True, required=True,
                         metadata={"description": "manual: it waits for a person's task."})
    detail = fields.String(required=True, metadata={"description": "The vendor's last word."})
    attempts = fields.Integer(required=True)
    created_at = Timestamp(required=True)


class SubscriptionSchema(Schema):
    """A subscription in your part of the tree.

    ``unit_price``, ``total`` and ``seller_id`` appear only to its payer and the sellers above
    it: an account whose reseller pays for it never sees what the reseller pays, nor to whom.
    """

    id = Id(required=True)
    account_id = Id(required=True, attribute="owner_id", metadata={"description": "The account that uses it."})
    payer_id = Id(required=True, metadata={"description": "The owner, or the reseller that pays for it."})
    seller_id = Id(metadata={"description": "The payer's seller (payer and sellers only)."})
    product_id = Id(required=True)
    plan_id = Id(required=True)
    quantity = fields.Integer(required=True)
    status = fields.Enum(SubscriptionStatus, by_value=True, required=True)
    suspend_reason = fields.Enum(SuspendReason, by_value=True, required=True, allow_none=True)
    params = fields.Dict(keys=fields.String(), required=True)
    unit_price = fields.Nested(MoneySchema,
                               metadata={"description": "Per unit and billing period (payer and sellers only)."})
    total = fields.Nested(MoneySchema, metadata={"description": "Per billing period (payer and sellers only)."})
    auto_renew = fields.Boolean(required=True)
    started_at = Timestamp(required=True, allow_none=True)
    current_period_start = Timestamp(required=True, allow_none=True)
    current_period_end = Timestamp(required=True, allow_none=True)
    term_end = Timestamp(required=True, allow_none=True, metadata={"description": "End of the commitment."})
    trial_end = Timestamp(required=True, allow_none=True)
    cancel_at = Timestamp(required=True, allow_none=True,
                          metadata={"description": "When a cancellation asked for at the end of the term happens."})
    ended_at = Timestamp(required=True, allow_none=True)
    scheduled_change = fields.Nested(ScheduledChangeSchema, required=True, allow_none=True)
    provisioning = fields.Nested(ProvisioningSchema, required=True, allow_none=True,
                                 metadata={"description": "The provisioning under way, or null."})
    created_at = Timestamp(required=True)

    _PAYER_ONLY = ("unit_price", "total", "seller_id")

    @post_dump(pass_original=True)
    def price_only_for_payer_and_sellers(self, data: dict[str, Any], seen: Any, **_: Any) -> dict[str, Any]:
        if not seen.shows_price:
            for name in self._PAYER_ONLY:
                data.pop(name, None)
        return data


class SubscriptionPageSchema(Schema):
    items = fields.List(fields.Nested(SubscriptionSchema), required=True)
    next = fields.String(required=True, allow_none=True)


class SubscriptionQuerySchema(PageQuerySchema):
    account_id = Id(metadata={"description": "Only subscriptions this account uses."})
    product_id = Id(metadata={"description": "Only subscriptions of this product."})
    status = fields.Enum(SubscriptionStatus, by_value=True,
                         metadata={"description": "Only subscriptions in this status."})


class ActorSchema(Schema):
    id = Id(required=True)
    name = fields.String(required=True)


class SubscriptionEventSchema(Schema):
    """One change of a subscription: who, when, from what to what, and why."""

    id = Id(required=True)
    action = fields.String(required=True, metadata={"description": "created, activated, suspended, renewed, ..."})
    from_status = fields.Enum(SubscriptionStatus, by_value=True, required=True, allow_none=True)
    to_status = fields.Enum(SubscriptionStatus, by_value=True, required=True)
    changes = fields.Dict(keys=fields.String(), required=True,
                          metadata={"description": "Each other field changed, as [before, after]; "
                                    "prices only for the payer and its sellers."})
    reason = fields.String(required=True)
    actor = fields.Nested(ActorSchema, required=True, allow_none=True,
                          metadata={"description": "Null for the platform, or a person outside your part of the tree."})
    created_at = Timestamp(required=True)


class SubscriptionHistorySchema(Schema):
    items = fields.List(fields.Nested(SubscriptionEventSchema), required=True)
    next = fields.String(required=True, allow_none=True)


class SubscriptionChangeSchema(Schema):
    """The new plan, quantity or both; the product decides whether now or at the end of the term."""

    plan_id = Id(metadata={"description": "Another plan of the same product."})
    quantity = Integer(validate=_QUANTITY)

    json_schema: ClassVar[dict[str, Any]] = {"minProperties": 1}

    @validates_schema
    def something_to_change(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ValidationError("Send plan_id, quantity or both.")


class SubscriptionNoteSchema(Schema):
    note = fields.String(load_default="", validate=_NOTE, metadata={"description": "Why, for its history."})


class SubscriptionCancellationSchema(SubscriptionNoteSchema):
    when = fields.Enum(
        Timing, by_value=True, load_default=Timing.END_OF_TERM,
        metadata={"description": "end_of_term: it runs until then and can still be kept; now: it stops."},
    )


# --- /tasks ---------------------------------------------------------------------------------


class TaskSchema(Schema):
    """A step a person of your account takes so that a subscription's provisioning goes on."""

    id = Id(required=True)
    title = fields.String(required=True)
    instructions = fields.String(required=True)
    status = fields.Enum(TaskStatus, by_value=True, required=True)
    team = fields.Nested(TeamRefSchema, required=True, metadata={"description": "Whose list it is on."})
    subscription_id = Id(required=True, attribute="request.subscription_id")
    account_id = Id(required=True, attribute="request.subscription.owner_id",
                    metadata={"description": "The account the work is for: the subscription's owner."})
    created_at = Timestamp(required=True)
    completed_at = Timestamp(required=True, allow_none=True)
    note = fields.String(required=True, metadata={"description": "What the person noted when completing it."})


class TaskPageSchema(Schema):
    items = fields.List(fields.Nested(TaskSchema), required=True)
    next = fields.String(required=True, allow_none=True)


class TaskQuerySchema(PageQuerySchema):
    status = fields.String(load_default=TaskStatus.OPEN.value, validate=validate.OneOf([*TaskStatus, "all"]),
                           metadata={"description": "Only tasks in this status, or all of them."})


class TaskCompletionSchema(Schema):
    note = fields.String(load_default="", validate=_NOTE,
                         metadata={"description": "For the record: a payment reference, say."})
