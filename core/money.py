"""Money: a ``Decimal`` amount in one ISO 4217 currency, never a float.

Amounts keep full precision through arithmetic. Rounding happens once, when a price is
fixed for a buyer (``Money.rounded``), half-up to the currency's minor unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.errors import ValidationError
from core.languages import say

_CURRENCY = re.compile(r"^[A-Z]{3}$")
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


def to_decimal(value: Decimal | int | str, field: str = "amount") -> Decimal:
    """Convert an exact value to ``Decimal``; floats are refused because they are not exact."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationError({field: [say("Must be a decimal string or an integer, not a float.")]})
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (int, str)):
        try:
            result = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise ValidationError({field: [say("%(value)s is not a number.", value=repr(value))]}) from None
    else:
        raise ValidationError({field: [say("Unsupported type %(type)s.", type=type(value).__name__)]})
    if not result.is_finite():
        raise ValidationError({field: [say("Must be a finite number.")]})
    if abs(result) >= MAX_AMOUNT:
        raise ValidationError({field: [say("Must be less than %(most)s.", most=format(MAX_AMOUNT, ","))]})
    return result


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount of one currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        if not isinstance(self.currency, str) or not _CURRENCY.match(self.currency):
            raise ValidationError({"currency": [say("%(currency)s is not an ISO 4217 code.", currency=repr(self.currency))]})

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
