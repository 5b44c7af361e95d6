"""Plugins' pages on the storefronts: their blueprints, the links to them, and the context they act in.

Each ``web.pages.StorefrontPages`` a plugin returns from its ``storefront_pages`` hook has its
blueprint registered here as it is; its templates extend ``"base.html"`` and so wear the shop's
theme, and its views act through ``web.pages`` as the signed-in customer.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for

from core.models.accounts import Account
from core.models.subscriptions import Subscription
from core.plugins import pm
from core.services.actors import Actor
from storefront.auth import current_customer_actor, customer_account
from storefront.errors import error_page
from storefront.themes import render_page
from web.pages import StorefrontPages, install_page_context


class CustomerPages:
    """``web.pages`` on a storefront: the shop's theme, its signed-in customer."""

    def render(self, template: str, **context: Any) -> str:
        return render_page(template, **context)

    def actor(self) -> Actor:
        return current_customer_actor()

    def account(self) -> Account:
        return customer_account()

    def sign_in_url(self) -> str:
        return url_for("shop_account.sign_in", next=request.full_path.rstrip("?"))

    def error(self, status: int, title: str, detail: str) -> tuple[str, int]:
        return error_page(status, title, detail)


def init_plugin_pages(app: Flask) -> None:
    """Register every plugin's storefront blueprints, and keep them for the pages that link to them."""
    contributed: list[StorefrontPages] = [pages for found in pm.hook.storefront_pages() for pages in found or ()]
    for pages in contributed:
        app.register_blueprint(pages.blueprint)
    app.extensions["storefront_pages"] = tuple(contributed)
    install_page_context(app, CustomerPages())


def subscription_links(app: Flask, subscription: Subscription) -> list[tuple[str, str]]:
    """What the plugins link to from ``subscription``'s page, in the order the plugins registered."""
    return [link for pages in app.extensions["storefront_pages"] for link in pages.subscription_links(subscription)]
