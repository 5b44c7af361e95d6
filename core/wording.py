"""Sentences kept as data: what a record says (an invoice line, a reason in a subscription's history), worded in
each reader's language when it is read.

A record the platform writes for people, "Setup of Web hosting Starter" or "order 6", is never edited afterwards,
yet a French reader should read « Mise en service : … » and « commande 6 ». So the platform keeps its message
(the English text, a catalog id marked with ``_``) and the values of its placeholders beside the English text,
and each page, PDF or email words it in its reader's language (``worded_in``). What a person typed (a manual
charge, a cancellation's note, a vendor's answer) has no wording: it reads as typed.

A value is text (a name, an id, a number already written), a name in each language (``{"en": …, "fr": …}``:
a plan's title), a count, a day, an amount, or another wording (a reason inside a sentence); counts, days and
amounts are written as the reader's language writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal

from core.i18n import day_text, money_text
from core.languages import DEFAULT_LOCALE, LOCALES, translations
from core.money import Money
from core.products import text_in


@dataclass(frozen=True)
class Wording:
    """A message (its English text, marked with ``_``) and the values of its ``%(name)s`` placeholders."""

    message: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def in_language(self, locale: str) -> str:
        """The sentence in ``locale``: the message from its catalog, each value written as the language writes it."""
        text = translations(locale).gettext(self.message)
        if not self.values:
            return text
        return text % {name: _written(value, locale) for name, value in self.values.items()}

    @property
    def english(self) -> str:
        """The sentence in the default language: what the record's own text column holds."""
        return self.in_language(DEFAULT_LOCALE)

    def stored(self) -> dict[str, Any]:
        """The wording as a JSON column holds it."""
        return {"message": self.message, "values": {name: _stored(value) for name, value in self.values.items()}}

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> Wording:
        return cls(data["message"], {name: _loaded(value) for name, value in data.get("values", {}).items()})


def in_each_language(name: Callable[[str], str]) -> dict[str, str]:
    """A name in each language Cascade speaks (``plan.title``, ``product.name_in``), for a wording's value."""
    return {locale: name(locale) for locale in LOCALES}


def said_columns(said: Wording | str, column: str = "description", size: int = 300) -> dict[str, Any]:
    """The columns of a record that says ``said``: its English text in ``column`` (cut to ``size``) and its wording;
    text a person typed keeps no wording."""
    if isinstance(said, str):
        return {column: said[:size], "wording": None}
    return {column: said.english[:size], "wording": said.stored()}


def stored_said(said: Wording | str | None) -> dict[str, Any] | str | None:
    """What ``said`` keeps in a JSON document (a provisioning request's payload): its wording, or the text a person
    typed as it is; ``said_from_stored`` reads it back."""
    return said.stored() if isinstance(said, Wording) else said


def said_from_stored(kept: Any) -> Wording | str | None:
    """What ``stored_said`` kept: a wording again, or the text a person typed."""
    return Wording.from_stored(kept) if isinstance(kept, dict) else kept


def worded_in(text: str, stored: Mapping[str, Any] | None, locale: str) -> str:
    """A record's sentence for a reader of ``locale``: its wording in that language, or ``text`` as typed when it has
    none (written by a person, or before the platform kept wordings)."""
    return Wording.from_stored(stored).in_language(locale) if stored else text


def _written(value: Any, locale: str) -> str:
    if isinstance(value, Wording):
        return value.in_language(locale)
    if isinstance(value, Money):
        return money_text(value, locale)
    if isinstance(value, date):
        return day_text(value, locale)
    if isinstance(value, int):
        return format_decimal(value, locale=locale)
    if isinstance(value, Mapping):
        return text_in(value, locale)
    return str(value)


def _stored(value: Any) -> Any:
    if isinstance(value, Wording):
        return value.stored()
    if isinstance(value, Money):
        return {"money": str(value.amount), "currency": value.currency}
    if isinstance(value, date):
        return {"day": value.isoformat()[:10]}
    if isinstance(value, str | int):
        return value
    if isinstance(value, Mapping):
        return {"by_language": dict(value)}
    raise TypeError(f"a wording keeps text, names by language, counts, days, amounts and wordings, not {type(value).__name__}")


def _loaded(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "message" in value:
        return Wording.from_stored(value)
    if "by_language" in value:
        return value["by_language"]
    if "money" in value:
        return Money(Decimal(value["money"]), value["currency"])
    return date.fromisoformat(value["day"])
