"""Sentences kept as data and worded in each reader's language (``core.wording``)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from core.money import Money
from core.wording import Wording, in_each_language, said_columns, worded_in

SCHEDULED = Wording("%(reason)s at the end of the term, on %(day)s",
                    {"reason": Wording("takes effect"), "day": date(2026, 4, 2)})
DISCOUNT = Wording(
    "Volume discount: %(count)s units of %(product)s this month, %(plan)s at %(price)s instead of %(was)s",
    {"count": 1200, "product": {"en": "Web hosting", "fr": "Hébergement web"}, "plan": "Starter",
     "price": Money("10.00", "EUR"), "was": Money("11.50", "EUR")})


def _spaced(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def test_a_wording_reads_in_each_language_with_its_values_written_as_that_language_writes_them():
    assert SCHEDULED.english == "takes effect at the end of the term, on 2 Apr 2026"
    assert SCHEDULED.in_language("fr") == "prend effet à la fin de l'engagement, le 2 avr. 2026"
    assert DISCOUNT.english == ("Volume discount: 1,200 units of Web hosting this month, Starter at €10.00 "
                                "instead of €11.50")
    assert _spaced(DISCOUNT.in_language("fr")) == ("Remise sur volume : 1 200 unités du produit Hébergement web ce mois-ci, "
                                                   "Starter à 10,00 € au lieu de 11,50 €")


@pytest.mark.parametrize("wording", [SCHEDULED, DISCOUNT], ids=["nested, a day", "counts, names, amounts"])
def test_a_wording_comes_back_from_its_json_column_as_it_went_in(wording):
    stored = json.loads(json.dumps(wording.stored()))
    assert Wording.from_stored(stored) == wording
    assert worded_in("ignored", stored, "fr") == wording.in_language("fr")


def test_a_record_keeps_its_english_text_beside_its_wording_and_what_a_person_typed_reads_as_typed():
    columns = said_columns(SCHEDULED, "reason", size=None)
    assert columns == {"reason": SCHEDULED.english, "wording": SCHEDULED.stored()}
    assert said_columns(Wording("%(plan)s", {"plan": "x" * 400}))["description"] == "x" * 300
    typed = said_columns("Goodwill: the outage of 3 March")
    assert typed == {"description": "Goodwill: the outage of 3 March", "wording": None}
    assert worded_in(typed["description"], typed["wording"], "fr") == "Goodwill: the outage of 3 March"


def test_a_name_is_kept_in_each_language_and_anything_else_is_refused():
    assert in_each_language(lambda locale: f"name-{locale}") == {"en": "name-en", "fr": "name-fr"}
    with pytest.raises(TypeError, match="not float"):
        Wording("%(x)s", {"x": 1.5}).stored()
