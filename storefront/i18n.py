"""The storefront in its visitor's language: English or French, with prices and dates to match.

The language comes from the switcher (kept in the session, and, for a signed-in person, as their
setting: their emails follow it), else from the person's setting, else from the browser's
``Accept-Language``. Messages come from ``core.languages``' catalogs, which the emails use too.
"""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from core.languages import DEFAULT_LOCALE, LANGUAGE_NAMES, LOCALES, supported
from core.services.people import update_profile
from web.database import db
from web.filters import install_filters
from web.i18n import install_babel
from web.redirects import safe_next

SESSION_KEY = "locale"

bp = Blueprint("shop_language", __name__)


def select_locale() -> str:
    chosen = session.get(SESSION_KEY)
    if chosen in LOCALES:
        return chosen
    if current_user.is_authenticated and current_user.user.locale in LOCALES:
        return current_user.user.locale
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


@bp.get("/language/<code>")
def choose_language(code: str) -> Response:
    """Keep the visitor's choice of language, then go back to the page they were on."""
    session[SESSION_KEY] = supported(code)
    if current_user.is_authenticated:
        person = current_user.user
        update_profile(db.session, person, name=person.name, locale=session[SESSION_KEY])
        db.session.commit()
    return redirect(safe_next(request.args.get("next"), url_for("shop.home")))


def init_i18n(app: Flask) -> None:
    install_babel(app, select_locale)
    install_filters(app)
    app.jinja_env.globals["languages"] = LANGUAGE_NAMES
    app.register_blueprint(bp)
