"""Subscriptions in the back office: the list, one subscription with its history, and acting on it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import login_required
from sqlalchemy import and_, case, func, select
from werkzeug.wrappers import Response

from bss.auth import acting_account, current_actor
from bss.backoffice import bp
from core.errors import ValidationError
from core.models.accounts import Account
from core.models.catalog import Plan, Product
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.plugins import product_types
from core.products import Timing
from core.services.catalog import one_unit
from core.services.orders import MAX_QUANTITY
from core.services.pricing import purchasable_plans, resolve_prices
from core.services.provisioning import open_request
from core.services.subscriptions import (
    HistoryEntry,
    act_on_subscription,
    available_actions,
    get_subscription,
    history_of,
    requests_of,
    shows_price_to,
    visible_subscriptions,
)
from web.confirmation import Question, carried_fields, is_confirmed
from web.database import db
from web.formatting import changed_value, current_locale, day
from web.forms import account_choices, enum_arg, whole_number
from web.history_words import EVENTS, FIELDS, in_words
from web.listing import page_of, read_listing
from web.redirects import safe_next

#: The columns the list sorts by, as its query string names them; not by price, which not every row shows its viewer
#: (an order would tell what it hides). The owner is the account ``visible_subscriptions`` joins.
SORTABLE = {
    "subscription": Subscription.id,
    "account": func.lower(Account.name),
    "what": func.lower(select(Product.name + " " + Plan.name).where(Product.id == Subscription.product_id,
                                                                    Plan.id == Subscription.plan_id).scalar_subquery()),
    "quantity": Subscription.quantity,
    "status": Subscription.status,
    "next": case((Subscription.ended_at.is_not(None), Subscription.ended_at),
                 (Subscription.cancel_at.is_not(None), Subscription.cancel_at),
                 (and_(Subscription.status == SubscriptionStatus.TRIAL, Subscription.trial_end.is_not(None)),
                  Subscription.trial_end), else_=Subscription.current_period_end),
}

#: What the flash says while the vendor carries an action out.
_UNDER_WAY = {
    "change": lazy_gettext("Changing it: the vendor confirms in a moment."),
    "suspend": lazy_gettext("Suspending: the vendor confirms in a moment."),
    "resume": lazy_gettext("Resuming: the vendor confirms in a moment."),
    "cancel": lazy_gettext("Cancelling: the vendor confirms in a moment."),
    "renew": lazy_gettext("Renewing: the vendor confirms in a moment."),
    "end-trial": lazy_gettext("Ending the trial: the vendor confirms in a moment."),
    "terminate": lazy_gettext("Terminating: the vendor confirms in a moment."),
    "retry": lazy_gettext("Trying again: the vendor confirms in a moment."),
}
#: Statuses a subscription never leaves: nothing of it changes any more.
_ENDED = {SubscriptionStatus.CANCELLED, SubscriptionStatus.TERMINATED}


@bp.app_template_filter()
def subscription_name(subscription: Subscription) -> str:
    """What people call the subscription: its plan, and what its product names it by (``Web hosting Starter,
    harbour-dental.example``); a one-of-a-kind subscription by its product and name alone (``Domain name
    harbour-dental.com``): never the product's name twice."""
    found = product_types().get(subscription.product.key)
    label = found[1].label(subscription.params) if found is not None else ""
    if not label:
        return subscription.plan.title(current_locale())
    if one_unit(subscription.product):
        return f"{subscription.product.name_in(current_locale())} {label}"
    return f"{subscription.plan.title(current_locale())}, {label}"


@dataclass(frozen=True)
class PlanChoice:
    """A plan the change form offers, and how it compares with the subscription's own."""

    plan: Plan
    move: Literal["current", "upgrade", "downgrade"]


def _plan_choices(subscription: Subscription) -> list[PlanChoice]:
    """The product's plans on sale to the owner, the current one first and each other one an upgrade or a downgrade.

    A plan billed as often as the current one is compared by what its units cost the payer at the subscription's
    quantity. A plan billed otherwise (yearly against monthly) is compared by rank, the product's own order, which
    also decides when a change applies: a year's price is not more than a month's in any way that helps choosing.
    Rank decides too when prices are equal or cannot be compared (no price, another currency).
    """
    others = [plan for plan in purchasable_plans(db.session, subscription.owner)
              if plan.product_id == subscription.product_id and plan.id != subscription.plan_id]
    prices = resolve_prices(db.session, subscription.payer, [subscription.plan, *others], subscription.quantity)
    own = prices[subscription.plan_id].unit_price if subscription.plan_id in prices else subscription.unit_price

    def is_upgrade(plan: Plan) -> bool:
        price = prices[plan.id].unit_price if plan.id in prices else None
        if (price is None or plan.billing_period is not subscription.plan.billing_period
                or price.currency != own.currency or price.amount == own.amount):
            return plan.rank > subscription.plan.rank
        return price.amount > own.amount

    return [PlanChoice(subscription.plan, "current"),
            *(PlanChoice(plan, "upgrade" if is_upgrade(plan) else "downgrade") for plan in others)]


@dataclass(frozen=True)
class Change:
    """One field an event changed, written for people."""

    field: str
    before: str
    after: str


def _what(entry: HistoryEntry) -> str:
    """What the event was, in words."""
    return in_words(entry.action, EVENTS)


def _changes(entry: HistoryEntry, subscription: Subscription) -> list[Change]:
    """What else the event changed (prices are already left out for those who may not see them)."""
    return [
        Change(in_words(field, FIELDS), changed_value(field, before, subscription),
               changed_value(field, after, subscription))
        for field, (before, after) in entry.changes.items()
    ]


def _subscription_page(subscription: Subscription, errors: dict[str, list[str]] | None = None,
                       form: Mapping[str, str] | None = None) -> tuple[str, int]:
    show_price = shows_price_to(subscription, acting_account())
    requests = requests_of(db.session, subscription)
    actions = available_actions(db.session, current_actor(), subscription)
    return render_template(
        "backoffice/subscription.html",
        subscription=subscription,
        show_price=show_price,
        under_way=next((asked for asked in requests if asked.is_open), None),
        history=[(entry, _what(entry), _changes(entry, subscription))
                 for entry in reversed(history_of(db.session, subscription, acting_account()))],
        requests=requests,
        actions=actions,
        plans=_plan_choices(subscription) if "change" in actions else [],
        ended=subscription.status in _ENDED,
        quantity_fixed=one_unit(subscription.product),
        errors=errors or {},
        form=form or {},
    ), 422 if errors else 200


@bp.get("/subscriptions")
@login_required
def subscriptions() -> str:
    viewer = acting_account()
    status = enum_arg(SubscriptionStatus, "status", gettext("a subscription status"))
    account_id = request.args.get("account", type=int)
    product_id = request.args.get("product", type=int)
    listing = read_listing(request.args, SORTABLE, "account", endpoint="backoffice.subscriptions")
    query = visible_subscriptions(viewer, account_id=account_id, product_id=product_id, status=status,
                                  search=listing.search or None)
    page = page_of(db.session, query, SORTABLE, listing, tiebreak=Subscription.id)
    products = {plan.product_id: plan.product for plan in purchasable_plans(db.session, viewer)}
    return render_template(
        "backoffice/subscriptions.html",
        page=replace(page, rows=[(shown, shows_price_to(shown, viewer)) for shown in page.rows]),
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
        return str(_UNDER_WAY[action])
    when = subscription.cancel_at or subscription.term_end or subscription.current_period_end
    if action == "change":
        return (gettext("The change is scheduled for the end of the term, on %(date)s.", date=day(when)) if when
                else gettext("The change is scheduled for the end of the term."))
    if action == "cancel":
        return (gettext("It will be cancelled at the end of the term, on %(date)s. Until then, you can undo the "
                        "cancellation.", date=day(when)) if when
                else gettext("It will be cancelled at the end of the term. Until then, you can undo the cancellation."))
    return gettext("The cancellation is undone: it keeps running.")


@bp.post("/subscriptions/<int:subscription_id>/<action>")
@login_required
def act_on_subscription_view(subscription_id: int, action: str) -> Response | str | tuple[str, int]:
    form = request.form
    if (action == "terminate" or (action == "cancel" and form.get("when") == "now")) and not is_confirmed():
        subscription = get_subscription(db.session, acting_account(), subscription_id)
        what = {"subscription": subscription_name(subscription), "owner": subscription.owner.name}
        back = url_for("backoffice.subscription", subscription_id=subscription_id)
        question = (Question(gettext("Terminate %(subscription)s for %(owner)s?", **what),
                             gettext("The service ends now, as its seller decides. It cannot be undone."),
                             gettext("Yes, terminate it"), back) if action == "terminate" else
                    Question(gettext("Cancel %(subscription)s for %(owner)s now?", **what),
                             gettext("The service stops today. It cannot be undone."),
                             gettext("Yes, cancel it now"), back))
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
