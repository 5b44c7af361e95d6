"""The storefronts' themes: ``themes/<name>/`` with ``theme.toml``, ``templates/`` and ``static/``.

A theme holds only the files it changes. A template or static file is looked up in the
storefront's theme, then its parent, its parent's parent, ..., and ``default`` last, which is
complete. The ``theme.toml`` files are read once, when the app starts, and checked there (a bad
one stops the start-up and is named); each theme then has one Jinja environment, an overlay of
the app's (so Flask's globals, filters and context processors work), made once and kept.
"""

from __future__ import annotations

import re
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, render_template
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, PrefixLoader
from werkzeug.security import safe_join

from core.languages import DEFAULT_LOCALE
from core.products import Text, text_in
from core.services.entitlements import THEME_CHOICE
from web.assets import shared_asset

#: The theme every other one falls back to; it has every template a storefront renders.
DEFAULT_THEME = "default"
#: Where the themes are: ``themes/`` at the repository's root, next to the packages.
THEMES_ROOT = Path(__file__).resolve().parent.parent / "themes"
#: The templates the storefront renders; ``default`` must have them all.
PAGES = ("base.html", "home.html", "closed.html", "error.html", "sign_in.html", "sign_up.html", "sign_up_sent.html",
         "sign_up_confirm.html", "account.html", "password_forgot.html", "password_reset.html", "subscriptions.html",
         "subscription.html", "organisation.html", "team.html", "invitation_accept.html", "products.html", "product.html",
         "product_cards.html", "cart.html", "checkout.html", "orders.html", "order.html")

_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_KEYS = {"name", "version", "parent", "title", "description"}


class ThemeError(Exception):
    """A theme that cannot be used: the message names it and says what is wrong."""


@dataclass(frozen=True)
class Theme:
    name: str
    version: str
    #: ``None`` only for ``default``; any other theme falls back to ``default`` at least.
    parent: str | None
    path: Path
    #: What people call it, a text or texts by locale (``{en = "Default", fr = "Par défaut"}``); else its name.
    title: Text = ""
    description: Text = ""

    def title_in(self, locale: str) -> str:
        return text_in(self.title, locale) or self.name.capitalize()

    def description_in(self, locale: str) -> str:
        return text_in(self.description, locale)

    @property
    def templates(self) -> Path:
        return self.path / "templates"

    @property
    def static(self) -> Path:
        return self.path / "static"


def theme_of(storefront: Any) -> str:
    """The theme a storefront wears: its chosen one when its seller's plan has ``theme_choice``, else ``default``."""
    if THEME_CHOICE in (getattr(storefront, "entitlements", None) or ()):
        return getattr(storefront, "theme", None) or DEFAULT_THEME
    return DEFAULT_THEME


def read_theme(path: Path) -> Theme:
    """Read and check one theme's ``theme.toml``; its directory's name is the theme's name."""
    label = path.name
    try:
        with (path / "theme.toml").open("rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        raise ThemeError(f"theme {label!r}: {path / 'theme.toml'} is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise ThemeError(f"theme {label!r}: theme.toml is not valid TOML ({error})") from None
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ThemeError(f"theme {label!r}: unknown key(s) in theme.toml: {', '.join(unknown)}")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ThemeError(f"theme {label!r}: theme.toml has no name")
    if name != label:
        raise ThemeError(f"theme {label!r}: theme.toml names it {name!r}; the name must be its directory's")
    if not _NAME.fullmatch(name):
        raise ThemeError(f"theme {name!r}: use lower-case letters, digits, - and _ for a theme's name")
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ThemeError(f"theme {name!r}: theme.toml has no version")
    parent = data.get("parent", None if name == DEFAULT_THEME else DEFAULT_THEME)
    if parent is not None and (not isinstance(parent, str) or not parent):
        raise ThemeError(f"theme {name!r}: parent must be a theme's name")
    if name == DEFAULT_THEME and parent is not None:
        raise ThemeError(f"theme {name!r}: the default theme has no parent")
    title, description = _text(name, "title", data), _text(name, "description", data)
    return Theme(name=name, version=version, parent=parent, path=path, title=title, description=description)


def _text(theme: str, key: str, data: dict[str, Any]) -> Text:
    """``key`` of a theme.toml: a text, or a table of texts by locale with an English one."""
    text = data.get(key, "")
    if isinstance(text, str):
        return text
    if not isinstance(text, dict) or not all(isinstance(value, str) for value in text.values()):
        raise ThemeError(f"theme {theme!r}: {key} must be text, or a table of texts by language")
    if DEFAULT_LOCALE not in text:
        raise ThemeError(f"theme {theme!r}: {key} needs its {DEFAULT_LOCALE!r} text")
    return text


class ThemeRegistry:
    """Every theme under one directory, checked at once, with one cached loader and environment each."""

    def __init__(self, root: Path = THEMES_ROOT) -> None:
        self.root = root
        if not root.is_dir():
            raise ThemeError(f"no themes directory at {root}")
        self.themes: dict[str, Theme] = {}
        for path in sorted(root.iterdir()):
            if path.is_dir() and not path.name.startswith((".", "_")):
                theme = read_theme(path)
                self.themes[theme.name] = theme
        self._chains = {name: self._chain(name) for name in self.themes}
        if DEFAULT_THEME not in self.themes:
            raise ThemeError(f"theme {DEFAULT_THEME!r} is missing from {root}")
        missing = [page for page in PAGES if not (self.themes[DEFAULT_THEME].templates / page).is_file()]
        if missing:
            raise ThemeError(f"theme {DEFAULT_THEME!r} must have every page; missing: {', '.join(missing)}")
        self._loaders: dict[str, BaseLoader] = {}
        self._environments: dict[tuple[int, str], Environment] = {}
        self._lock = threading.Lock()

    def _chain(self, name: str) -> tuple[Theme, ...]:
        chain: list[Theme] = []
        current: str | None = name
        while current is not None:
            if any(theme.name == current for theme in chain):
                cycle = " -> ".join([*(theme.name for theme in chain), current])
                raise ThemeError(f"theme {name!r}: its parents make a cycle ({cycle})")
            theme = self.themes.get(current)
            if theme is None:
                raise ThemeError(f"theme {chain[-1].name!r}: unknown parent theme {current!r}")
            chain.append(theme)
            current = theme.parent
        return tuple(chain)

    def resolve(self, name: str | None) -> str:
        """The theme to render with: ``name`` when it is installed, else ``default``."""
        return name if name in self.themes else DEFAULT_THEME

    def chain(self, name: str) -> tuple[Theme, ...]:
        """The theme, its parent, ..., ``default``: where its files are looked up, in that order."""
        return self._chains[self.resolve(name)]

    def loader(self, name: str) -> BaseLoader:
        """A loader over the theme's chain; ``<theme>/page.html`` reaches one theme's own file (to extend it)."""
        name = self.resolve(name)
        with self._lock:
            if name not in self._loaders:
                chain = self._chains[name]
                self._loaders[name] = ChoiceLoader([
                    *(FileSystemLoader(theme.templates) for theme in chain),
                    PrefixLoader({theme.name: FileSystemLoader(theme.templates) for theme in chain}),
                ])
            return self._loaders[name]

    def environment(self, app: Flask, name: str) -> Environment:
        """The app's Jinja environment overlaid with the theme's loader: made once per theme, then reused."""
        name = self.resolve(name)
        loader = self.loader(name)
        key = (id(app.jinja_env), name)
        with self._lock:
            environment = self._environments.get(key)
            if environment is None:
                # After the theme's own files, the app's: the templates of the plugins' storefront blueprints.
                environment = self._environments[key] = app.jinja_env.overlay(
                    loader=ChoiceLoader([loader, app.create_global_jinja_loader()]))
            return environment

    def static_file(self, name: str, filename: str) -> Path | None:
        """The theme's static file (or its nearest ancestor's, else the apps' shared one: ``web.assets``);
        ``None`` when none has it or the path leaves ``static/``."""
        for theme in self.chain(name):
            found = safe_join(str(theme.static), filename)
            if found is not None and Path(found).is_file():
                return Path(found)
        return shared_asset(filename)


def init_themes(app: Flask, root: Path | None = None) -> ThemeRegistry:
    """Read and check every theme once, at start-up; a bad theme stops it with the theme named."""
    registry = ThemeRegistry(root or Path(app.config.get("STOREFRONT_THEMES_ROOT") or THEMES_ROOT))
    app.extensions["themes"] = registry
    return registry


def themes() -> ThemeRegistry:
    registry: ThemeRegistry = current_app.extensions["themes"]
    return registry


def current_theme() -> str:
    """The theme of this request's storefront; ``default`` off any shop."""
    storefront = g.get("storefront")
    return themes().resolve(theme_of(storefront) if storefront is not None else DEFAULT_THEME)


def render_page(template: str, theme: str | None = None, **context: Any) -> str:
    """Render a storefront page with ``theme`` (by default the request's storefront's), through its chain."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    environment = themes().environment(app, theme or current_theme())
    return render_template(environment.get_template(template), **context)
