"""A customer's subscriptions on the storefront: the list, one subscription with its history, and
what the customer may do to it (change, cancel, keep, renew).

Only the signed-in customer account's own subscriptions are found here; any other id answers
404, even one of an account it sells to. The seller's actions (suspend, resume, terminate, retry)
are never offered or accepted: the shop is the customer's side of the counter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from werkzeug.wrappers import Response

from core.errors import ConflictError, PermissionDeniedError, ValidationError
from core.models.catalog import Plan
from core.models.provisioning import RequestStatus
from core.models.subscriptions import Subscription
from core.products import Timing
from core.services.orders import MAX_QUANTITY
from core.services.pricing import ResolvedPrice, purchasable_plans, resolve_prices
from core.services.provisioning import open_request, open_requests
from core.services.subscription_changes import change_timing
from core.services.subscriptions import (
    HistoryEntry,
    act_on_subscription,
    available_actions,
    fallback_plan,
    get_subscription,
    history_of,
    list_subscriptions,
    shows_price_to,
)
from storefront.auth import current_customer_actor, customer_account
from storefront.hosts import current_storefront
from storefront.plugin_pages import subscription_links
from storefront.themes import render_page
from web.confirmation import Question, carried_fields, is_confirmed
from web.database import db
from web.formatting import changed_value, current_locale, day, moment, worded
from web.history_words import EVENTS, FIELDS, in_words
from web.pages import sign_in_required

bp = Blueprint("shop_subscriptions", __name__)

PAGE_SIZE = 50

#: What a customer may do to its own subscriptions here, in the order the page offers them.
CUSTOMER_ACTIONS = ("change", "renew", "end-trial", "undo-cancellation", "cancel")

#: What the flash says while the service carries an action out.
_UNDER_WAY = {
    "change": lazy_gettext("Your change is under way. This page shows it as soon as it is done."),
    "renew": lazy_gettext("Your renewal is under way. This page shows the new period as soon as it is done."),
    "end-trial": lazy_gettext("Your paid period is starting. This page shows it as soon as it is done."),
    "cancel": lazy_gettext("Your subscription is being cancelled. This page shows it as soon as it is done."),
}

#: Each event of a subscription's history as the customer reads it, where it reads otherwise than the seller's staff.
_EVENTS = {
    **EVENTS,
    "created": lazy_gettext("Ordered"),
    "activated": lazy_gettext("Ready to use"),
    "terminated": lazy_gettext("Ended"),
    "retried": lazy_gettext("Set-up started again"),
    "activate_failed": lazy_gettext("Set-up failed"),
    "moved": lazy_gettext("Moved to another provider"),
}

#: The fields an event's ``changes`` name, as the customer reads them.
_FIELDS = {**FIELDS, "current_period_end": lazy_gettext("Period ends"), "seller": lazy_gettext("Provider")}


@dataclass(frozen=True)
class PlanOption:
    """Another plan of the subscription's product the customer may move to."""

    plan: Plan
    #: At the subscription's quantity; ``None`` when the customer may not see prices.
    price: ResolvedPrice | None
    #: Whether moving to it happens now or waits for the end of the term.
    at_end_of_term: bool


@dataclass(frozen=True)
class HistoryLine:
    """One event of the history, written for the customer."""

    at: datetime
    when: str
    what: str
    who: str
    changes: list[tuple[str, str, str]]
    reason: str


@bp.get("/subscriptions")
@sign_in_required
def subscriptions() -> str:
    account = customer_account()
    page = list_subscriptions(db.session, account, account_id=account.id, after_id=request.args.get("after", type=int),
                              limit=PAGE_SIZE + 1)
    shown = page[:PAGE_SIZE]
    return render_page(
        "subscriptions.html",
        subscriptions=[(subscription, shows_price_to(subscription, account)) for subscription in shown],
        updating=open_requests(db.session, shown),
        next_after=shown[-1].id if len(page) > PAGE_SIZE else None,
        locale=current_locale(),
    )


@bp.get("/subscriptions/<int:subscription_id>")
@sign_in_required
def subscription(subscription_id: int) -> tuple[str, int]:
    return _page(_own_subscription(subscription_id))


@bp.post("/subscriptions/<int:subscription_id>/<action>")
@sign_in_required
def act(subscription_id: int, action: str) -> Response | tuple[str, int]:
    """Carry out a customer's action; cancelling now asks first (``web.confirmation``)."""
    if action not in CUSTOMER_ACTIONS:
        abort(404)
    subscription = _own_subscription(subscription_id)
    form = request.form
    if action == "cancel" and form.get("when") == "now" and not is_confirmed():
        name = subscription.product.name_in(current_locale())
        return render_page("confirm.html", question=Question(
            _("Cancel %(product)s now?", product=name), _("The service stops today. It cannot be undone."),
            _("Yes, cancel it now"), url_for("shop_subscriptions.subscription", subscription_id=subscription_id)),
            fields=carried_fields()), 200
    try:
        changed = act_on_subscription(db.session, actor=current_customer_actor(), subscription_id=subscription.id,
                                      action=action, **_arguments(action, form))
    except ValidationError as error:
        db.session.rollback()
        return _page(_own_subscription(subscription_id), errors=error.fields, form=form)
    except (PermissionDeniedError, ConflictError) as error:
        db.session.rollback()
        problem = (_("Your teams here may not do that. Ask a person who manages your organisation.")
                   if isinstance(error, PermissionDeniedError) else error.detail)
        return _page(_own_subscription(subscription_id), problem=problem,
                     status=403 if isinstance(error, PermissionDeniedError) else 409)
    message = _outcome(action, changed)
    db.session.commit()
    flash(message, "info")
    return redirect(url_for("shop_subscriptions.subscription", subscription_id=subscription_id))


def _own_subscription(subscription_id: int) -> Subscription:
    """The customer account's own subscription; 404 for any other, an account it sells to's included."""
    account = customer_account()
    found = get_subscription(db.session, account, subscription_id)  # another tenant's: a 404
    if found.owner_id != account.id:
        abort(404)
    return found


def _page(subscription: Subscription, *, errors: Mapping[str, list[str]] | None = None,
          form: Mapping[str, str] | None = None, problem: str | None = None, status: int | None = None) -> tuple[str, int]:
    account = customer_account()
    actor = current_customer_actor()
    show_price = shows_price_to(subscription, account)
    actions = available_actions(db.session, actor, subscription) & frozenset(CUSTOMER_ACTIONS)
    fallback = fallback_plan(db.session, subscription) if "cancel" in actions else None
    return render_page(
        "subscription.html",
        sub=subscription,
        product_name=subscription.product.name_in(current_locale()),
        show_price=show_price,
        under_way=open_request(db.session, subscription) is not None,
        actions=actions,
        plan_options=_plan_options(subscription, show_price) if "change" in actions else [],
        fallback=fallback,
        links=subscription_links(current_app, subscription),
        history=_history(history_of(db.session, subscription, account), subscription),
        max_quantity=MAX_QUANTITY,
        errors=errors or {},
        form=form or {},
        problem=problem,
    ), status or (422 if errors else 200)


def _plan_options(subscription: Subscription, show_price: bool) -> list[PlanOption]:
    """The product's other plans for sale to the payer, each at the subscription's quantity."""
    others = [plan for plan in purchasable_plans(db.session, subscription.owner)
              if plan.product_id == subscription.product_id and plan.id != subscription.plan_id]
    prices = resolve_prices(db.session, subscription.payer, others, subscription.quantity)
    return [
        PlanOption(plan, prices[plan.id] if show_price else None,
                   change_timing(subscription, plan, subscription.quantity) is Timing.END_OF_TERM)
        for plan in sorted(others, key=lambda plan: plan.rank) if plan.id in prices
    ]


def _whole_number(form: Mapping[str, str], name: str, errors: dict[str, list[str]]) -> int | None:
    value = form.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_QUANTITY:
        errors[name] = [_("Enter a whole number from 1 to %(most)s.", most=MAX_QUANTITY) if name == "quantity"
                        else _("Choose one of the plans offered.")]
        return None
    return int(value)


def _arguments(action: str, form: Mapping[str, str]) -> dict[str, Any]:
    """What ``action`` takes from its form; a change names a plan, a quantity, or both (to keep them)."""
    if action == "change":
        errors: dict[str, list[str]] = {}
        arguments = {"plan_id": _whole_number(form, "plan_id", errors), "quantity": _whole_number(form, "quantity", errors)}
        if not errors and arguments == {"plan_id": None, "quantity": None}:
            errors["plan_id" if "plan_id" in form else "quantity"] = [_("Choose what to change.")]
        if errors:
            raise ValidationError(errors)
        return arguments
    if action == "cancel":
        return {"when": form.get("when", Timing.END_OF_TERM), "note": form.get("note", "")}
    return {}


def _outcome(action: str, subscription: Subscription) -> str:
    """Say what the action set going: work under way, something scheduled, or a change made at once."""
    if (under_way := open_request(db.session, subscription)) is not None:
        if under_way.status is RequestStatus.MANUAL and action == "renew":
            return _("You asked %(shop)s to renew it: it renews as soon as they approve, and this page shows it.",
                     shop=current_storefront().shop_name)
        return str(_UNDER_WAY[action])
    end_of_term = day(subscription.term_end or subscription.current_period_end)
    if subscription.cancel_at is not None:
        return _("Your subscription is cancelled for %(date)s, the end of its term. Until then it runs as usual, "
                 "and you can still keep it.", date=day(subscription.cancel_at))
    if subscription.has_scheduled_change and action == "cancel":
        return _("Your cancellation is scheduled for %(date)s, the end of the term: you then go back to %(plan)s.",
                 date=end_of_term, plan=(subscription.scheduled_plan or subscription.plan).name)
    if subscription.has_scheduled_change:
        return _("Your change is scheduled for %(date)s, the end of the term.", date=end_of_term)
    if action == "change":
        return _("The scheduled change is dropped: your subscription stays as it is.")
    return _("Your subscription is no longer cancelled: it keeps running.")


def _history(entries: list[HistoryEntry], subscription: Subscription) -> list[HistoryLine]:
    """The history newest first, in words: who did what, what it changed and why."""
    shop_name = current_storefront().shop_name
    lines = []
    for entry in reversed(entries):
        who = entry.actor.name if entry.actor else shop_name if entry.by_someone_above else _("Automatic")
        what = (_("A change could not be made") if entry.action.endswith("_failed") and entry.action not in _EVENTS
                else in_words(entry.action, _EVENTS))
        lines.append(HistoryLine(
            at=entry.created_at,
            when=moment(entry.created_at),
            what=str(what),
            who=who,
            changes=[(in_words(field, _FIELDS), changed_value(field, before, subscription),
                      changed_value(field, after, subscription))
                     for field, (before, after) in entry.changes.items()],
            reason=worded(entry.reason, entry.wording),
        ))
    return lines
