"""The app factory: configuration, extensions, plugins, blueprints, CLI, storefronts. No I/O beyond settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from bss.auth import init_auth
from bss.backoffice.plugin_pages import init_plugin_pages
from bss.brand import init_brand
from bss.cli import register_commands
from bss.dispatch import init_dispatch
from bss.errors import register_error_handlers
from bss.i18n import init_i18n
from bss.worker import celery_init_app, celery_settings
from core.links import links
from core.plugins import load_plugins
from core.reply_addresses import reply_addresses
from core.settings import check_settings
from web import assets
from web.config import load_settings
from web.csrf import init_csrf
from web.database import db
from web.filters import install_filters
from web.input_checks import init_input_checks
from web.logging import configure_logging, init_request_ids
from web.security_headers import init_security_headers


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Cascade app from ``CASCADE_*`` variables; ``config`` overrides settings by name.

    ``config`` takes the lower-case names of ``web.config.Settings`` (``database_url``,
    ``env``, ...): tests and tools pass them instead of changing the environment.
    """
    settings = load_settings(**dict(config or {}))
    load_plugins()
    check_settings()  # the plugins' too: a bad one stops the start, naming it, before anything is bound
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(settings.to_flask(), CELERY=celery_settings(settings))
    configure_logging(settings.log_level, settings.log_format)
    links.configure(settings.base_url, settings.storefront_domain)
    reply_addresses.configure(settings.secret_key, settings.mail_domain)

    db.init_app(app)
    celery_init_app(app)
    init_dispatch(app)
    init_request_ids(app)
    init_input_checks(app)
    init_security_headers(app, frame_src=links.storefront("*").rstrip("/"))  # its shops' previews
    init_csrf(app)
    init_auth(app)
    init_brand(app)
    init_i18n(app)
    install_filters(app)

    from bss import api, backoffice, health, home, tmf
    from storefront.app import create_storefront_app
    from storefront.hosts import HostDispatcher, backoffice_hosts

    app.register_blueprint(health.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(backoffice.bp)
    app.register_blueprint(assets.bp, url_prefix="/bss")
    init_plugin_pages(app)
    app.register_blueprint(api.bp)
    api.init_plugin_api(app)
    tmf.init_tmf(app)
    register_error_handlers(app)
    register_commands(app)

    storefronts = create_storefront_app(settings, db.state(app))
    app.extensions["themes"] = storefronts.extensions["themes"]  # the back office offers them to choose from
    app.wsgi_app = HostDispatcher(  # type: ignore[method-assign]
        app.wsgi_app, storefronts, settings.storefront_domain, backoffice_hosts=backoffice_hosts(settings.base_url),
        session_factory=db.state(app).session_factory)
    if settings.trusted_proxies:
        # Outermost: both apps see the client's address, scheme and host, as the proxies saw them.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app
