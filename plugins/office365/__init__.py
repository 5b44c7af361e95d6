"""Microsoft 365 seats, with end customers managing their own users from their reseller's portal.

The plugin talks to Microsoft's partner and directory APIs through ``connector`` (settings in
``settings``), and ships ``simulator``, which ``cascade run`` and the tests serve in their place.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from core.models.accounts import Account
from core.plugins import hookimpl
from core.products import ProductType
from core.settings import Setting
from plugin_kit.simulators import Simulator
from plugins.office365 import demo
from plugins.office365.product import Microsoft365
from plugins.office365.settings import SETTINGS, SIMULATOR_PORT, URL
from plugins.office365.simulator import create_simulator

if TYPE_CHECKING:
    from web.pages import StorefrontPages


@hookimpl
def declared_settings() -> tuple[Setting[object], ...]:
    return SETTINGS


@hookimpl
def load_demo_data(session: Session, accounts: Mapping[str, Account]) -> None:
    demo.load_demo_prices(session, accounts)


@hookimpl
def load_demo_activity(session: Session, accounts: Mapping[str, Account]) -> None:
    demo.load_demo_orders(session, accounts)


@hookimpl
def register_product_types() -> list[ProductType]:
    return [Microsoft365()]


@hookimpl
def local_simulators() -> list[Simulator]:
    return [Simulator(name="office365", url_setting=URL.name, default_port=SIMULATOR_PORT, app=create_simulator)]


@hookimpl
def storefront_pages() -> list[StorefrontPages]:
    from plugins.office365.storefront import pages  # the storefront's modules load with its app only

    return [pages()]


@hookimpl
def migration_versions() -> Path:
    """This plugin's Alembic revisions: the ``office365`` branch, on top of the core's."""
    return Path(__file__).with_name("migrations")
