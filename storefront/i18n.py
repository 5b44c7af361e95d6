"""The storefront in its visitor's language: English or French, with prices and dates to match.

The language comes from the switcher (kept in the session), else from the browser's
``Accept-Language``. Messages come from ``core.i18n``'s catalogs, which the emails use too.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, redirect, request, session, url_for
from flask_babel import Babel, Domain
from werkzeug.wrappers import Response

from core.i18n import DEFAULT_LOCALE, LANGUAGE_NAMES, LOCALES, supported, translations
from web.formatting import current_locale, install_formatting
from web.redirects import safe_next

SESSION_KEY = "locale"

bp = Blueprint("shop_language", __name__)


class CatalogDomain(Domain):
    """Flask-Babel's domain, reading ``core.i18n``'s in-memory catalogs instead of ``.mo`` files."""

    def get_translations(self) -> Any:
        return translations(current_locale())


def select_locale() -> str:
    chosen = session.get(SESSION_KEY)
    if chosen in LOCALES:
        return chosen
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


@bp.get("/language/<code>")
def choose_language(code: str) -> Response:
    """Keep the visitor's choice of language, then go back to the page they were on."""
    session[SESSION_KEY] = supported(code)
    return redirect(safe_next(request.args.get("next"), url_for("shop.home")))


def init_i18n(app: Flask) -> None:
    babel = Babel(app, locale_selector=select_locale)
    # ``domain_instance`` is a cached property of Babel's: filling its slot replaces the .mo-reading Domain.
    babel.__dict__["domain_instance"] = CatalogDomain()
    install_formatting(app)
    app.jinja_env.globals.update(languages=LANGUAGE_NAMES, current_locale=current_locale)
    app.register_blueprint(bp)
