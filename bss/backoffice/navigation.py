"""The back office's navigation: the core's entries and the plugins', grouped by task, as the viewer may see them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import Flask
from flask_login import current_user

from bss.auth import acting_account, current_actor, open_task_count
from core.models.accounts import AccountKind
from core.permissions import Permission
from core.services.tickets import count_awaiting
from core.services.transfers import count_awaiting_acceptance
from web.database import db
from web.pages import NavEntry, Section

_SELLERS = frozenset({AccountKind.DISTRIBUTOR, AccountKind.RESELLER})


def awaiting_ticket_count() -> int:
    """How many tickets wait for the acting account's answer (for the navigation)."""
    return count_awaiting(db.session, current_actor())


def transfers_to_accept() -> int:
    """How many transfers wait for the acting account to accept a customer (for the navigation)."""
    return count_awaiting_acceptance(db.session, current_actor())


#: The first entry, above the groups.
HOME = NavEntry("Home", "backoffice.home")

#: The core's own entries, by group; plugins' entries join their group after these.
CORE_NAV = (
    NavEntry("Orders", "backoffice.orders", Section.SELL),
    NavEntry("Subscriptions", "backoffice.subscriptions", Section.SELL),
    NavEntry("Accounts", "backoffice.accounts", Section.CUSTOMERS),
    NavEntry("Transfers", "backoffice.transfers", Section.CUSTOMERS, kinds=_SELLERS, badge=transfers_to_accept),
    NavEntry("Catalog", "backoffice.catalog", Section.CATALOG, Permission.MANAGE_PRICES,
             kinds=frozenset({AccountKind.DISTRIBUTOR})),
    NavEntry("Prices", "backoffice.price_lists", Section.CATALOG, Permission.MANAGE_PRICES, kinds=_SELLERS),
    NavEntry("Invoices", "backoffice.invoices", Section.BILLING, Permission.VIEW_BILLING),
    NavEntry("Revenue", "backoffice.revenue", Section.BILLING, Permission.VIEW_BILLING, kinds=_SELLERS),
    NavEntry("Payment settings", "backoffice.payment_settings", Section.BILLING, Permission.PAY, kinds=_SELLERS),
    NavEntry("Support", "backoffice.tickets", Section.SUPPORT, Permission.SUPPORT, kinds=_SELLERS,
             badge=awaiting_ticket_count),
    NavEntry("Tasks", "backoffice.tasks", Section.SUPPORT, kinds=_SELLERS, badge=open_task_count),
    NavEntry("Storefront", "backoffice.storefront", Section.SETTINGS, kinds=_SELLERS),
    NavEntry("Teams", "backoffice.teams", Section.SETTINGS, Permission.MANAGE_TEAM),
    NavEntry("Audit log", "backoffice.audit", Section.SETTINGS, Permission.MANAGE_TEAM),
    NavEntry("API keys", "backoffice.api_keys", Section.SETTINGS),
)

#: What a platform operator sees, whichever account (if any) they act for.
OPERATOR_NAV = (NavEntry("Distributors", "backoffice.distributors", Section.SETTINGS),)


@dataclass(frozen=True)
class NavGroup:
    """A heading of the navigation and its entries; ``section`` is ``None`` for the entries above every group."""

    section: Section | None
    entries: tuple[NavEntry, ...]


def init_navigation(app: Flask, plugin_entries: Iterable[NavEntry]) -> None:
    """Keep the whole navigation, groups in order, for ``navigation()`` in the layout."""
    entries = (*CORE_NAV, *plugin_entries)
    app.extensions["backoffice_nav"] = tuple(entry for section in Section for entry in entries if entry.section is section)
    app.jinja_env.globals["navigation"] = lambda: navigation(app.extensions["backoffice_nav"])


def navigation(entries: Iterable[NavEntry]) -> list[NavGroup]:
    """The groups of entries the signed-in person sees, in the account they act for; no group is empty."""
    if not current_user.is_authenticated:
        return []
    shown: list[NavEntry] = []
    groups: list[NavGroup] = []
    if current_user.login_session.account_id is not None:
        kind, granted = acting_account().kind, current_actor().permissions  # the actor's teams, loaded once a request
        shown = [entry for entry in entries
                 if kind in entry.kinds and (entry.permission is None or entry.permission in granted)]
        groups.append(NavGroup(None, (HOME,)))
    if current_user.user.platform_operator:
        shown.extend(OPERATOR_NAV)
    groups.extend(NavGroup(section, grouped) for section in Section
                  if (grouped := tuple(entry for entry in shown if entry.section is section)))
    return groups
