"""The one plugin manager: discovery through the ``cascade.plugins`` entry points, and lookups.

What the plugins declare (their product types, names and versions) is read into one registry,
built on the first lookup and kept for the life of the process: asking every plugin and reading
every distribution's metadata costs milliseconds, and product types are looked up on most
requests. Registering or unregistering a plugin drops the registry, so the next lookup sees the
plugins as they are.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pluggy

from core import hookspecs
from core.products import ProductType

PROJECT = "cascade"
ENTRY_POINT_GROUP = "cascade.plugins"

hookimpl = pluggy.HookimplMarker(PROJECT)


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, dropping the registry whenever a plugin comes or goes."""

    def register(self, plugin: Any, name: str | None = None) -> str | None:
        try:
            return super().register(plugin, name)
        finally:
            forget_registry()

    def unregister(self, plugin: Any | None = None, name: str | None = None) -> Any | None:
        try:
            return super().unregister(plugin, name)
        finally:
            forget_registry()


pm = PluginManager(PROJECT)
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


class DuplicateProductTypeError(Exception):
    """Two plugins declared the same product type key."""


@dataclass(frozen=True)
class _Registry:
    """What the registered plugins declare, read once."""

    plugins: tuple[PluginInfo, ...]
    #: Each product type by key, with the name of the plugin that supplies it.
    product_types: Mapping[str, tuple[str, ProductType]]
    #: Why ``product_types`` cannot be trusted (two plugins declare one key), if anything.
    conflict: str | None


_registry: _Registry | None = None
#: Counts ``forget_registry`` calls, so that a registry built while a plugin came or went is not kept.
_generation = 0
_building = threading.Lock()


def forget_registry() -> None:
    """Drop the registry; the next lookup asks the plugins again.

    Registering and unregistering plugins does this. Call it yourself only for a plugin that
    changes what it declares while it stays registered (a test double).
    """
    global _registry, _generation
    _generation += 1
    _registry = None


def _current_registry() -> _Registry:
    registry = _registry
    if registry is not None:
        return registry
    with _building:
        return _registry or _build_registry()


def _build_registry() -> _Registry:
    global _registry
    generation = _generation
    versions = {id(plugin): dist.version for plugin, dist in pm.list_plugin_distinfo()}
    declared: dict[str, tuple[ProductType, ...]] = {}
    for impl in pm.hook.register_product_types.get_hookimpls():
        declared[impl.plugin_name] = tuple(impl.function() or ())
    plugins = tuple(sorted(
        (
            PluginInfo(name, versions.get(id(plugin)) or _declared_version(plugin), declared.get(name, ()))
            for name, plugin in pm.list_name_plugin()
        ),
        key=lambda info: info.name,
    ))
    found: dict[str, tuple[str, ProductType]] = {}
    conflict = None
    for info in plugins:
        for product_type in info.product_types:
            if product_type.key in found and conflict is None:
                conflict = (f"product type {product_type.key!r} is declared by both "
                            f"{found[product_type.key][0]!r} and {info.name!r}")
            found.setdefault(product_type.key, (info.name, product_type))
    built = _Registry(plugins, MappingProxyType(found), conflict)
    if generation == _generation:
        _registry = built
    return built


def plugin_infos() -> list[PluginInfo]:
    """Describe each registered plugin: its name, version and product types, sorted by name."""
    return list(_current_registry().plugins)


def _declared_version(plugin: object) -> str:
    """The version a plugin registered by hand states in ``__version__``, if any."""
    return str(getattr(plugin, "__version__", ""))


def product_types() -> Mapping[str, tuple[str, ProductType]]:
    """Return every declared product type by key, with the name of the plugin that supplies it (read-only)."""
    registry = _current_registry()
    if registry.conflict is not None:
        raise DuplicateProductTypeError(registry.conflict)
    return registry.product_types
