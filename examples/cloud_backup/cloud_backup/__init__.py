"""Cloud backup, an example plugin: a product, a table of its own, pages in both web apps, an API
route, a setting and demo data, all through Cascade's hooks (see docs/plugins.md in Cascade).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Blueprint
from sqlalchemy.orm import Session

from cloud_backup import demo, settings
from cloud_backup.product import CloudBackup
from core.models.accounts import Account
from core.plugins import hookimpl
from core.products import ProductType
from core.settings import Setting
from web.pages import BackofficePages, StorefrontPages

__version__ = "0.1.0"


@hookimpl
def register_product_types() -> list[ProductType]:
    return [CloudBackup()]


@hookimpl
def declared_settings() -> list[Setting[object]]:
    return [settings.RETENTION_DAYS]


@hookimpl
def migration_versions() -> Path:
    return Path(__file__).with_name("migrations")


@hookimpl
def backoffice_pages() -> list[BackofficePages]:
    from cloud_backup.backoffice import pages

    return [pages]


@hookimpl
def storefront_pages() -> list[StorefrontPages]:
    from cloud_backup.storefront import pages

    return [pages]


@hookimpl
def api_routes() -> list[Blueprint]:
    from cloud_backup.api import bp

    return [bp]


@hookimpl
def audit_words() -> dict[str, str]:
    """The restores in the audit log, in the reader's language."""
    from flask_babel import gettext as _  # asked by the back office only, within a request

    return {
        "cloud_backup.restore_requested": _("Asked to restore the vault of subscription %(id)s to %(restore_point)s"),
        "cloud_backup.restore_done": _("Restored the vault of subscription %(id)s to %(restore_point)s"),
    }


@hookimpl
def load_demo_data(session: Session, accounts: Mapping[str, Account]) -> None:
    demo.load_demo_prices(session, accounts)


@hookimpl
def load_demo_activity(session: Session, accounts: Mapping[str, Account]) -> None:
    demo.load_demo_orders(session, accounts)
