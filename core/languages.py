"""The languages Cascade speaks, its message catalogs, and ``say``: a service's refusal in the reader's language.

The catalogs are the ``.po`` files under ``core/translations/``, compiled in memory the first
time a language is asked for: nothing generated is kept on disk. The web apps' pages (through
Flask-Babel), the emails the worker writes and the services' refusals read the same catalogs.
This module imports nothing of Cascade's, so every core module, ``core.errors`` and
``core.money`` included, may word its messages with ``say``.
"""

from __future__ import annotations

from collections.abc import Callable
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


def _(message: str) -> str:
    """Mark ``message`` for ``pybabel extract``; it is translated where it is used (``say``, a page, an email)."""
    return message


def in_context(context: str, message: str) -> str:
    """Mark ``message`` as read in ``context`` for ``pybabel extract`` (``-k in_context:1c,2``): the same English
    that another language words otherwise there (« Annulée » for an order, « Résilié » for a subscription)."""
    return message


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


def answering() -> str:
    """The language ``say`` writes in now: that of the person being answered (``answer_in``)."""
    return supported(_answering[0]())


def say(message: str, **values: object) -> str:
    """``message`` in the language of the person being answered (``answer_in``), ``values`` put in its
    ``%(name)s`` placeholders: what a service's refusal tells a person. ``pybabel`` extracts it like ``gettext``."""
    text = translations(answering()).gettext(message)
    return text % values if values else text


def quoted(text: object) -> str:
    """What a person typed, quoted as the reader's language quotes it inside a sentence: ``'acme'`` in English,
    « acme » in French (a refusal naming the value it refuses)."""
    return f"«\u00a0{text}\u00a0»" if answering() == "fr" else repr(str(text))
