"""The storefront in its visitor's language: English or French, with prices and dates to match.

The language comes from the switcher (kept in the session), else from the browser's
``Accept-Language``. Messages come from ``core.i18n``'s catalogs, which the emails use too.
"""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, request, session, url_for
from werkzeug.wrappers import Response

from core.i18n import DEFAULT_LOCALE, LANGUAGE_NAMES, LOCALES, supported
from web.formatting import install_formatting
from web.i18n import install_babel
from web.redirects import safe_next

SESSION_KEY = "locale"

bp = Blueprint("shop_language", __name__)


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
    install_babel(app, select_locale)
    install_formatting(app)
    app.jinja_env.globals["languages"] = LANGUAGE_NAMES
    app.register_blueprint(bp)
