"""The storefronts' app factory: the white-label shops, on the back office's database, nothing else of it."""

from __future__ import annotations

from flask import Flask

from storefront import (
    account,
    api_keys,
    cart,
    catalog,
    checkout,
    invitations,
    invoices,
    orders,
    organisation,
    password,
    subscriptions,
    support,
    transfers,
    views,
)
from storefront.auth import init_customer_auth
from storefront.catalog import init_kept_catalogs
from storefront.errors import register_error_handlers
from storefront.hosts import init_hosts
from storefront.i18n import init_i18n
from storefront.page_cache import init_page_cache
from storefront.plugin_pages import init_plugin_pages
from storefront.preview import init_preview
from storefront.themes import init_themes
from web.config import Settings
from web.csrf import init_csrf
from web.database import DatabaseState, db
from web.input_checks import init_input_checks
from web.logging import init_request_ids
from web.security_headers import init_security_headers

#: Neutral: nothing a visitor's browser keeps names the platform.
SESSION_COOKIE_NAME = "shop_session"


def create_storefront_app(settings: Settings, database: DatabaseState) -> Flask:
    """Build the storefronts' app from the back office's settings and database state (engine, sessions)."""
    # No templates or static files of its own: every page and file comes from the themes.
    app = Flask(__name__, instance_path=str(settings.instance_path), static_folder=None, template_folder=None)
    app.config.update(settings.to_flask(), SESSION_COOKIE_NAME=SESSION_COOKIE_NAME)
    db.init_app(app, database)
    init_request_ids(app)
    init_input_checks(app)  # before any route: they use its id converter
    init_security_headers(app)
    init_themes(app)  # every theme.toml read and checked once, here
    init_hosts(app)
    init_preview(app)
    init_page_cache(app, database.session_factory)
    init_kept_catalogs(app)
    init_csrf(app)
    init_i18n(app)
    init_customer_auth(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(catalog.bp)
    app.register_blueprint(cart.bp)
    app.register_blueprint(checkout.bp)
    app.register_blueprint(orders.bp)
    app.register_blueprint(invoices.bp)
    app.register_blueprint(password.bp)
    app.register_blueprint(subscriptions.bp)
    app.register_blueprint(organisation.bp)
    app.register_blueprint(api_keys.bp)
    app.register_blueprint(invitations.bp)
    app.register_blueprint(support.bp)
    app.register_blueprint(transfers.bp)
    init_plugin_pages(app)
    register_error_handlers(app)
    return app

