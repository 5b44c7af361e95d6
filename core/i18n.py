"""The languages Cascade speaks to end customers, and its message catalogs.

The catalogs are the ``.po`` files under ``core/translations/``, compiled in memory the first
time a language is asked for: nothing generated is kept on disk. The storefront's pages
(through Flask-Babel) and the emails the worker writes read the same catalogs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

from core.money import Money
from core.permissions import PaymentMethod
from core.products import ProductType, Unit

#: What the storefront offers, the first being the default.
LOCALES = ("en", "fr")
DEFAULT_LOCALE = LOCALES[0]
#: The language each locale calls itself, for the switcher.
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
TRANSLATIONS_ROOT = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"


def supported(locale: str | None) -> str:
    """``locale`` if Cascade speaks it (``fr_CA`` counts as ``fr``), else the default."""
    language = (locale or "").replace("-", "_").split("_")[0].lower()
    return language if language in LOCALES else DEFAULT_LOCALE


@cache
def translations(locale: str) -> NullTranslations:
    """The catalog for ``locale``, compiled from its ``.po`` file; English needs none."""
    path = TRANSLATIONS_ROOT / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale == DEFAULT_LOCALE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as file:
        catalog = read_po(file, locale=locale, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def _default_language() -> str:
    return DEFAULT_LOCALE


#: Where ``say`` finds the language of the person being answered (``answer_in``).
_answering: list[Callable[[], str]] = [_default_language]


def answer_in(language: Callable[[], str]) -> None:
    """Have ``say`` write in the language ``language()`` returns when called: a web app's points at its request's.
    Where nothing was set (a worker, the command line), ``say`` writes the default language."""
    _answering[0] = language


def say(message: str, **values: object) -> str:
    """``message`` in the language of the person being answered (``answer_in``), ``values`` put in its
    ``%(name)s`` placeholders: what a service's refusal tells a person. ``pybabel`` extracts it like ``gettext``."""
    text = translations(supported(_answering[0]())).gettext(message)
    return text % values if values else text


def money_text(value: Money, locale: str) -> str:
    """An amount as ``locale`` writes it (``€12.50``, ``12,50 €``), rounded once by ``core.money``:
    already at the currency's minor unit, Babel has nothing left to round by its own rule."""
    rounded = value.rounded()
    return format_currency(rounded.amount, rounded.currency, locale=locale)


def day_text(value: date | datetime, locale: str) -> str:
    """A day as ``locale`` writes it: ``2 Mar 2026``, ``2 mars 2026`` (a time's UTC day)."""
    return format_date(value.date() if isinstance(value, datetime) else value, "d MMM y", locale=locale)


@cache
def _locale(locale: str) -> Locale:
    return Locale.parse(locale)


def _(message: str) -> str:
    """Mark ``message`` for ``pybabel extract``; it is translated where it is used."""
    return message


#: A count of a unit whose words its product type does not give: ``3 × widget``.
_COUNT_OF = _("%(count)s × %(unit)s")


def quantity_text(count: int, unit: ProductType | Unit | str, locale: str) -> str:
    """``count`` units as ``locale`` writes them, in the plural its CLDR rules choose: ``1,000 seats``,
    ``1 siège``, ``0 siège``. ``unit`` is a product type (its ``unit_words``) or the words themselves; a
    unit's code alone, or a product type that gives no words, is counted as ``3 × widget``."""
    number = format_decimal(count, locale=locale)
    words, code = (unit.unit_words, unit.unit) if isinstance(unit, ProductType) else (unit, unit)
    if isinstance(words, Unit):
        return f"{number} {words.word(_locale(locale).plural_form(count), locale)}"
    return translations(locale).gettext(_COUNT_OF) % {"count": number, "unit": code}


def unit_word(unit: ProductType | Unit | str, locale: str, count: int = 1) -> str:
    """The word for ``count`` units alone, as in "per seat", "par siège"; a unit's code when no words are given."""
    words = unit.unit_words if isinstance(unit, ProductType) else unit
    if isinstance(words, Unit):
        return words.word(_locale(locale).plural_form(count), locale)
    return unit.unit if isinstance(unit, ProductType) else str(unit)


@dataclass(frozen=True)
class Translator:
    """Writes in one language: its messages, its days and its amounts (an email, for its reader)."""

    locale: str

    @classmethod
    def for_setting(cls, locale: str | None) -> Translator:
        """The translator of a person's language setting: the default language when unset or not spoken."""
        return cls(supported(locale))

    def gettext(self, message: str) -> str:
        """``message`` in this language."""
        return translations(self.locale).gettext(message)

    def day(self, value: date | datetime) -> str:
        """A day as this language writes it (``day_text``)."""
        return day_text(value, self.locale)

    def month(self, value: date) -> str:
        """A month as this language writes it: ``March 2026``, ``mars 2026``."""
        return format_date(value, "LLLL y", locale=self.locale)

    def money(self, value: Money) -> str:
        """An amount as this language writes it (``money_text``)."""
        return money_text(value, self.locale)

    def payment_method(self, method: PaymentMethod) -> str:
        """A way to pay, as this language names it."""
        _ = self.gettext
        return {PaymentMethod.CARD: _("Card"), PaymentMethod.BANK_TRANSFER: _("Bank transfer"),
                PaymentMethod.DIRECT_DEBIT: _("Direct debit"), PaymentMethod.ON_ACCOUNT: _("On account")}[method]
