"""The storefront in its visitor's language: English or French, with prices and dates to match.

The language comes from the switcher (kept in the session), else from the browser's
``Accept-Language``. Messages come from ``core.i18n``'s catalogs, which the emails use too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, redirect, request, session, url_for
from flask_babel import Babel, Domain, format_currency, format_date, get_locale
from werkzeug.wrappers import Response

from core.i18n import DEFAULT_LOCALE, LANGUAGE_NAMES, LOCALES, supported, translations
from core.money import Money
from web.redirects import safe_next

SESSION_KEY = "locale"

bp = Blueprint("shop_language", __name__)


class CatalogDomain(Domain):
    """Flask-Babel's domain, reading ``core.i18n``'s in-memory catalogs instead of ``.mo`` files."""

    def get_translations(self) -> Any:
        return translations(str(get_locale() or DEFAULT_LOCALE))


def select_locale() -> str:
    chosen = session.get(SESSION_KEY)
    if chosen in LOCALES:
        return chosen
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def money(value: Money | None) -> str:
    """``Money`` as the visitor's locale writes it: ``€12.50`` in English, ``12,50 €`` in French."""
    if value is None:
        return ""
    return format_currency(value.amount, value.currency)


def day(value: datetime | None) -> str:
    """A date in the visitor's locale: ``1 Dec 2026`` / ``1 déc. 2026``."""
    return format_date(value, "medium") if value is not None else ""


def current_locale() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


@bp.get("/language/<code>")
def choose_language(code: str) -> Response:
    """Keep the visitor's choice of language, then go back to the page they were on."""
    session[SESSION_KEY] = supported(code)
    return redirect(safe_next(request.args.get("next"), url_for("shop.home")))


def init_i18n(app: Flask) -> None:
    babel = Babel(app, locale_selector=select_locale)
    # ``domain_instance`` is a cached property of Babel's: filling its slot replaces the .mo-reading Domain.
    babel.__dict__["domain_instance"] = CatalogDomain()
    app.jinja_env.filters.update(money=money, day=day)
    app.jinja_env.globals.update(languages=LANGUAGE_NAMES, current_locale=current_locale)
    app.register_blueprint(bp)
