"""The languages Cascade speaks to end customers, and its message catalogs.

The catalogs are the ``.po`` files under ``core/translations/``, compiled in memory the first
time a language is asked for: nothing generated is kept on disk. The storefront's pages
(through Flask-Babel) and the emails the worker writes read the same catalogs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency
from babel.support import NullTranslations, Translations

from core.money import Money
from core.permissions import PaymentMethod

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


def money_text(value: Money, locale: str) -> str:
    """An amount as ``locale`` writes it (``€12.50``, ``12,50 €``), rounded once by ``core.money``:
    already at the currency's minor unit, Babel has nothing left to round by its own rule."""
    rounded = value.rounded()
    return format_currency(rounded.amount, rounded.currency, locale=locale)


def day_text(value: date | datetime, locale: str) -> str:
    """A day as ``locale`` writes it: ``2 Mar 2026``, ``2 mars 2026`` (a time's UTC day)."""
    return format_date(value.date() if isinstance(value, datetime) else value, "d MMM y", locale=locale)


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
