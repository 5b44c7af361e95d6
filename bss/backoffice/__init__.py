"""The back office under ``/bss``: where distributors and resellers run their business."""

from flask import Blueprint

bp = Blueprint("backoffice", __name__, url_prefix="/bss")

from bss.backoffice import (  # noqa: E402,F401  (routes register on import)
    accounts,
    api_keys,
    audit,
    catalog,
    invitations,
    invoices,
    orders,
    password,
    payment_settings,
    platform,
    prices,
    product_users,
    profile,
    revenue,
    session,
    storefront,
    subscriptions,
    tasks,
    teams,
    tickets,
    transfers,
)
