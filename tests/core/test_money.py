from decimal import Decimal

import pytest

from core.errors import ValidationError
from core.money import CurrencyMismatchError, Money


def test_amounts_are_exact_decimals():
    total = Money("0.10", "EUR") + Money("0.20", "EUR")
    assert total == Money(Decimal("0.30"), "EUR")
    assert isinstance(total.amount, Decimal)


@pytest.mark.parametrize("value", [0.1, 12.5, float("nan")])
def test_a_float_is_refused(value):
    with pytest.raises(ValidationError) as caught:
        Money(value, "EUR")
    assert "float" in caught.value.fields["amount"][0]


def test_multiplying_by_a_float_is_refused():
    with pytest.raises(ValidationError):
        Money("10", "EUR") * 1.5


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", ""])
def test_non_numbers_are_refused_naming_the_field(value):
    with pytest.raises(ValidationError) as caught:
        Money(value, "EUR")
    assert "amount" in caught.value.fields


@pytest.mark.parametrize("currency", ["eur", "EURO", "", "E1R"])
def test_currency_must_be_an_iso_code(currency):
    with pytest.raises(ValidationError) as caught:
        Money("1", currency)
    assert "currency" in caught.value.fields


def test_currencies_never_mix():
    with pytest.raises(CurrencyMismatchError):
        Money("1", "EUR") + Money("1", "USD")
    with pytest.raises(CurrencyMismatchError):
        sorted([Money("1", "EUR"), Money("2", "USD")])


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("2.345", "EUR", "2.35"),  # half-up, not banker's rounding
        ("2.335", "EUR", "2.34"),
        ("-2.345", "EUR", "-2.35"),  # half away from zero
        ("2.344999", "EUR", "2.34"),
        ("1234.5", "JPY", "1235"),
        ("1.2345", "KWD", "1.235"),
    ],
)
def test_rounding_is_half_up_to_the_minor_unit(amount, currency, rounded):
    assert Money(amount, currency).rounded() == Money(rounded, currency)


def test_arithmetic_keeps_precision_until_rounded():
    unit = Money("0.333", "EUR")
    assert (unit * 3).amount == Decimal("0.999")
    assert (unit * 3).rounded().amount == Decimal("1.00")


def test_json_shape_is_a_decimal_string():
    assert Money("12.5", "EUR").to_json() == {"amount": "12.50", "currency": "EUR"}
    assert str(Money("7", "USD")) == "7.00 USD"


def test_comparisons_and_zero():
    assert Money.zero("EUR") < Money("0.01", "EUR") <= Money("0.01", "EUR")
    assert -Money("3", "EUR") == Money("-3", "EUR")
    assert Money("5", "EUR") - Money("2", "EUR") == Money("3", "EUR")
