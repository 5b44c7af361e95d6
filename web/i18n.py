"""Flask-Babel over ``core.languages``' in-memory catalogs: how both web apps, and the emails, are translated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, has_request_context
from flask_babel import Babel, Domain

from core.languages import DEFAULT_LOCALE, answer_in, translations
from web.formatting import current_locale


class CatalogDomain(Domain):
    """Flask-Babel's domain, reading ``core.languages``' in-memory catalogs instead of ``.mo`` files."""

    def get_translations(self) -> Any:
        return translations(current_locale())


def _request_language() -> str:
    """The language of the request being answered; the default outside one (a worker, the command line)."""
    return current_locale() if has_request_context() else DEFAULT_LOCALE


def install_babel(app: Flask, locale_selector: Callable[[], str]) -> None:
    """Translate ``app`` into the language ``locale_selector`` chooses for each request, the core services'
    refusals included (``core.languages.say``)."""
    babel = Babel(app, default_locale=DEFAULT_LOCALE, locale_selector=locale_selector)
    # ``domain_instance`` is a cached property of Babel's: filling its slot replaces the .mo-reading Domain.
    babel.__dict__["domain_instance"] = CatalogDomain()
    answer_in(_request_language)
    app.jinja_env.globals["current_locale"] = current_locale
