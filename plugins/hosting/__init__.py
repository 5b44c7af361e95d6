"""Web hosting from trial to live, and domain names registered with the reseller in the loop.

- ``web_hosting``: the Web hosting product, provisioned on a hosting panel (``panel``).
- ``domain_registration``: the Domain name product, one plan per extension (``registrar``).
- ``websites`` and ``trials``: customers' sites, their free trials and going live.
- ``domains``: where a domain stands after registration, auto-renewal, nameservers.
- ``storefront``: the free trial and the sites' pages on a reseller's storefront.

Both vendors have a local simulator (``panel_simulator``, ``registrar_simulator``) that
``cascade run`` starts and the tests serve; the settings are in ``settings``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from core.jobs import ScheduledJob
from core.models.accounts import Account
from core.plugins import hookimpl
from core.products import ProductType
from core.settings import Setting
from plugin_kit.simulators import Simulator
from plugins.hosting import demo, settings
from plugins.hosting.domain_registration import DomainName
from plugins.hosting.domains import release_lapsed_domains
from plugins.hosting.panel_simulator import PanelSimulator
from plugins.hosting.registrar_simulator import RegistrarSimulator
from plugins.hosting.trials import run_website_upkeep
from plugins.hosting.web_hosting import WebHosting

if TYPE_CHECKING:
    from web.pages import BackofficePages, StorefrontPages


@hookimpl
def declared_settings() -> tuple[Setting[object], ...]:
    return settings.SETTINGS


@hookimpl
def load_demo_data(session: Session, accounts: Mapping[str, Account]) -> None:
    demo.load_demo_prices(session, accounts)


@hookimpl
def load_demo_activity(session: Session, accounts: Mapping[str, Account]) -> None:
    demo.load_demo_orders(session, accounts)


@hookimpl
def register_product_types() -> list[ProductType]:
    return [WebHosting(), DomainName()]


@hookimpl
def local_simulators() -> list[Simulator]:
    return [
        Simulator(name="hosting-panel", url_setting=settings.PANEL_URL.name, default_port=settings.PANEL_PORT,
                  app=PanelSimulator),
        Simulator(name="registrar", url_setting=settings.REGISTRAR_URL.name, default_port=settings.REGISTRAR_PORT,
                  app=RegistrarSimulator),
    ]


@hookimpl
def scheduled_jobs() -> list[ScheduledJob]:
    return [ScheduledJob("hosting-websites", run_website_upkeep), ScheduledJob("domain-releases", release_lapsed_domains)]


@hookimpl
def storefront_pages() -> Iterable[StorefrontPages]:
    from plugins.hosting.storefront import pages  # the storefront is imported only by the app that has one

    return [pages]


@hookimpl
def backoffice_pages() -> list[BackofficePages]:
    from plugins.hosting.backoffice import pages  # the back office's pages load with its app only

    return [pages]


@hookimpl
def audit_words() -> dict[str, str]:
    """The websites' and the domains' events in the audit log, in the reader's language."""
    from flask_babel import gettext as _  # asked by the back office only, within a request

    return {
        "website.created": _("Created the website %(domain)s"),
        "website.live": _("Put website %(id)s live"),
        "website.trial": _("Website %(id)s is back on its free trial"),
        "website.suspended": _("Suspended website %(id)s"),
        "website.terminated": _("Ended website %(id)s"),
        "domain.auto_renew": _("Changed whether the domain of subscription %(id)s renews by itself"),
        "domain.nameservers": _("Pointed the domain of subscription %(id)s at other nameservers"),
    }


@hookimpl
def migration_versions() -> Path:
    """This plugin's Alembic revisions: the ``hosting`` branch, on top of the core's."""
    return Path(__file__).with_name("migrations")
