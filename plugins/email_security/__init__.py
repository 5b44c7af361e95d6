"""Email security: spam and virus filtering per customer domain, with hosted mailboxes, archiving
and restore, and encryption as add-ons; a plugin of its own, reaching Cascade through its hooks.

A customer's account at the email security service is keyed by its primary domain (one account
per domain, platform-wide) and protects at most as many users as it pays for, on its primary
domain and the extra domains it pays for. ``product`` declares the two products, ``connector``
talks to the service and ``simulator`` stands in for it; ``reservations`` checks and holds the
domains an order names; ``accounts``, ``domains`` (with ``dns_records``), ``users`` and
``archive`` are what its pages (``storefront``, ``backoffice``, ``views``) and API routes
(``api``) call.

How add-ons are priced and charged: **each set of add-ons is a plan**. The account product has
eight plans, filtering alone up to filtering with hosted mailboxes, archiving and encryption,
each priced per user per month, with the vendor's cost the sum of its services' (so a
distributor's markup lists price them all at once, and a seller may price any set its own way).
Switching an add-on on or off is a change of plan, applied at once (``change_timing``): the core
charges the difference of the period's price, prorated by the days left, at every level of the
tree, wholesale included (``core.services.charges.charge_change``), as it does for any change of
plan or quantity; a change of the number of users is a change of quantity, charged the same
way. Nothing here writes a charge. The order's ``params.services``, when given, must be the
plan's: the plan is the set of services. Why not a subscription per add-on: a new subscription
starts a period of its own and is charged a whole one, not the days left of the account's, and
its number of users would have to follow the account's by hand; a plan per set keeps one
subscription, one period and one quantity, which the core prices and prorates already. The cost:
a seller that prices by hand, not by markup, prices eight plans.

Extra domains are a second product priced per domain (``email_security_domains``): an account's
one subscription of it, whose quantity is how many extra domains the service lets the account
have (as seats bound licences); ``upkeep`` cancels it once its account has ended. Its pages' texts
(storefront and back office) and their French are the plugin's own (``texts``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from core.jobs import ScheduledJob
from core.models.accounts import Account
from core.plugins import hookimpl
from core.products import ProductType
from core.settings import Setting
from plugin_kit.simulators import Simulator
from plugins.email_security import demo, settings
from plugins.email_security.product import EmailSecurity, ExtraDomains
from plugins.email_security.simulator import create_simulator
from plugins.email_security.upkeep import end_orphaned_extra_domains

if TYPE_CHECKING:
    from flask import Blueprint

    from web.pages import BackofficePages, StorefrontPages

__version__ = "0.1.0"


@hookimpl
def register_product_types() -> list[ProductType]:
    return [EmailSecurity(), ExtraDomains()]


@hookimpl
def declared_settings() -> tuple[Setting[object], ...]:
    return settings.SETTINGS


@hookimpl
def local_simulators() -> list[Simulator]:
    return [Simulator(name="email-security", url_setting=settings.URL.name, default_port=settings.SIMULATOR_PORT,
                      app=create_simulator)]


@hookimpl
def scheduled_jobs() -> list[ScheduledJob]:
    return [ScheduledJob("email-security-extra-domains", end_orphaned_extra_domains)]


@hookimpl
def migration_versions() -> Path:
    """This plugin's Alembic revisions: the ``email_security`` branch, on top of the core's."""
    return Path(__file__).with_name("migrations")


@hookimpl
def storefront_pages() -> list[StorefrontPages]:
    from plugins.email_security.storefront import pages  # the storefront's modules load with its app only

    return [pages()]


@hookimpl
def backoffice_pages() -> list[BackofficePages]:
    from plugins.email_security.backoffice import pages  # the back office's pages load with its app only

    return [pages]


@hookimpl
def api_routes() -> list[Blueprint]:
    from plugins.email_security.api import bp

    return [bp]


@hookimpl
def audit_words() -> dict[str, str]:
    """The plugin's events in the audit log, in the reader's language (``texts``)."""
    from plugins.email_security.texts import t  # the web apps' only: it reads the request's language

    return {
        "email_security.domain_added": t("Protected the domain %(domain)s (subscription %(id)s)"),
        "email_security.domain_removed": t("Stopped protecting the domain %(domain)s (subscription %(id)s)"),
        "email_security.dns_checked": t("Checked the DNS of the domains of subscription %(id)s"),
        "email_security.message_restored": t("Restored “%(subject)s” to %(to)s"),
    }


@hookimpl
def load_demo_data(session: Session, accounts: Mapping[str, Account]) -> None:
    demo.load_demo_prices(session, accounts)


@hookimpl
def load_demo_activity(session: Session, accounts: Mapping[str, Account]) -> None:
    demo.load_demo_orders(session, accounts)
