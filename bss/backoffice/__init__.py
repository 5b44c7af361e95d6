"""The back office under ``/bss``: where distributors and resellers run their business."""

from datetime import datetime

from flask import Blueprint

from core.models.catalog import Plan

bp = Blueprint("backoffice", __name__, url_prefix="/bss")


@bp.app_template_filter("day")
def day(moment: datetime) -> str:
    """Write a date as people read it: ``2 Mar 2026``."""
    return f"{moment.day} {moment:%b %Y}"


@bp.app_template_filter("moment")
def moment(value: datetime) -> str:
    """Write a time as people read it, in UTC like every time Cascade keeps: ``2 Mar 2026, 09:30 UTC``."""
    return f"{day(value)}, {value:%H:%M} UTC"


@bp.app_template_filter("words")
def words(value: str) -> str:
    """Write a status or an action code as words: ``pending_cancellation`` is ``pending cancellation``."""
    return str(value).replace("_", " ").replace("-", " ")


@bp.app_template_filter("plan_name")
def plan_name(plan: Plan) -> str:
    """A plan with its product, as people call it: ``Web hosting Starter``, ``Microsoft 365 Business Basic``."""
    product = plan.product.name
    return plan.name if plan.name.startswith(product) else f"{product} {plan.name}"


from bss.backoffice import (  # noqa: E402,F401  (routes register on import)
    accounts,
    api_keys,
    audit,
    catalog,
    invitations,
    orders,
    password,
    payment_settings,
    platform,
    prices,
    product_users,
    session,
    storefront,
    subscriptions,
    tasks,
    teams,
)
