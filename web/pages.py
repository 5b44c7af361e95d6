"""A plugin's pages: what it hands the web apps, and what its views call, whichever app serves them.

A plugin returns ``BackofficePages`` from its ``backoffice_pages`` hook and ``StorefrontPages``
from its ``storefront_pages`` hook. Its views then call the functions below rather than either
app's modules: each app installs its own ``PageContext`` when it is built, so the same call
renders in the back office's layout or in the shop's theme, and acts as whoever is signed in
there (a seller's staff in the back office, a customer on a storefront).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import wraps
from typing import Any, Protocol, TypeVar

from flask import Blueprint, Flask, current_app, redirect
from flask_login import current_user

from core.models.accounts import Account, AccountKind
from core.models.subscriptions import Subscription
from core.permissions import Permission
from core.services.actors import Actor

F = TypeVar("F", bound=Callable[..., Any])

_CONTEXT_KEY = "cascade.pages"


class Section(StrEnum):
    """A group of the back office's navigation, named for the task its entries serve, in the order shown."""

    #: Selling: orders, subscriptions, and what products add to them (websites, domains, mail filtering, ...).
    SELL = "sell"
    #: The accounts sold to: accounts, customers moving between sellers.
    CUSTOMERS = "customers"
    #: What is on sale: products and plans, price lists.
    CATALOG = "catalog"
    #: Money: invoices, revenue, how customers pay.
    BILLING = "billing"
    #: Helping customers: support tickets, the tasks people do by hand, restores asked for.
    SUPPORT = "support"
    #: The seller's own set-up: storefront, teams, audit log, API keys, the platform's distributors.
    SETTINGS = "settings"


@dataclass(frozen=True)
class NavEntry:
    """A link in the back office's navigation."""

    #: Its words, translated from the core's catalog where the navigation is drawn (``pybabel`` extracts a
    #: ``NavEntry``'s label). A plugin that keeps its own texts passes a lazy string that translates itself
    #: (``flask_babel.LazyString``): the core's catalog does not know it, and leaves it as it says itself.
    label: str
    #: The view it opens, by endpoint (``"hosting.websites"``).
    endpoint: str
    section: Section = Section.SELL
    #: Shown only to people whose teams hold it; ``None``: to everyone in the account.
    permission: Permission | None = None
    #: The kinds of account that see it.
    kinds: frozenset[AccountKind] = frozenset(AccountKind)
    #: How many things wait behind it (shown beside the label when not zero); called per page.
    badge: Callable[[], int] | None = None


@dataclass(frozen=True)
class BackofficePages:
    """A plugin's back-office pages: its blueprint (mounted under ``/bss``) and its navigation entries."""

    blueprint: Blueprint
    nav: tuple[NavEntry, ...] = ()


def _no_links(subscription: Subscription) -> list[tuple[str, str]]:
    return []


@dataclass(frozen=True)
class StorefrontPages:
    """A plugin's storefront pages: its blueprint, and the links a subscription's page shows to them."""

    blueprint: Blueprint
    #: ``(label, url)`` links for ``subscription``'s page; none when it is not the plugin's.
    subscription_links: Callable[[Subscription], list[tuple[str, str]]] = field(default=_no_links)


class PageContext(Protocol):
    """What an app tells a plugin's views: who acts, for which account, and how pages look."""

    def render(self, template: str, **context: Any) -> str:
        """Render ``template`` in the app's layout (the back office's, or the shop's theme)."""

    def actor(self) -> Actor:
        """The signed-in person acting for the current account."""

    def account(self) -> Account:
        """The account the signed-in person acts for."""

    def sign_in_url(self) -> str:
        """Where someone not signed in is sent, coming back here afterwards."""

    def error(self, status: int, title: str, detail: str) -> tuple[str, int]:
        """An error page in the app's layout."""


def install_page_context(app: Flask, context: PageContext) -> None:
    """Make ``context`` what plugin views in ``app`` act through."""
    app.extensions[_CONTEXT_KEY] = context


def _context() -> PageContext:
    return current_app.extensions[_CONTEXT_KEY]


def render_page(template: str, **context: Any) -> str:
    """Render ``template`` (which extends ``"base.html"``) in the current app's look."""
    return _context().render(template, **context)


def current_actor() -> Actor:
    """The signed-in person, acting for the current account through all their teams in it."""
    return _context().actor()


def current_account() -> Account:
    """The account the signed-in person acts for."""
    return _context().account()


def can(permission: Permission) -> bool:
    """Whether the signed-in person's teams in the current account hold ``permission``."""
    return permission in current_actor().permissions


def error_page(status: int, title: str, detail: str) -> tuple[str, int]:
    """An error page in the current app's look, with ``status``."""
    return _context().error(status, title, detail)


def sign_in_required(view: F) -> F:
    """Let only a signed-in person with an account here in; anyone else goes to sign in first."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(_context().sign_in_url())
        current_account()  # refuses someone no longer in the account
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]

