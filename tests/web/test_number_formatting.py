"""Numbers shown, and numbers filled into fields, as the request's language writes them (``web.formatting``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import render_template_string
from flask_babel import force_locale

from core.money import to_decimal
from web.formatting import number


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def _filled_in(value):
    return render_template_string("{{ value | decimal_input }}", value=value)


@pytest.mark.parametrize(("locale", "written"), [("en", ("23.99", "7.50", "-0.0001", "1234.5")),
                                                 ("fr", ("23,99", "7,50", "-0,0001", "1234,5"))])
def test_a_decimal_is_filled_in_as_typed_every_digit_kept_and_read_back_alike(locale, written):
    values = (Decimal("23.99"), Decimal("7.50"), Decimal("-0.0001"), Decimal("1234.5"))
    with force_locale(locale):
        assert tuple(_filled_in(value) for value in values) == written
        assert tuple(to_decimal(text) for text in written) == values


def test_a_stored_amount_a_view_put_in_a_form_is_rewritten_and_what_a_person_typed_is_kept():
    with force_locale("fr"):
        assert (_filled_in("23.99"), _filled_in("25")) == ("23,99", "25")
        assert (_filled_in("4,99"), _filled_in("abc"), _filled_in(""), _filled_in(None)) == ("4,99", "abc", "", "")


def test_an_example_written_in_a_template_is_in_each_readers_language(app):
    example = app.jinja_env.from_string("such as {{ '4.99' | decimal_input }}")  # compiled once, as a page's template
    with force_locale("fr"):
        assert example.render() == "such as 4,99"
    assert example.render() == "such as 4.99"  # not the first reader's language, kept by Jinja


@pytest.mark.parametrize(("locale", "written"), [("en", ("28.6", "25", "1,234.5")), ("fr", ("28,6", "25", "1\u202f234,5"))])
def test_a_number_is_shown_grouped_without_trailing_zeros(locale, written):
    with force_locale(locale):
        assert (number(Decimal("28.6")), number(Decimal("25.0")), number(Decimal("1234.5"))) == written
