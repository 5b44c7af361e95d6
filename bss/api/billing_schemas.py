"""What the API reads and writes about billing: invoices and the charges not invoiced yet.

Amounts are Money with decimal strings (``bss.api.price_schemas``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from bss.api.order_schemas import PageQuerySchema
from bss.api.price_schemas import Amount, FlatErrorsSchema, MoneySchema
from core.models.charges import ChargeKind
from core.models.invoices import InvoiceStatus
from core.money import decimal_text
from core.permissions import PaymentMethod
from core.services.credit_notes import MAX_REASON
from core.services.manual_charges import KINDS, MAX_DESCRIPTION, MAX_QUANTITY, UNIT_PRICE_DIGITS
from core.services.payment_details import MAX_REFERENCE
from web.api.fields import Id, Integer, Pattern, Timestamp


class PartySchema(Schema):
    """An account on an invoice: who issued it, or who received it."""

    id = Id(required=True)
    name = fields.String(required=True)


class InvoiceLineSchema(Schema):
    """One charge, as an invoice shows it."""

    kind = fields.Enum(ChargeKind, by_value=True, required=True)
    description = fields.String(required=True, metadata={
        "description": "What it is for, in English as the platform wrote it (pages and PDFs word it in their reader's "
                       "language), or as the seller typed it."})
    subscription_id = Id(required=True, allow_none=True)
    quantity = fields.Integer(required=True)
    unit_price = fields.Nested(MoneySchema, required=True)
    amount = fields.Nested(MoneySchema, required=True, attribute="money")
    period_start = Timestamp(required=True, allow_none=True)
    period_end = Timestamp(required=True, allow_none=True)


class InvoicePaymentSchema(Schema):
    id = Id(required=True)
    method = fields.Enum(PaymentMethod, by_value=True, required=True)
    reference = fields.String(required=True)
    amount = fields.Nested(MoneySchema, required=True, attribute="money")
    paid_on = fields.Date(required=True)


class InvoicePaymentCreateSchema(FlatErrorsSchema):
    method = fields.Enum(PaymentMethod, by_value=True, required=True)
    reference = fields.String(required=True, validate=validate.Length(min=1, max=MAX_REFERENCE),
                              metadata={"description": "The transfer's reference, a receipt number, ..."})
    amount = Amount(positive=True, required=True, metadata={"description": "A decimal string: all that is due, a part, or more "
                                                            "(the rest is a credit on the next invoice)."})
    paid_on = fields.Date(metadata={"description": "When it was paid; today when left out."})


class CreditNoteCreateSchema(FlatErrorsSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=MAX_REASON),
                           metadata={"description": "Why: the recipient reads it on the credit note."})
    amount = Amount(positive=True, metadata={"description": "A decimal string, before tax; all that is left to credit when left "
                                             "out (the invoice is then credited line by line)."})


class InvoiceSchema(Schema):
    """A month of one seller's charges to one account. Issued, it never changes."""

    id = Id(required=True)
    number = fields.String(required=True, metadata={"description": "The issuer's prefix and a number without gaps."})
    issuer = fields.Nested(PartySchema, required=True)
    recipient = fields.Nested(PartySchema, required=True)
    status = fields.Enum(InvoiceStatus, by_value=True, required=True)
    period_start = fields.Date(required=True, metadata={
        "description": "The first day of the period it closes: the 1st, or the recipient's anniversary day."})
    period_end = fields.Date(required=True)
    issued_on = fields.Date(required=True)
    due_on = fields.Date(required=True)
    issuer_tax_id = fields.String(required=True, allow_none=True, metadata={"description": "As it was at issue."})
    recipient_tax_id = fields.String(required=True, allow_none=True, metadata={"description": "As it was at issue."})
    reverse_charge = fields.Boolean(required=True, metadata={
        "description": "No tax was charged: the recipient, having a tax id, accounts for it."})
    reminders_sent = fields.Integer(required=True, metadata={"description": "Reminders sent since it fell due."})
    tax_name = fields.String(required=True)
    tax_rate = fields.Function(lambda invoice: decimal_text(invoice.tax_rate), required=True,
                               metadata={"description": "In percent, as a decimal string.",
                                         "json_schema": {"type": "string"}})
    subtotal = fields.Nested(MoneySchema, required=True, metadata={"description": "The sum of the lines."})
    tax = fields.Nested(MoneySchema, required=True)
    total = fields.Nested(MoneySchema, required=True)
    lines = fields.List(fields.Nested(InvoiceLineSchema), required=True)
    credited_invoice_id = Id(required=True, allow_none=True,
                             metadata={"description": "For a credit note (negative totals): the invoice it corrects."})
    payments = fields.List(fields.Nested(InvoicePaymentSchema), required=True)
    balance_due = fields.Nested(MoneySchema, required=True,
                                metadata={"description": "What is left to pay; what was paid beyond the total is a "
                                                         "credit on the next invoice."})


class InvoicePageSchema(Schema):
    items = fields.List(fields.Nested(InvoiceSchema), required=True)
    next = fields.String(required=True, allow_none=True)


_MONTH = re.compile(r"^[1-9][0-9]{3}-(?:0[1-9]|1[0-2])$")


class Month(fields.Field):
    """A month as ``YYYY-MM``, loaded as its first day."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or not _MONTH.fullmatch(value):
            raise ValidationError("Write a month as YYYY-MM, such as 2026-03.")
        return date(int(value[:4]), int(value[5:]), 1)


class InvoiceQuerySchema(PageQuerySchema):
    issuer_id = Id(metadata={"description": "Only invoices this account issued: yours, for what you billed."})
    recipient_id = Id(metadata={"description": "Only invoices to this account."})
    status = fields.Enum(InvoiceStatus, by_value=True, metadata={"description": "Only invoices in this status."})
    period = Month(metadata={"description": "Only invoices closing this month (YYYY-MM).",
                             "json_schema": {"type": "string", "pattern": _MONTH.pattern}})


class ChargeSchema(InvoiceLineSchema):
    """What one account owes its seller for one money event, not invoiced yet: an invoice line to be."""

    id = Id(required=True)
    issuer = fields.Nested(PartySchema, required=True)
    recipient = fields.Nested(PartySchema, required=True)
    created_at = Timestamp(required=True)


class ChargeListSchema(Schema):
    items = fields.List(fields.Nested(ChargeSchema), required=True)


class ChargeQuerySchema(Schema):
    subscription_id = Id(metadata={"description": "Only the charges of this subscription."})
    recipient_id = Id(metadata={"description": "Only the charges to this account."})


class ChargeCreateSchema(FlatErrorsSchema):
    recipient_id = Id(required=True, metadata={"description": "An account your account sells to directly."})
    kind = fields.String(load_default=str(ChargeKind.MANUAL), validate=validate.OneOf([str(kind) for kind in KINDS]),
                         metadata={"description": "`manual` (a charge), `fee` (a one-off fee) or `credit` (money "
                                                  "owed back: deducted from the next invoice)."})
    description = fields.String(required=True, validate=validate.Length(min=1, max=MAX_DESCRIPTION),
                                metadata={"description": "What the recipient reads on its invoice."})
    quantity = Integer(load_default=1, validate=validate.Range(min=1, max=MAX_QUANTITY))
    unit_price = Amount(positive=True, digits=UNIT_PRICE_DIGITS, required=True,
                        metadata={"description": "A decimal string above zero (a credit's too)."})
    currency = fields.String(required=True, validate=Pattern(r"^[A-Z]{3}$", error="Give an ISO 4217 code, such as EUR."),
                             metadata={"description": "ISO 4217: EUR, GBP, USD."})
