"""The back office in its reader's language: the one the person chose in their settings, else the one
their browser asks for, else English. Messages come from ``core.languages``' catalogs, as the storefronts' do.
"""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from core.languages import DEFAULT_LOCALE, LOCALES
from web.i18n import install_babel


def select_locale() -> str:
    if current_user.is_authenticated and current_user.user.locale in LOCALES:
        return current_user.user.locale
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def init_i18n(app: Flask) -> None:
    install_babel(app, select_locale)
