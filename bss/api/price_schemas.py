"""What the API reads and writes about products, prices and price lists.

Amounts travel as decimal strings, never as JSON numbers: a number may have been a float on
its way here, and a float cannot carry a price exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, validate

from core.models.catalog import BillingPeriod
from core.models.prices import PriceListKind
from core.money import MAX_AMOUNT_DIGITS, Money, decimal_text
from web.api.fields import Id, Integer, Pattern, Timestamp
from web.api.operations import flat_messages
from web.api.paging import Cursor

_DECIMAL = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")
_DECIMAL_JSON = {"type": "string", "pattern": _DECIMAL.pattern}


def amount_text(money: Money) -> str:
    """The amount at the currency's minor unit, or in full when a stored price is finer than that."""
    rounded = money.rounded().amount
    return str(rounded) if rounded == money.amount else decimal_text(money.amount)


def decimal_pattern(places: int, digits: int, *, signed: bool = False, positive: bool = False,
                    negative_digits: int | None = None) -> str:
    """The decimal strings of at most ``digits`` digits before the point and ``places`` after, no
    leading zero; above zero only when ``positive``; below zero too when ``signed``, with at most
    ``negative_digits`` digits before the point (``digits`` unless told)."""
    fraction = f"(?:\\.[0-9]{{1,{places}}})?" if places else ""

    def upto(most: int) -> str:
        return f"[1-9][0-9]{{0,{most - 1}}}{fraction}"

    if positive:
        tiny = "|".join(f"0{{{zeros}}}[1-9][0-9]{{0,{places - zeros - 1}}}" for zeros in range(places))
        number = f"{upto(digits)}|0\\.(?:{tiny})" if places else upto(digits)
    else:
        number = f"{upto(digits)}|0{fraction}"
    if signed:
        number += f"|-(?:{upto(negative_digits or digits)}|0{fraction})"
    return f"^(?:{number})$"


class DecimalString(fields.Field):
    """A decimal number written as a string (``"12.50"``); a JSON number is refused.

    It reads exactly the strings its pattern (``decimal_pattern``) describes in the document.
    """

    default_error_messages = {  # noqa: RUF012 (marshmallow merges them)
        "not_string": 'Send amounts as decimal strings, such as "12.50", never as JSON numbers.',
        "invalid": "Write a decimal number of at most {digits} digits before the point and {places} after it, "
                   "such as 12.50{sign}.",
    }

    def __init__(self, *, places: int, digits: int, signed: bool = False, positive: bool = False,
                 negative_digits: int | None = None, **kwargs: Any) -> None:
        self.places, self.digits, self.signed = places, digits, signed
        self.pattern = re.compile(decimal_pattern(places, digits, signed=signed, positive=positive,
                                                  negative_digits=negative_digits))
        metadata = {"json_schema": {"type": "string", "pattern": self.pattern.pattern}, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value: Decimal | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else decimal_text(value)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Decimal:
        if not isinstance(value, str):
            raise self.make_error("not_string")
        if not self.pattern.fullmatch(value):
            sign = ' (or below zero: "-" first)' if self.signed else ""
            raise self.make_error("invalid", digits=self.digits, places=self.places, sign=sign)
        return Decimal(value)


class Amount(DecimalString):
    """A price as a decimal string, as precise as the database keeps it (4 decimals), of at most ``digits`` digits
    before the point (``MAX_AMOUNT_DIGITS``: what any amount typed in may be); ``positive``: above zero."""

    def __init__(self, *, positive: bool = False, digits: int = MAX_AMOUNT_DIGITS, **kwargs: Any) -> None:
        super().__init__(places=4, digits=digits, positive=positive, **kwargs)


class FlatErrorsSchema(Schema):
    """Report nested errors by dotted path (``volume_tiers.0.unit_price``), as problem details expect."""

    def handle_error(self, error: ValidationError, data: Any, *, many: bool, **kwargs: Any) -> None:
        raise ValidationError(flat_messages(error.messages))


class MoneySchema(Schema):
    """An amount of one currency; the amount is a decimal string."""

    amount = fields.Function(
        amount_text, required=True,
        metadata={"json_schema": dict(_DECIMAL_JSON), "description": "A decimal string, such as 12.50."},
    )
    currency = fields.String(required=True, metadata={"description": "ISO 4217 code."})


class InListCurrency(fields.Nested):
    """An amount stored as a bare ``Decimal``, shown as Money in the currency of its price list."""

    def __init__(self, currency_of: Callable[[Any], str], **kwargs: Any) -> None:
        super().__init__(MoneySchema, **kwargs)
        self.currency_of = currency_of

    def _serialize(self, value: Decimal | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return super()._serialize(Money(value, self.currency_of(obj)), attr, obj, **kwargs)


# --- /products ------------------------------------------------------------------------------


class PlanPriceSchema(Schema):
    """What the buyer pays for the plan, at the quantity asked for."""

    unit_price = fields.Nested(MoneySchema, required=True, metadata={"description": "Per unit and billing period."})
    setup_fee = fields.Nested(MoneySchema, required=True, allow_none=True,
                              metadata={"description": "Charged once, on the first purchase."})
    quantity = fields.Integer(required=True)


class ProductPlanSchema(Schema):
    id = Id(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    billing_period = fields.Enum(BillingPeriod, by_value=True, required=True)
    term_months = fields.Integer(required=True, metadata={"description": "Commitment in months; 0 for none."})
    trial_days = fields.Integer(required=True)
    rank = fields.Integer(required=True, metadata={"description": "Higher is an upgrade."})
    features = fields.Dict(keys=fields.String(), required=True)
    price = fields.Nested(PlanPriceSchema, required=True, allow_none=True,
                          metadata={"description": "Null when the buyer's seller has no price for it."})
    blockers = fields.List(
        fields.String(), required=True,
        metadata={"description": "Why the buyer may not buy this plan yet (its prerequisites); empty when it may."},
    )


class ProductSchema(Schema):
    """A product on sale to the buyer, with its plans."""

    id = Id(required=True)
    key = fields.String(required=True, metadata={"description": "The product type's stable key."})
    name = fields.String(required=True)
    description = fields.String(required=True)
    unit = fields.String(required=True, metadata={"description": "What one unit of quantity is."})
    plans = fields.List(fields.Nested(ProductPlanSchema), required=True)


class ProductPageSchema(Schema):
    items = fields.List(fields.Nested(ProductSchema), required=True)
    next = fields.String(required=True, allow_none=True)


class ProductQuerySchema(Schema):
    account_id = Id(metadata={"description": "Price for this account of your tree instead of yours."})
    quantity = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000),
                              metadata={"description": "Units per plan: volume tiers apply."})


# --- /price-lists ---------------------------------------------------------------------------


class VolumeTierSchema(Schema):
    min_quantity = fields.Integer(required=True)
    unit_price = InListCurrency(lambda tier: tier.entry.price_list.currency, required=True)


class PriceEntrySchema(Schema):
    """A plan's price in a list, exactly as set."""

    plan_id = Id(required=True)
    unit_price = InListCurrency(lambda entry: entry.price_list.currency, required=True)
    setup_fee = InListCurrency(lambda entry: entry.price_list.currency, required=True, allow_none=True)
    volume_tiers = fields.List(fields.Nested(VolumeTierSchema), required=True,
                               metadata={"description": "From min_quantity units on, each unit costs unit_price."})


class BelowCostSchema(Schema):
    """A price under what the seller itself pays for the plan: a loss on every unit sold."""

    plan_id = Id(required=True, attribute="plan.id")
    price = fields.Nested(MoneySchema, required=True)
    cost = fields.Nested(MoneySchema, required=True, metadata={"description": "What you pay for one unit."})


class PriceListSchema(Schema):
    id = Id(required=True)
    kind = fields.Enum(PriceListKind, by_value=True, required=True)
    name = fields.String(required=True)
    currency = fields.String(required=True)
    tier = fields.String(required=True, allow_none=True, metadata={"description": "For resellers of this tier."})
    buyer_id = Id(required=True, allow_none=True, metadata={"description": "For this one buyer."})
    markup_percent = DecimalString(
        places=3, digits=4, signed=True, negative_digits=2, required=True, allow_none=True,
        metadata={"description": "Plans without a price cost this much over your own cost."},
    )
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class PriceListDetailSchema(PriceListSchema):
    """A price list with its prices, and warnings about the ones below your own cost."""

    entries = fields.List(fields.Nested(PriceEntrySchema), required=True)
    warnings = fields.List(fields.Nested(BelowCostSchema), required=True)


class PriceListPageSchema(Schema):
    items = fields.List(fields.Nested(PriceListSchema), required=True)
    next = fields.String(required=True, allow_none=True)


class PriceListQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = Cursor()


class PriceListCreateSchema(FlatErrorsSchema):
    kind = fields.Enum(PriceListKind, by_value=True, required=True,
                       metadata={"description": "wholesale (a distributor's, for resellers) or retail."})
    name = fields.String(required=True, validate=[validate.Length(min=1, max=100),
                                                  Pattern(r"^[^\u0000]*[^\s\u0000][^\u0000]*$", error="Name the list.")])
    currency = fields.String(required=True, validate=Pattern(r"^[A-Za-z]{3}$", error="Give an ISO 4217 code, such as EUR."),
                             metadata={"description": "ISO 4217, in either case."})
    tier = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=40),
                         metadata={"description": "Wholesale only: for the resellers of this tier."})
    buyer_id = Id(load_default=None, allow_none=True, metadata={"description": "For this one account you sell to."})
    markup_percent = DecimalString(
        places=3, digits=4, signed=True, negative_digits=2,  # above -100 %, below 10 000 %
        load_default=None, allow_none=True,
        metadata={"description": "A decimal string: plans without a price cost this much over your own cost."},
    )

    #: A tier is for wholesale lists alone, and not with a buyer: the document says so, as the service does.
    json_schema: ClassVar[dict[str, Any]] = {
        "if": {"properties": {"tier": {"type": "string"}}, "required": ["tier"]},
        "then": {"properties": {"kind": {"const": "wholesale"}, "buyer_id": {"type": "null"}}},
    }


class VolumeTierChangeSchema(Schema):
    min_quantity = Integer(required=True, validate=validate.Range(min=2))
    unit_price = Amount(required=True)


class PriceChangeSchema(FlatErrorsSchema):
    """A plan's price in a list; it replaces the earlier one with all its volume tiers."""

    unit_price = Amount(required=True, metadata={"description": "Per unit and billing period."})
    setup_fee = Amount(load_default=None, allow_none=True, metadata={"description": "Charged once."})
    volume_tiers = fields.List(fields.Nested(VolumeTierChangeSchema), load_default=list,
                               metadata={"description": "Lower unit prices from a quantity of 2 or more."})


# --- /catalog -------------------------------------------------------------------------------


class OfferedProductSchema(Schema):
    product_id = Id(required=True)
    offered = fields.Boolean(required=True, metadata={"description": "On sale down your tree."})


class HiddenPlanSchema(Schema):
    plan_id = Id(required=True)
    hidden = fields.Boolean(required=True, metadata={"description": "Not on sale although its product is."})
