"""The hooks Cascade calls on plugins. Every spec documents its parameters and its return value.

Plugins implement them with ``core.plugins.hookimpl``; see README.md, "Writing a plugin".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pluggy

from core.products import ProductType

if TYPE_CHECKING:
    from core.jobs import ScheduledJob
    from core.simulators import Simulator
    from storefront.extensions import StorefrontExtension

hookspec = pluggy.HookspecMarker("cascade")


@hookspec
def register_product_types() -> Iterable[ProductType]:
    """Declare the product types this plugin supplies.

    Called when the plugins load and by ``cascade catalog sync``.

    :returns: the plugin's ``ProductType`` instances; each key must be unique on the platform.
    """


@hookspec
def storefront_extensions() -> Iterable[StorefrontExtension]:
    """Add pages to every storefront, and links to them from a subscription's page.

    Called once when the storefront app is built.

    :returns: ``storefront.extensions.StorefrontExtension`` instances (a blueprint each).
    """


@hookspec
def local_simulators() -> Iterable[Simulator]:
    """Declare the simulators of vendor APIs this plugin ships, for development and tests.

    Called by ``cascade run`` (which starts those whose URL setting is unset or local), by
    ``cascade simulator NAME`` and by the test suite.

    :returns: ``core.simulators.Simulator`` instances; each name must be unique on the platform.
    """


@hookspec
def scheduled_jobs() -> Iterable[ScheduledJob]:
    """Declare periodic work: the scheduler (beat) runs each job every minute.

    Called by the worker each time the scheduler's ``run_scheduled_jobs`` task runs.

    :returns: ``core.jobs.ScheduledJob`` instances; each name must be unique on the platform.
    """
