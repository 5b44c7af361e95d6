"""Plugins' pages in the back office: their blueprints under ``/bss``, their navigation entries,
and the context their views act in (``web.pages``): the back office's layout, its signed-in staff.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request, url_for

from bss.auth import acting_account, current_actor
from bss.backoffice import bp
from bss.backoffice.navigation import init_navigation
from core.models.accounts import Account
from core.plugins import pm
from core.services.actors import Actor
from web.pages import BackofficePages, install_page_context


class StaffPages:
    """``web.pages`` in the back office: its layout, the person signed in and the account they act for."""

    def render(self, template: str, **context: Any) -> str:
        return render_template(template, **context)

    def actor(self) -> Actor:
        return current_actor()

    def account(self) -> Account:
        return acting_account()

    def sign_in_url(self) -> str:
        return url_for("backoffice.login", next=request.full_path.rstrip("?"))

    def error(self, status: int, title: str, detail: str) -> tuple[str, int]:
        return render_template("error.html", status=status, title=title, detail=detail), status


def init_plugin_pages(app: Flask) -> None:
    """Mount every plugin's back-office blueprint under the back office's prefix, and its navigation entries."""
    contributed: list[BackofficePages] = [pages for found in pm.hook.backoffice_pages() for pages in found or ()]
    for pages in contributed:
        app.register_blueprint(pages.blueprint, url_prefix=f"{bp.url_prefix}{pages.blueprint.url_prefix or ''}")
    init_navigation(app, (entry for pages in contributed for entry in pages.nav))
    install_page_context(app, StaffPages())
