"""The hooks Cascade calls on plugins. Every spec documents its parameters and its return value.

Plugins implement them with ``core.plugins.hookimpl``; the plugin guide, ``docs/plugins.md``,
shows each in use. A plugin contributes through these hooks only: nothing in the core or the web
apps names a plugin. The objects the web hooks return are defined in ``web.pages``; the core
names them here and never imports them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy
from sqlalchemy.orm import Session

from core.products import ProductType

if TYPE_CHECKING:
    from core.jobs import ScheduledJob
    from core.models.accounts import Account
    from core.payments import PaymentProvider
    from core.settings import Setting

hookspec = pluggy.HookspecMarker("cascade")


@hookspec
def register_product_types() -> Iterable[ProductType]:
    """Declare the product types this plugin supplies.

    Called once per process, when the registry is first read (``core.plugins.product_types``).

    :returns: the plugin's ``ProductType`` instances; each key must be unique on the platform.
    """


@hookspec
def declared_settings() -> Iterable[Setting]:
    """Declare the settings this plugin reads from the environment, with type, default and help.

    Called when an app or the worker starts: every declared setting is read and checked then,
    so a bad value stops the start with one line naming the variable.

    :returns: ``core.settings.Setting`` instances; each name must be unique on the platform.
    """


@hookspec
def migration_versions() -> Path | None:
    """Name the folder of this plugin's Alembic revisions, a branch labelled with the plugin's name.

    Called by ``cascade db upgrade`` (and whatever migrates the schema), which applies the core's
    revisions and every installed plugin's, each branch in its own order.

    :returns: the folder holding the revision files, or ``None`` for a plugin with no tables.
    """


@hookspec
def backoffice_pages() -> Iterable[Any]:
    """Add pages to the back office, and entries for them in its navigation.

    Called once when the back-office app is built.

    :returns: ``web.pages.BackofficePages`` instances (a blueprint, and its navigation entries
        each with its section and the permission that shows it).
    """


@hookspec
def storefront_pages() -> Iterable[Any]:
    """Add pages to every storefront, and links to them from a subscription's page.

    Called once when the storefront app is built.

    :returns: ``web.pages.StorefrontPages`` instances (a blueprint, and the subscription links).
    """


@hookspec
def api_routes() -> Iterable[Any]:
    """Add routes to the JSON API under ``/api/v1``, authenticated and documented like the core's.

    Called once when the app is built. Each view declares its operation with
    ``web.api.operations.operation`` (its schemas, its permission), which both drives the view
    and describes it in ``/api/v1/openapi.json``; ``web.api.auth.current_actor()`` is the caller.

    :returns: Flask blueprints; their URL prefixes are taken below ``/api/v1``.
    """


@hookspec
def audit_words() -> Mapping[str, Any]:
    """Word the actions this plugin records in the audit log as sentences, in the reader's language.

    Called each time the back office shows its audit log, within the request, so a plugin may
    translate as it answers. A sentence's placeholders are filled from its event: ``%(id)s`` is
    the id of what it acted on, ``%(account)s`` the name of the account it concerns, and any other
    one the value its ``changes`` recorded under that name (the new one of a ``[before, after]``).
    The core's own actions keep the core's words; an action nobody words reads as its code.

    :returns: a mapping of each action code the plugin records (``website.created``) to its
        sentence (``"Created the website %(domain)s"``).
    """


@hookspec
def cli_commands() -> Iterable[Any]:
    """Add commands to ``cascade``: by convention ``cascade <plugin noun> <verb>``.

    Called once when the app is built.

    :returns: ``click`` commands or groups.
    """


@hookspec
def local_simulators() -> Iterable[Any]:
    """Declare the simulators of vendor APIs this plugin ships, for development and tests.

    Called by ``cascade run`` (which starts those whose URL setting is unset or local), by
    ``cascade simulator NAME`` and by the test suite.

    :returns: ``plugin_kit.simulators.Simulator`` instances; each name must be unique on the platform.
    """


@hookspec
def register_payment_providers() -> Iterable[PaymentProvider]:
    """Declare the payment providers this plugin supplies: services that charge a customer at once.

    Called whenever a page or a service asks which provider takes a payment method
    (``core.payments.provider_for``): a seller that waits for card payments has its customers
    pay by card on the spot through the provider that takes cards.

    :returns: ``core.payments.PaymentProvider`` objects; each key must be unique on the platform.
    """


@hookspec
def scheduled_jobs() -> Iterable[ScheduledJob]:
    """Declare periodic work: the scheduler (beat) runs each job every minute.

    Called by the worker each time the scheduler's ``run_scheduled_jobs`` task runs.

    :returns: ``core.jobs.ScheduledJob`` instances; each name must be unique on the platform.
    """


@hookspec
def load_demo_data(session: Session, accounts: Mapping[str, Account]) -> None:
    """Add this plugin's part of the demo tree: prices of its products, rows of its own; no orders.

    Called by ``core.services.demo.load_demo`` (``cascade demo load``, and the tests' ``demo``
    fixture) once the core's demo accounts, people and price lists exist, in the same
    transaction; the plugin flushes and never commits.

    :param session: the database session to write through.
    :param accounts: the demo's accounts by slug (``northwind``, ``bright``, ``harbour``, ...).
    :returns: nothing.
    """


@hookspec
def load_demo_activity(session: Session, accounts: Mapping[str, Account]) -> None:
    """Add this plugin's part of the demo's life: orders and subscriptions to try the back office with.

    Called by ``cascade demo load`` after ``load_demo_data``, once the core has put the demo
    resellers on their starter plans and set Bright IT's payment confirmation; the core then
    brands Bright IT's storefront. Plugins' vendors are their simulators in the demo.

    :param session: the database session to write through.
    :param accounts: the demo's accounts by slug.
    :returns: nothing.
    """
