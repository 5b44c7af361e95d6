"""The one plugin manager: discovery through the ``cascade.plugins`` entry points, and lookups."""

from __future__ import annotations

from dataclasses import dataclass

import pluggy

from core import hookspecs
from core.products import ProductType

PROJECT = "cascade"
ENTRY_POINT_GROUP = "cascade.plugins"

hookimpl = pluggy.HookimplMarker(PROJECT)

pm = pluggy.PluginManager(PROJECT)
pm.add_hookspecs(hookspecs)


def load_plugins() -> pluggy.PluginManager:
    """Register every installed plugin; plugins already registered are left as they are."""
    pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    pm.check_pending()
    return pm


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str
    product_types: tuple[ProductType, ...]


def plugin_infos() -> list[PluginInfo]:
    """Describe each registered plugin: its name, version and product types, sorted by name."""
    versions = {id(plugin): dist.version for plugin, dist in pm.list_plugin_distinfo()}
    declared: dict[str, tuple[ProductType, ...]] = {}
    for impl in pm.hook.register_product_types.get_hookimpls():
        declared[impl.plugin_name] = tuple(impl.function() or ())
    return sorted(
        (
            PluginInfo(name, versions.get(id(plugin)) or _declared_version(plugin), declared.get(name, ()))
            for name, plugin in pm.list_name_plugin()
        ),
        key=lambda info: info.name,
    )


def _declared_version(plugin: object) -> str:
    """The version a plugin registered by hand states in ``__version__``, if any."""
    return str(getattr(plugin, "__version__", ""))


class DuplicateProductTypeError(Exception):
    """Two plugins declared the same product type key."""


def product_types() -> dict[str, tuple[str, ProductType]]:
    """Return every declared product type by key, with the name of the plugin that supplies it."""
    found: dict[str, tuple[str, ProductType]] = {}
    for info in plugin_infos():
        for product_type in info.product_types:
            if product_type.key in found:
                other = found[product_type.key][0]
                raise DuplicateProductTypeError(
                    f"product type {product_type.key!r} is declared by both {other!r} and {info.name!r}"
                )
            found[product_type.key] = (info.name, product_type)
    return found
