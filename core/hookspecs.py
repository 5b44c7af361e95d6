"""The hooks Cascade calls on plugins. Every spec documents its parameters and its return value.

Plugins implement them with ``core.plugins.hookimpl``; see README.md, "Writing a plugin".
"""

from __future__ import annotations

from collections.abc import Iterable

import pluggy

from core.products import ProductType

hookspec = pluggy.HookspecMarker("cascade")


@hookspec
def register_product_types() -> Iterable[ProductType]:
    """Declare the product types this plugin supplies.

    Called when the plugins load and by ``cascade catalog sync``.

    :returns: the plugin's ``ProductType`` instances; each key must be unique on the platform.
    """
