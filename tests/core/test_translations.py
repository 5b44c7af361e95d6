"""Every message the storefronts and customer emails show has its French translation, with the same placeholders."""

from __future__ import annotations

import re
from configparser import ConfigParser
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from core.languages import LOCALES, TRANSLATIONS_ROOT, supported, translations

ROOT = Path(__file__).resolve().parents[2]
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
#: What marks a message in the code: ``ngettext``'s first two arguments are its singular and plural, and a
#: navigation entry's label (``web.pages.NavEntry``) is translated where the navigation is drawn.
#: A message read in a context (``core.languages.in_context``) is its context and then the message.
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2), "say": None, "NavEntry": None,
            "pgettext": ((1, "c"), 2), "in_context": ((1, "c"), 2)}


def _extracted() -> set[tuple[str | None, str]]:
    config = ConfigParser()
    config.read(ROOT / "babel.cfg")
    method_map = [(section.split(":", 1)[1].strip(), section.split(":", 1)[0].strip()) for section in config.sections()]
    return {(context, message if isinstance(message, str) else message[0])
            for _file, _line, message, _comments, context in extract_from_dir(str(ROOT), method_map, keywords=KEYWORDS)}


def _first(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _forms(text: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """A message's singular and plural (one form for most): each must be there."""
    return (text,) if isinstance(text, str) or text is None else tuple(text)


def _placeholders(text: str | tuple[str, ...]) -> set[str]:
    """The names a message fills in, across its forms (a French singular may leave out the count its plural shows)."""
    return {name for form in _forms(text) for name in _PLACEHOLDER.findall(form)}


def test_every_message_has_a_french_translation_with_the_same_placeholders_and_none_is_a_guess():
    with (TRANSLATIONS_ROOT / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file, locale="fr")
    fuzzy = sorted(message.id for message in catalog if message.id and message.fuzzy)
    assert not fuzzy, f"check these guesses and drop their fuzzy flag: {fuzzy}"
    translated = {(message.context, _first(message.id)): message.string for message in catalog if message.id}
    missing = sorted((message for message in _extracted() if not all(_forms(translated.get(message)))), key=str)
    assert not missing, f"translate these in core/translations/fr/LC_MESSAGES/messages.po: {missing}"
    for message in catalog:
        if message.id:
            assert _placeholders(message.string) == _placeholders(message.id), message.id


#: Words French elides before a vowel ("d'Atlas", "l'Atlas"), and the placeholders that never hold a name (a day, an
#: amount, a count, a size, or a value already quoted in « »): after one of these words, a name must not come next.
_ELIDED = re.compile(r"\b(de|le|la|que|ce|ne|se|je|jusque|lorsque|puisque) %\((\w+)\)s", re.IGNORECASE)
_NEVER_A_NAME = {"day", "date", "when", "moment", "expired", "amount", "was", "size", "least", "days", "hours",
                 "quantity", "count", "current", "renamed"}


def test_no_french_message_puts_a_name_where_its_article_would_need_eliding():
    with (TRANSLATIONS_ROOT / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file, locale="fr")
    unelided = sorted({f"{word} %({name})s: {_first(message.id)}" for message in catalog if message.id
                       for form in _forms(message.string) for word, name in _ELIDED.findall(form)
                       if name not in _NEVER_A_NAME})
    assert not unelided, f"« de Atlas » should read « du compte Atlas »: reword these {unelided}"


def test_a_language_is_found_from_what_browsers_send():
    assert supported("fr-CA") == "fr" and supported("FR") == "fr" and supported("de") == "en" and supported(None) == "en"
    assert translations("fr").gettext("Sign in") == "Se connecter"
    assert translations("en").gettext("Sign in") == "Sign in"
    assert LOCALES == ("en", "fr")
