"""The back office's navigation: the core's entries and the plugins', by section, as the viewer may see them."""

from __future__ import annotations

from collections.abc import Iterable

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


#: The core's own entries; plugins' entries join their section after these.
CORE_NAV = (
    NavEntry("Home", "backoffice.home"),
    NavEntry("Accounts", "backoffice.accounts"),
    NavEntry("Orders", "backoffice.orders"),
    NavEntry("Subscriptions", "backoffice.subscriptions"),
    NavEntry("Invoices", "backoffice.invoices", permission=Permission.VIEW_BILLING),
    NavEntry("Tasks", "backoffice.tasks", kinds=_SELLERS, badge=open_task_count),
    NavEntry("Support", "backoffice.tickets", permission=Permission.SUPPORT, kinds=_SELLERS,
             badge=awaiting_ticket_count),
    NavEntry("Transfers", "backoffice.transfers", kinds=_SELLERS, badge=transfers_to_accept),
    NavEntry("Storefront", "backoffice.storefront", Section.SELLING, kinds=_SELLERS),
    NavEntry("Revenue", "backoffice.revenue", Section.SELLING, Permission.VIEW_BILLING, kinds=_SELLERS),
    NavEntry("Payment settings", "backoffice.payment_settings", Section.SELLING, Permission.PAY, kinds=_SELLERS),
    NavEntry("Catalog", "backoffice.catalog", Section.SELLING, Permission.MANAGE_PRICES,
             kinds=frozenset({AccountKind.DISTRIBUTOR})),
    NavEntry("Prices", "backoffice.price_lists", Section.SELLING, Permission.MANAGE_PRICES, kinds=_SELLERS),
    NavEntry("Teams", "backoffice.teams", Section.ORGANISATION, Permission.MANAGE_TEAM),
    NavEntry("Audit log", "backoffice.audit", Section.ORGANISATION, Permission.MANAGE_TEAM),
    NavEntry("API keys", "backoffice.api_keys", Section.ORGANISATION),
)


def init_navigation(app: Flask, plugin_entries: Iterable[NavEntry]) -> None:
    """Keep the whole navigation, sections in order, for ``navigation()`` in the layout."""
    entries = (*CORE_NAV, *plugin_entries)
    app.extensions["backoffice_nav"] = tuple(entry for section in Section for entry in entries if entry.section is section)
    app.jinja_env.globals["navigation"] = lambda: navigation(app.extensions["backoffice_nav"])


def navigation(entries: Iterable[NavEntry]) -> list[NavEntry]:
    """The entries the signed-in person sees in the account they act for."""
    if not current_user.is_authenticated or current_user.login_session.account_id is None:
        return []
    kind, granted = acting_account().kind, current_actor().permissions  # the actor's teams, loaded once a request
    return [entry for entry in entries
            if kind in entry.kinds and (entry.permission is None or entry.permission in granted)]
