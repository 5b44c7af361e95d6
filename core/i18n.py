"""Writing for a reader in its language: amounts, days, counts of a unit, and ``Translator`` (an email's words),
over the catalogs of ``core.languages``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from core.languages import _, supported, translations
from core.money import Money
from core.permissions import PaymentMethod
from core.products import ProductType, Unit


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

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """``singular`` or ``plural`` in this language, in the form its plural rules choose for ``count``
        (French writes 0 and 1 in the singular); the caller fills in the count."""
        return translations(self.locale).ngettext(singular, plural, count)

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
