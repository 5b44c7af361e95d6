"""Money: a ``Decimal`` amount in one ISO 4217 currency, never a float.

Amounts keep full precision through arithmetic. Rounding happens once, when a price is
fixed for a buyer (``Money.rounded``), half-up to the currency's minor unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_decimal, get_decimal_symbol, get_group_symbol, parse_decimal

from core.errors import ValidationError
from core.languages import answering, quoted, say

_CURRENCY = re.compile(r"^[A-Z]{3}$")
#: A number as people write one: a sign, digits, and the points, commas or spaces between them; no exponent.
_WRITTEN = re.compile("[-+]?[0-9.,\u0020\u00a0\u202f]+")
#: The spaces a person may type between groups of digits (``1 000,50``): plain, no-break or narrow no-break.
_GROUP_SPACES = re.compile("[\u0020\u00a0\u202f]")
#: How many digits before the point an amount typed in may have (a price, a payment): far fewer than the database
#: keeps (18 digits, 4 of them decimals), so that sums of many such amounts still fit.
MAX_AMOUNT_DIGITS = 12
MAX_AMOUNT = Decimal(10) ** MAX_AMOUNT_DIGITS

#: Minor units of the currencies that do not use two decimals (ISO 4217).
_MINOR_UNITS = {
    "BHD": 3, "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "IQD": 3, "ISK": 0, "JOD": 3,
    "JPY": 0, "KMF": 0, "KRW": 0, "KWD": 3, "LYD": 3, "OMR": 3, "PYG": 0, "RWF": 0,
    "TND": 3, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}


class CurrencyMismatchError(ValidationError):
    """Two amounts in different currencies were combined."""


def minor_units(currency: str) -> int:
    """Return how many decimals the currency's smallest unit has."""
    return _MINOR_UNITS.get(currency, 2)


def decimal_text(value: Decimal) -> str:
    """A decimal written without trailing zeros or an exponent: ``25``, ``12.5``, ``0.0001``."""
    return f"{value.normalize():f}"


def number_text(value: Decimal | int, locale: str | None = None) -> str:
    """A number as ``locale`` (by default the reader's, ``answering``) writes it, grouped, without trailing zeros:
    ``1,000,000`` or ``8.875`` in English, ``1 000 000`` or ``8,875`` in French."""
    return format_decimal(value, locale=locale or answering(), decimal_quantization=False)


def typed_text(value: Decimal, locale: str | None = None) -> str:
    """A decimal as a person of ``locale`` (by default the reader's) types it into a field, every digit kept and
    no grouping, so that ``to_decimal`` reads it back: ``23.99`` in English, ``23,99`` in French."""
    return f"{value:f}".replace(".", get_decimal_symbol(locale or answering()))


def _read_as_written(text: str, locale: str) -> Decimal:
    """``text`` read as ``locale`` writes numbers: ``4,99`` and ``1 000,50`` in French, ``1,500.25`` in English.
    Text that ``locale`` would not write so, such as ``1,5`` in English, raises ``NumberFormatError``; more digits
    than ``Decimal`` keeps make Babel raise a ``decimal`` error or a ``ValueError``."""
    if not _WRITTEN.fullmatch(text):
        raise NumberFormatError(f"{text!r} is not written as a number")
    group = get_group_symbol(locale)
    if group.isspace():
        text = _GROUP_SPACES.sub(group, text)
    return parse_decimal(text, locale=locale, strict=True)


def to_decimal(value: Decimal | int | str, field: str = "amount") -> Decimal:
    """Convert an exact value to ``Decimal``; floats are refused because they are not exact.

    Text is read as Python writes decimals (``4.99``, what the API is sent in any language), else as the reader's
    language writes them (``4,99`` in French): a person types a number as they would write it."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationError({field: [say("Must be a decimal string or an integer, not a float.")]})
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            try:
                result = _read_as_written(value.strip(), answering())
            except (ValueError, ArithmeticError):
                raise ValidationError({field: [say("%(value)s is not a number.", value=quoted(value))]}) from None
    else:
        raise ValidationError({field: [say("Unsupported type %(type)s.", type=type(value).__name__)]})
    if not result.is_finite():
        raise ValidationError({field: [say("Must be a finite number.")]})
    if result.copy_abs() >= MAX_AMOUNT:  # not abs(), which overflows on 9e999999
        raise ValidationError({field: [say("Must be less than %(most)s.", most=number_text(MAX_AMOUNT))]})
    return result


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount of one currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        if not isinstance(self.currency, str) or not _CURRENCY.match(self.currency):
            raise ValidationError({"currency": [say("%(currency)s is not an ISO 4217 code.", currency=quoted(self.currency))]})

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatchError(
                {"currency": [say("Cannot combine %(currency)s with %(other)s.", currency=self.currency, other=other.currency)]}
            )

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        return Money(self.amount * to_decimal(factor, "factor"), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount >= other.amount

    def rounded(self) -> Money:
        """Round half-up to the currency's minor unit: the one rounding point of a price."""
        exponent = Decimal(1).scaleb(-minor_units(self.currency))
        return Money(self.amount.quantize(exponent, rounding=ROUND_HALF_UP), self.currency)

    def to_json(self) -> dict[str, str]:
        """Return the API shape: the amount as a decimal string, rounded to the minor unit."""
        return {"amount": str(self.rounded().amount), "currency": self.currency}

    def __str__(self) -> str:
        return f"{self.rounded().amount} {self.currency}"
