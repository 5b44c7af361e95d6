"""``/subscriptions``: the subscriptions of the caller's part of the tree, their history, and actions.

Each action of ``core.services.subscriptions.ACTIONS`` is a route of its own, with its own
permission and body. It answers the subscription as it is now: a change that needs the vendor
shows under ``provisioning`` until the vendor has made it, and reaches the subscription then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from flask import Response
from marshmallow import Schema

from bss.api import bp
from bss.api.order_schemas import (
    SubscriptionCancellationSchema,
    SubscriptionChangeSchema,
    SubscriptionHistorySchema,
    SubscriptionNoteSchema,
    SubscriptionPageSchema,
    SubscriptionQuerySchema,
    SubscriptionSchema,
)
from core.models.provisioning import ProvisioningRequest
from core.models.subscriptions import Subscription
from core.services.provisioning import open_request, open_requests
from core.services.subscriptions import (
    ACTIONS,
    act_on_subscription,
    get_subscription,
    history_of,
    list_subscriptions,
    shows_price_to,
)
from web.api.auth import current_actor, current_caller
from web.api.idempotency import commit_and_respond
from web.api.operations import operation, request_args, request_body, respond
from web.api.paging import Page, page_of
from web.database import db

#: What each action does, and the body it takes (``None``: no body).
_ACTION_ROUTES: dict[str, tuple[str, type[Schema] | None]] = {
    "change": ("Change the plan, the quantity or both: now, or at the end of the term if the product says so.",
               SubscriptionChangeSchema),
    "suspend": ("Stop the service for a while, as its seller.", SubscriptionNoteSchema),
    "resume": ("Start a suspended service again, as its seller.", SubscriptionNoteSchema),
    "cancel": ("Cancel at the end of the term (it can still be kept until then), or now.",
               SubscriptionCancellationSchema),
    "undo-cancellation": ("Keep a subscription that was to be cancelled at the end of its term.", None),
    "renew": ("Renew by hand for another period: one that does not renew by itself, or one suspended as expired.",
              None),
    "end-trial": ("End the trial now and start the first paid period.", None),
    "terminate": ("End the service now, as its seller.", SubscriptionNoteSchema),
    "retry": ("Try a failed provisioning again, as the seller.", None),
}


@dataclass(frozen=True)
class SeenSubscription:
    """A subscription as one viewer sees it: with the provisioning under way, and whether its price shows."""

    subscription: Subscription
    provisioning: ProvisioningRequest | None
    shows_price: bool

    @property
    def scheduled_change(self) -> dict[str, int] | None:
        subscription = self.subscription
        if not subscription.has_scheduled_change:
            return None
        return {"plan_id": subscription.scheduled_plan_id or subscription.plan_id,
                "quantity": subscription.scheduled_quantity or subscription.quantity}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.subscription, name)


@bp.get("/subscriptions")
@operation(summary="List the subscriptions of your account and the accounts below it, by id.",
           response=SubscriptionPageSchema, query=SubscriptionQuerySchema)
def subscriptions() -> Response:
    args = request_args()
    rows = list_subscriptions(
        db.session,
        current_caller().account,
        account_id=args.get("account_id"),
        product_id=args.get("product_id"),
        status=args.get("status"),
        after_id=args.get("cursor"),
        limit=args["limit"] + 1,
    )
    page = page_of(rows, args["limit"])
    busy = open_requests(db.session, page.items)
    return respond(replace(page, items=[_seen(row, busy.get(row.id)) for row in page.items]))


@bp.get("/subscriptions/<int:subscription_id>")
@operation(summary="Read a subscription of your account or of one below it.", response=SubscriptionSchema)
def subscription(subscription_id: int) -> Response:
    found = get_subscription(db.session, current_caller().account, subscription_id)
    return respond(_seen(found, open_request(db.session, found)))


@bp.get("/subscriptions/<int:subscription_id>/history")
@operation(summary="List every change of a subscription, oldest first (all of them: one page).",
           response=SubscriptionHistorySchema)
def subscription_history(subscription_id: int) -> Response:
    viewer = current_caller().account
    return respond(Page(history_of(db.session, get_subscription(db.session, viewer, subscription_id), viewer)))


def _action_view(action: str, body: type[Schema] | None) -> Callable[[int], Response]:
    def act(subscription_id: int) -> Response:
        arguments = request_body() if body is not None else {}
        subscription = act_on_subscription(db.session, actor=current_actor(), subscription_id=subscription_id,
                                           action=action, **arguments)
        return commit_and_respond(_seen(subscription, open_request(db.session, subscription)))

    return act


def _add_action_routes() -> None:
    """Route each action to a view of its own, declaring the action's permission and body."""
    for action, permission in ACTIONS.items():
        summary, body = _ACTION_ROUTES[action]
        declared = operation(summary=summary, response=SubscriptionSchema, body=body, permission=permission,
                             conflicts=True, idempotent=True)
        bp.add_url_rule(f"/subscriptions/<int:subscription_id>/{action}",
                        endpoint=f"subscription_{action.replace('-', '_')}",
                        view_func=declared(_action_view(action, body)), methods=["POST"])


_add_action_routes()


def _seen(subscription: Subscription, provisioning: ProvisioningRequest | None) -> SeenSubscription:
    return SeenSubscription(subscription, provisioning, shows_price_to(subscription, current_caller().account))

