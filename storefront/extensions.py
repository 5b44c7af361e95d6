"""What plugins add to the storefront: pages of their own, and links to them from a subscription.

A plugin returns ``StorefrontExtension`` objects from its ``storefront_extensions`` hook. Each
blueprint is registered on the storefront app as it is; its templates (in the blueprint's own
``template_folder``) extend ``"base.html"`` and so wear the shop's theme when rendered with
``storefront.themes.render_page``. Guard customer pages with ``storefront.auth.customer_required``
and act as ``storefront.auth.current_customer_actor()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, Flask

from core.models.subscriptions import Subscription
from core.plugins import pm


def _no_links(subscription: Subscription) -> list[tuple[str, str]]:
    return []


@dataclass(frozen=True)
class StorefrontExtension:
    blueprint: Blueprint
    #: The links a subscription's page shows for ``subscription`` as ``(label, url)``, e.g.
    #: ``[("Manage users", url_for("office365.users", subscription_id=subscription.id))]``; none when it is not the plugin's.
    subscription_links: Callable[[Subscription], list[tuple[str, str]]] = field(default=_no_links)


def init_extensions(app: Flask) -> None:
    """Register every plugin's storefront blueprints, and keep the extensions for the pages that link to them."""
    extensions = [extension for found in pm.hook.storefront_extensions() for extension in found or ()]
    for extension in extensions:
        app.register_blueprint(extension.blueprint)
    app.extensions["storefront_extensions"] = tuple(extensions)


def subscription_links(app: Flask, subscription: Subscription) -> list[tuple[str, str]]:
    """What the plugins link to from ``subscription``'s page, in the order the plugins registered."""
    return [link for extension in app.extensions["storefront_extensions"] for link in extension.subscription_links(subscription)]
