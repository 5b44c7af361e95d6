"""Local stand-ins for the vendors' APIs, which plugins ship for development and tests.

A plugin whose connector talks to a vendor over HTTP also ships a simulator of that API and
returns it from its ``local_simulators`` hook. ``cascade run`` starts each simulator whose URL
setting is unset or points at this machine as a process of its own (``cascade simulator NAME``
runs one alone), so the product works end to end with no vendor account; tests serve them on a
free port and point the setting there. A distributor points the setting at the real service
and the simulator is left alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit
from wsgiref.types import WSGIApplication

from core.plugins import pm

#: The host names that mean "this machine": a URL setting naming one is served by the simulator.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})


@dataclass(frozen=True)
class Simulator:
    """A plugin's simulator of a vendor API."""

    #: Unique on the platform: ``cascade simulator NAME``.
    name: str
    #: The environment variable holding the vendor's base URL, which the plugin's connector reads.
    url_setting: str
    #: Where it listens when ``url_setting`` is unset (the connector's default URL names it too).
    default_port: int
    #: Builds the WSGI app, with fresh state on every call.
    app: Callable[[], WSGIApplication]

    def local_port(self, environ: Mapping[str, str] | None = None) -> int | None:
        """The port to serve it on here, or ``None`` when the setting points at another machine."""
        url = (os.environ if environ is None else environ).get(self.url_setting, "").strip()
        if not url:
            return self.default_port
        parts = urlsplit(url)
        if parts.hostname not in LOCAL_HOSTS:
            return None
        return parts.port or (443 if parts.scheme == "https" else 80)


class KeptState:
    """A simulator whose state outlives its process: ``kept`` names the attributes saved.

    ``cascade run`` serves each simulator with a state file in the instance folder, so that a
    restart finds the tenants, accounts and domains the database speaks of. Tests never keep
    state: each gets a fresh simulator.
    """

    kept: tuple[str, ...] = ()

    def snapshot(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.kept}

    def restore(self, state: Mapping[str, object]) -> None:
        for name in self.kept:
            if name in state:
                setattr(self, name, state[name])


class DuplicateSimulatorError(Exception):
    """Two plugins declared simulators of the same name."""


def local_simulators() -> dict[str, Simulator]:
    """Every simulator the registered plugins ship, by name."""
    found: dict[str, Simulator] = {}
    for declared in pm.hook.local_simulators():
        for simulator in declared or ():
            if simulator.name in found:
                raise DuplicateSimulatorError(f"two plugins ship a simulator named {simulator.name!r}")
            found[simulator.name] = simulator
    return dict(sorted(found.items()))


def simulators_to_start(environ: Mapping[str, str] | None = None) -> dict[Simulator, int]:
    """The simulators ``cascade run`` starts, with the port of each: those the settings leave local."""
    return {
        simulator: port
        for simulator in local_simulators().values()
        if (port := simulator.local_port(environ)) is not None
    }
