"""Subscriptions in the back office: the list, one subscription with its history, and acting on it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from bss.auth import acting_account, current_actor
from bss.backoffice import bp
from core.errors import ValidationError
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.products import Timing
from core.services.orders import MAX_QUANTITY
from core.services.pricing import purchasable_plans
from core.services.provisioning import open_request
from core.services.subscriptions import (
    HistoryEntry,
    act_on_subscription,
    available_actions,
    get_subscription,
    history_of,
    list_subscriptions,
    requests_of,
    shows_price_to,
)
from web.confirmation import Question, carried_fields, is_confirmed
from web.database import db
from web.formatting import changed_value, day, plan_name, words
from web.forms import account_choices, enum_arg, whole_number
from web.redirects import safe_next

PAGE_SIZE = 50


#: What the flash says while the vendor carries an action out.
_UNDER_WAY = {
    "change": "Changing it",
    "suspend": "Suspending",
    "resume": "Resuming",
    "cancel": "Cancelling",
    "renew": "Renewing",
    "end-trial": "Ending the trial",
    "terminate": "Terminating",
    "retry": "Trying again",
}


@dataclass(frozen=True)
class Change:
    """One field an event changed, written for people."""

    field: str
    before: str
    after: str


def _changes(entry: HistoryEntry, currency: str) -> list[Change]:
    """What else the event changed (prices are already left out for those who may not see them)."""
    return [
        Change(words(field).capitalize(), changed_value(field, before, currency), changed_value(field, after, currency))
        for field, (before, after) in entry.changes.items()
    ]


def _subscription_page(subscription: Subscription, errors: dict[str, list[str]] | None = None,
                       form: Mapping[str, str] | None = None) -> tuple[str, int]:
    show_price = shows_price_to(subscription, acting_account())
    requests = requests_of(db.session, subscription)
    return render_template(
        "backoffice/subscription.html",
        subscription=subscription,
        show_price=show_price,
        under_way=next((asked for asked in requests if asked.is_open), None),
        history=[(entry, _changes(entry, subscription.currency))
                 for entry in reversed(history_of(db.session, subscription, acting_account()))],
        requests=requests,
        actions=available_actions(db.session, current_actor(), subscription),
        plans=[plan for plan in purchasable_plans(db.session, subscription.owner)
               if plan.product_id == subscription.product_id],
        errors=errors or {},
        form=form or {},
    ), 422 if errors else 200


@bp.get("/subscriptions")
@login_required
def subscriptions() -> str:
    viewer = acting_account()
    status = enum_arg(SubscriptionStatus, "status", "a subscription status")
    account_id = request.args.get("account", type=int)
    product_id = request.args.get("product", type=int)
    page = list_subscriptions(db.session, viewer, account_id=account_id, product_id=product_id, status=status,
                              after_id=request.args.get("after", type=int), limit=PAGE_SIZE + 1)
    products = {plan.product_id: plan.product for plan in purchasable_plans(db.session, viewer)}
    return render_template(
        "backoffice/subscriptions.html",
        subscriptions=[(shown, shows_price_to(shown, viewer)) for shown in page[:PAGE_SIZE]],
        next_after=page[PAGE_SIZE - 1].id if len(page) > PAGE_SIZE else None,
        status=status,
        statuses=list(SubscriptionStatus),
        account_id=account_id,
        accounts=account_choices(),
        product_id=product_id,
        products=sorted(products.values(), key=lambda product: product.name),
    )


@bp.get("/subscriptions/<int:subscription_id>")
@login_required
def subscription(subscription_id: int) -> tuple[str, int]:
    return _subscription_page(get_subscription(db.session, acting_account(), subscription_id))


def _arguments(action: str, form: Mapping[str, str]) -> dict[str, Any]:
    """What ``action`` takes from its form."""
    if action == "change":
        errors: dict[str, list[str]] = {}
        arguments = {"plan_id": whole_number(form.get("plan_id"), "plan_id", errors),
                     "quantity": whole_number(form.get("quantity"), "quantity", errors, at_most=MAX_QUANTITY)}
        if errors:
            raise ValidationError(errors)
        return arguments
    if action == "cancel":
        return {"when": form.get("when", Timing.END_OF_TERM), "note": form.get("note", "")}
    if action in ("suspend", "resume", "terminate"):
        return {"note": form.get("note", "")}
    return {}


def _what_happens_next(action: str, subscription: Subscription) -> str:
    """Say what the action set going: a request to the vendor, or a change made at once."""
    if open_request(db.session, subscription) is not None:
        return f"{_UNDER_WAY[action]}: the vendor confirms in a moment."
    when = subscription.cancel_at or subscription.term_end or subscription.current_period_end
    on = f", on {day(when)}" if when else ""
    if action == "change":
        return f"The change is scheduled for the end of the term{on}."
    if action == "cancel":
        return f"It will be cancelled at the end of the term{on}. Until then, you can undo the cancellation."
    return "The cancellation is undone: it keeps running."


@bp.post("/subscriptions/<int:subscription_id>/<action>")
@login_required
def act_on_subscription_view(subscription_id: int, action: str) -> Response | str | tuple[str, int]:
    form = request.form
    if (action == "terminate" or (action == "cancel" and form.get("when") == "now")) and not is_confirmed():
        subscription = get_subscription(db.session, acting_account(), subscription_id)
        what = f"{plan_name(subscription.plan)} for {subscription.owner.name}"
        back = url_for("backoffice.subscription", subscription_id=subscription_id)
        question = (Question(f"Terminate {what}?", "The service ends now, as its seller decides. It cannot be undone.",
                             "Yes, terminate it", back) if action == "terminate" else
                    Question(f"Cancel {what} now?", "The service stops today. It cannot be undone.",
                             "Yes, cancel it now", back))
        return render_template("backoffice/confirm.html", question=question, fields=carried_fields())
    try:
        changed = act_on_subscription(db.session, actor=current_actor(), subscription_id=subscription_id,
                                      action=action, **_arguments(action, form))
    except ValidationError as error:
        db.session.rollback()
        return _subscription_page(get_subscription(db.session, acting_account(), subscription_id), error.fields, form)
    message = _what_happens_next(action, changed)
    db.session.commit()
    flash(message, "info")
    fallback = url_for("backoffice.subscription", subscription_id=subscription_id)
    return redirect(safe_next(form.get("next"), fallback))
