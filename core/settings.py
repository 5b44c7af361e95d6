"""Settings declared by plugins: each an environment variable with a type, a default and a help line.

A plugin returns ``Setting`` objects from its ``declared_settings`` hook and reads them with
``Setting.read()`` where it needs them (so a test or a worker started with other values sees its
own). Every app checks every declared setting when it starts (``check_settings``): a bad value
stops the start with one line naming the variable, before any request or task can meet it.
``cascade settings list`` prints them all with their help.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from core.plugins import pm

T = TypeVar("T")


class ConfigError(Exception):
    """A setting is missing or invalid; the message is one line naming it."""


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One environment variable a plugin reads."""

    #: The variable, ``CASCADE_<PLUGIN>_<WHAT>``.
    name: str
    #: Turns the variable's text into the value; raises ``ValueError`` saying what to write instead.
    parse: Callable[[str], T]
    #: The value when the variable is unset or empty.
    default: T
    #: One line for ``cascade settings list`` and the README.
    help: str

    def read(self, environ: Mapping[str, str] | None = None) -> T:
        """The setting's value in ``environ`` (the process environment by default)."""
        raw = (os.environ if environ is None else environ).get(self.name, "").strip()
        if not raw:
            return self.default
        try:
            return self.parse(raw)
        except ValueError as error:
            raise ConfigError(f"{self.name}: {raw!r}: {error}") from None


def http_url(value: str) -> str:
    """An ``http(s)://host[:port][/path]`` address, without its trailing slash."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError("use http(s)://host[:port][/path]")
    return value.rstrip("/")


def whole_number(minimum: int, maximum: int, unit: str = "") -> Callable[[str], int]:
    """A whole number from ``minimum`` to ``maximum``."""

    def parse(value: str) -> int:
        if not (value.isascii() and value.isdigit()) or not minimum <= int(value) <= maximum:
            raise ValueError(f"write a whole number{f' of {unit}' if unit else ''} from {minimum} to {maximum}")
        return int(value)

    return parse


def seconds(maximum: float) -> Callable[[str], float]:
    """A number of seconds above 0, at most ``maximum``."""

    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            number = 0.0
        if not 0 < number <= maximum:
            raise ValueError(f"write a number of seconds above 0 and at most {maximum:g}")
        return number

    return parse


def text(value: str) -> str:
    """Any text."""
    return value


class DuplicateSettingError(Exception):
    """Two plugins declared the same setting."""


def declared_settings() -> dict[str, Setting[object]]:
    """Every setting the registered plugins declare, by variable name."""
    found: dict[str, Setting[object]] = {}
    for declared in pm.hook.declared_settings():
        for setting in declared or ():
            if setting.name in found:
                raise DuplicateSettingError(f"two plugins declare the setting {setting.name}")
            found[setting.name] = setting
    return dict(sorted(found.items()))


def check_settings(environ: Mapping[str, str] | None = None) -> None:
    """Read every declared setting; raise ``ConfigError`` naming the first that cannot work."""
    for setting in declared_settings().values():
        setting.read(environ)
