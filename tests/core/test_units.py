"""A product type words its unit in each language, and counts of it follow the language's plural rules."""

import pytest

from core.i18n import quantity_text, unit_word
from core.models.catalog import BillingPeriod
from core.products import UNITS, PlanSpec, ProductType, Unit
from plugins.office365.product import Microsoft365

SEATS = Unit(one={"en": "seat", "fr": "siège"}, other={"en": "seats", "fr": "sièges"})


@pytest.mark.parametrize(("locale", "written"), [
    ("en", ["0 seats", "1 seat", "2 seats", "1,000 seats"]),
    # French counts 0 as one, and writes a thousand with a narrow no-break space.
    ("fr", ["0 siège", "1 siège", "2 sièges", "1\u202f000 sièges"]),
])
def test_a_count_takes_the_plural_its_language_needs_with_the_number_written_as_there(locale, written):
    assert [quantity_text(count, SEATS, locale) for count in (0, 1, 2, 1000)] == written
    assert [quantity_text(count, Microsoft365(), locale) for count in (0, 1, 2, 1000)] == written


def test_a_product_type_that_names_no_unit_counts_units_in_every_language():
    class Plain(ProductType):
        key = "plain-thing"
        name = "Plain thing"
        plans = (PlanSpec(code="one", name="One", billing_period=BillingPeriod.MONTHLY, rank=1),)

    assert Plain.unit_words is UNITS
    assert [quantity_text(count, Plain(), "en") for count in (1, 2)] == ["1 unit", "2 units"]
    assert [quantity_text(count, Plain(), "fr") for count in (1, 2)] == ["1 unité", "2 unités"]


def test_a_unit_given_no_words_is_counted_by_its_code():
    class Widgets(ProductType):
        key = "widgets"
        name = "Widgets"
        unit = "widget"

    assert quantity_text(3, Widgets(), "fr") == quantity_text(3, "widget", "en") == "3 × widget"
    assert unit_word(Widgets(), "fr") == "widget"


def test_a_language_without_its_own_words_takes_the_default_languages_and_many_takes_other():
    box = Unit(one={"en": "box", "fr": "boîte"}, other={"en": "boxes", "fr": "boîtes"})
    assert quantity_text(2, box, "de") == "2 boxes"
    assert quantity_text(1_000_000, box, "fr") == "1\u202f000\u202f000 boîtes"  # French's "many" form
    assert (unit_word(box, "fr"), unit_word(box, "fr", 2)) == ("boîte", "boîtes")


def test_translated_words_need_the_default_language():
    with pytest.raises(ValueError, match="'en'"):
        Unit(one={"fr": "siège"}, other={"fr": "sièges"})
