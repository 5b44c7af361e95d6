"""The back office in its reader's language: English, or French where the browser asks for it.

Messages come from ``core.i18n``'s catalogs, as the storefronts' do. The pages written with
``_()`` (the navigation and the support pages so far) change language; the others are still
English only.
"""

from __future__ import annotations

from flask import Flask, request

from core.i18n import DEFAULT_LOCALE, LOCALES
from web.i18n import install_babel


def select_locale() -> str:
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def init_i18n(app: Flask) -> None:
    install_babel(app, select_locale)
