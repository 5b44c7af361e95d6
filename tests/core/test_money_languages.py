"""An amount typed in is read as the reader's language writes numbers, and a refusal writes its numbers that way too."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale

from core.errors import ValidationError
from core.money import to_decimal


@pytest.fixture(autouse=True)
def _request(app):
    """A web request: ``core.languages.answering`` is its language, chosen with ``force_locale``."""
    with app.test_request_context():
        yield


@pytest.mark.parametrize(("typed", "read"), [
    ("4,99", Decimal("4.99")), (" 4,99 ", Decimal("4.99")), ("-0,5", Decimal("-0.5")), ("4.99", Decimal("4.99")),
    ("1 000,50", Decimal("1000.50")), ("1\u00a0000,50", Decimal("1000.50")), ("1\u202f000,50", Decimal("1000.50")),
])
def test_french_reads_a_decimal_comma_grouping_spaces_and_still_the_point(typed, read):
    with force_locale("fr"):
        assert to_decimal(typed) == read


@pytest.mark.parametrize(("typed", "read"), [("4.99", Decimal("4.99")), ("1,500.25", Decimal("1500.25")),
                                             ("1,500", Decimal(1500))])
def test_english_reads_a_point_and_thousands_commas(typed, read):
    with force_locale("en"):
        assert to_decimal(typed) == read


@pytest.mark.parametrize(("locale", "typed", "refusal"), [
    ("en", "1,5", "'1,5' is not a number."),
    ("en", "4,99", "'4,99' is not a number."),
    ("fr", "1,500.25", "«\u00a01,500.25\u00a0» n'est pas un nombre."),
    ("fr", "1,5e-99999999", "«\u00a01,5e-99999999\u00a0» n'est pas un nombre."),
    ("fr", "1" + "\u202f000" * 400 + ",5", "n'est pas un nombre."),  # more digits than Decimal keeps
])
def test_a_number_the_language_would_not_write_so_is_refused(locale, typed, refusal):
    with force_locale(locale), pytest.raises(ValidationError) as caught:
        to_decimal(typed, "unit_price")
    assert refusal in caught.value.fields["unit_price"][0]


@pytest.mark.parametrize(("locale", "refusal"), [("en", "Must be less than 1,000,000,000,000."),
                                                 ("fr", "Doit être inférieur à 1\u202f000\u202f000\u202f000\u202f000.")])
def test_the_largest_amount_is_written_as_the_reader_writes_numbers(locale, refusal):
    with force_locale(locale), pytest.raises(ValidationError) as caught:
        to_decimal("1000000000000")
    assert caught.value.fields == {"amount": [refusal]}


def test_a_huge_exponent_is_refused_rather_than_overflowing():
    with pytest.raises(ValidationError) as caught:
        to_decimal("9e999999")
    assert caught.value.fields == {"amount": ["Must be less than 1,000,000,000,000."]}
