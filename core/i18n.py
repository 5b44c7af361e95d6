"""The languages Cascade speaks to end customers, and its message catalogs.

The catalogs are the ``.po`` files under ``core/translations/``, compiled in memory the first
time a language is asked for: nothing generated is kept on disk. The storefront's pages
(through Flask-Babel) and the emails the worker writes read the same catalogs.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

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
