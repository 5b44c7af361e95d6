"""Reading subscriptions and acting on them: change, suspend, resume, cancel, renew, ...

Every action is permission-checked for the actor and scoped to its subtree: a subscription
whose owner is outside it is not found. An action that needs the vendor becomes a provisioning
request and reaches the subscription once done; the rest (a cancellation at the end of the
term, and undoing it; a change scheduled for the end of the term) apply at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, cast, false, or_, select
from sqlalchemy.orm import Session, joinedload

from core.clock import utcnow
from core.code_words import action_said, status_said
from core.errors import CascadeError, ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from core.i18n import unit_word
from core.languages import _, answering, say
from core.models.accounts import Account
from core.models.catalog import Plan, Product
from core.models.people import Membership, Team, User
from core.models.provisioning import ProvisioningRequest, RequestStatus
from core.models.subscriptions import Subscription, SubscriptionEvent, SubscriptionStatus, SuspendReason
from core.permissions import Permission
from core.product_lifecycle import LifecycleAction, ManualStep
from core.products import Cancellation, Timing
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.catalog import declared_type
from core.services.eligibility import purchase_blockers
from core.services.lifecycle import record_change
from core.services.order_status import refresh_order_status
from core.services.orders import MAX_QUANTITY
from core.services.pricing import resolve_prices
from core.services.provisioning import request_after_approval, request_provisioning
from core.services.subscription_changes import change_plan, term_started_at
from core.wording import Wording, in_each_language

S = SubscriptionStatus
#: The step a renewal its owner asked for waits on when another account (its reseller) pays for it.
APPROVE_RENEWAL = "approve-renewal"

def visible_subscriptions(
    viewer: Account,
    *,
    account_id: int | None = None,
    product_id: int | None = None,
    status: SubscriptionStatus | None = None,
    seller_id: int | None = None,
    search: str | None = None,
) -> Select[tuple[Subscription]]:
    """The query of the subscriptions ``viewer`` may see: its own and those of the accounts below it, narrowed to
    one owner, product, status or seller, and to those ``search`` names (see ``_named``)."""
    query = (
        select(Subscription)
        .join(Account, Account.id == Subscription.owner_id)
        .where(Account.path.startswith(viewer.path, autoescape=True))
        .options(joinedload(Subscription.plan), joinedload(Subscription.product), joinedload(Subscription.owner),
                 joinedload(Subscription.payer))
    )
    for column, value in ((Subscription.owner_id, account_id), (Subscription.product_id, product_id),
                          (Subscription.status, status), (Subscription.seller_id, seller_id)):
        if value is not None:
            query = query.where(column == value)
    if search and (words := search.strip()):
        query = query.where(_named(words))
    return query


def _named(words: str) -> ColumnElement[bool]:
    """Subscriptions ``words`` name: their number (``12``, ``#12``), or part of their owner's name or domain, their
    product's or plan's name, or what their parameters say (the domain or tenant a label shows)."""
    number = words.lstrip("#")
    return or_(
        Subscription.id == int(number) if number.isdigit() and len(number) < 10 else false(),
        Account.name.icontains(words, autoescape=True),
        Account.primary_domain.icontains(words, autoescape=True),
        Subscription.product_id.in_(select(Product.id).where(Product.name.icontains(words, autoescape=True))),
        Subscription.plan_id.in_(select(Plan.id).where(Plan.name.icontains(words, autoescape=True))),
        cast(Subscription.params, Text).icontains(words, autoescape=True),
    )


def get_subscription(session: Session, viewer: Account, subscription_id: int, *, for_update: bool = False) -> Subscription:
    """Return a subscription whose owner is the viewer or below it; any other is not found."""
    query = visible_subscriptions(viewer).where(Subscription.id == subscription_id)
    if for_update:
        query = query.with_for_update(of=Subscription)
    subscription = session.scalar(query)
    if subscription is None:
        raise NotFoundError(say("No subscription %(id)s.", id=subscription_id))
    return subscription


def list_subscriptions(session: Session, viewer: Account, *, after_id: int | None = None, limit: int = 50,
                       **filters: Any) -> list[Subscription]:
    """Subscriptions the viewer may see (``visible_subscriptions``, narrowed by its ``filters``), by id, paged by
    keyset."""
    query = visible_subscriptions(viewer, **filters)
    if after_id is not None:
        query = query.where(Subscription.id > after_id)
    return list(session.scalars(query.order_by(Subscription.id).limit(limit)))


#: The keys of an event's ``changes`` that are prices: only the payer and the sellers above it read them.
PRICE_CHANGES = frozenset({"unit_price"})


@dataclass(frozen=True)
class HistoryEntry:
    """One event of a subscription's history, as one viewer may read it."""

    event: SubscriptionEvent
    #: Who did it, if they belong to the viewer's part of the tree (``None``: the platform, or a seller above).
    actor: User | None
    #: What changed, prices left out for those who may not see them.
    changes: dict[str, Any]

    @property
    def by_someone_above(self) -> bool:
        """A person of a seller above the viewer did it: the viewer reads "your seller"."""
        return self.event.actor_id is not None and self.actor is None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.event, name)


def history_of(session: Session, subscription: Subscription, viewer: Account) -> list[HistoryEntry]:
    """The subscription's history, oldest first, as ``viewer`` may read it: prices only for the
    payer and its sellers, and by name only the people of the viewer's part of the tree."""
    events = list(session.scalars(
        select(SubscriptionEvent).where(SubscriptionEvent.subscription_id == subscription.id)
        .options(joinedload(SubscriptionEvent.actor)).order_by(SubscriptionEvent.id)
    ))
    actor_ids = {event.actor_id for event in events if event.actor_id is not None}
    known = set(session.scalars(
        select(Membership.user_id).join(Team).join(Account, Account.id == Team.account_id)
        .where(Membership.user_id.in_(actor_ids), Account.path.startswith(viewer.path, autoescape=True))
    )) if actor_ids else set()
    shows_price = shows_price_to(subscription, viewer)
    return [
        HistoryEntry(event, event.actor if event.actor_id in known else None,
                     {key: value for key, value in event.changes.items() if shows_price or key not in PRICE_CHANGES})
        for event in events
    ]


def requests_of(session: Session, subscription: Subscription) -> list[ProvisioningRequest]:
    """The subscription's provisioning requests, newest first."""
    return list(session.scalars(
        select(ProvisioningRequest).where(ProvisioningRequest.subscription_id == subscription.id)
        .order_by(ProvisioningRequest.id.desc())
    ))


def shows_price_to(subscription: Subscription, viewer: Account) -> bool:
    """Only the payer and the sellers above it see what the subscription costs."""
    return subscription.payer.path.startswith(viewer.path)


@dataclass(frozen=True)
class _Now:
    """What the action checks look at, read once: the request in progress and the latest one."""

    busy: ProvisioningRequest | None
    latest: ProvisioningRequest | None


def _now(session: Session, subscription: Subscription) -> _Now:
    latest = session.scalar(select(ProvisioningRequest).where(ProvisioningRequest.subscription_id == subscription.id)
                            .order_by(ProvisioningRequest.id.desc()))
    return _Now(latest if latest is not None and latest.is_open else None, latest)


def act_on_subscription(
    session: Session, *, actor: Actor, subscription_id: int, action: str, **arguments: Any
) -> Subscription:
    """Do ``action`` (one of ``ACTIONS``) to a subscription, with the action's ``arguments``, and record in the
    actor's audit log what they asked for: a refused action records nothing."""
    if action not in _ACTIONS:
        raise NotFoundError(say("Subscriptions have no action '%(action)s'.", action=action))
    declared = _ACTIONS[action]
    actor.require(declared.permission)
    subscription = get_subscription(session, actor.account, subscription_id, for_update=True)
    declared.check(actor, subscription, _now(session, subscription))
    asked = declared.apply(session, actor, subscription, **arguments)
    record_event(session, account=actor.account, by=actor.user, action=_AUDITED[action], target=subscription,
                 changes=asked)
    session.flush()
    return subscription


def available_actions(session: Session, actor: Actor, subscription: Subscription) -> frozenset[str]:
    """The actions ``actor`` may take on the subscription as it is now (what a page offers)."""
    now = _now(session, subscription)
    available = set()
    for name, declared in _ACTIONS.items():
        if declared.permission not in actor.permissions:
            continue
        try:
            declared.check(actor, subscription, now)
        except CascadeError:
            continue
        available.add(name)
    return frozenset(available)


# Each action is a check (may it be taken now? it raises why not) and its effect, which returns what the person asked
# to change, as the audit log records it: a status as what it was and what it becomes once the vendor has done it.

def _becoming(subscription: Subscription, status: SubscriptionStatus) -> dict[str, Any]:
    return {"status": [str(subscription.status), str(status)]}


def _noted(note: str) -> dict[str, Any]:
    return {"note": note.strip()} if note.strip() else {}


def _running(subscription: Subscription) -> SubscriptionStatus:
    """The status it runs in once nothing holds it: a trial until the trial ends."""
    return S.TRIAL if subscription.trial_end is not None and subscription.trial_end > utcnow() else S.ACTIVE


def _seller_side(actor: Actor, subscription: Subscription, refusal: str) -> None:
    """``refusal`` (a message marked with ``_``, its product in ``%(product)s``) when the actor is its owner."""
    if actor.account.id == subscription.owner_id:
        raise PermissionDeniedError(say(refusal, product=subscription.product.said_name))


def _not_busy(now: _Now) -> None:
    if now.busy is not None:
        raise ConflictError(say("A %(action)s of this subscription is in progress (%(status)s); try again once it is over.",
                                action=action_said(now.busy.action), status=status_said(now.busy.status)))


def _require_status(subscription: Subscription, allowed: set[SubscriptionStatus], what: str) -> None:
    """Refuse unless its status is ``allowed``: ``what`` (marked with ``_``) says what it cannot be."""
    if subscription.status not in allowed:
        status = status_said(subscription.status)
        refusal = (say("An %(status)s subscription cannot be %(what)s.", status=status, what=say(what))
                   if subscription.status[0] in "aeiou"
                   else say("A %(status)s subscription cannot be %(what)s.", status=status, what=say(what)))
        raise ConflictError(refusal)


def _expired(subscription: Subscription) -> bool:
    return subscription.status is S.SUSPENDED and subscription.suspend_reason is SuspendReason.EXPIRED


def _check_change(actor: Actor, subscription: Subscription, now: _Now) -> None:
    _require_status(subscription, {S.ACTIVE, S.TRIAL}, _("changed (undo its cancellation or resume it first)"))
    _not_busy(now)


def _change(session: Session, actor: Actor, subscription: Subscription, *,
            plan_id: int | None = None, quantity: int | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    plan = subscription.plan
    if plan_id is not None:
        found = session.get(Plan, plan_id)
        if found is None or found.product_id != subscription.product_id or found.retired_at is not None:
            errors["plan_id"] = [say("Choose another plan of %(product)s.", product=subscription.product.said_name)]
        else:
            plan = found
    new_quantity = subscription.quantity if quantity is None else quantity
    if not 1 <= new_quantity <= MAX_QUANTITY:
        errors["quantity"] = [say("Choose between 1 and %(most)s units.", most=MAX_QUANTITY)]
    elif new_quantity != subscription.quantity and declared_type(subscription.product).fixed_quantity:
        errors["quantity"] = [say("A subscription to %(product)s is one %(unit)s: its quantity does not change.",
                                  product=subscription.product.said_name,
                                  unit=unit_word(declared_type(subscription.product), answering()))]
    if not errors and plan.id == subscription.plan_id and new_quantity == subscription.quantity:
        if subscription.has_scheduled_change:
            return _drop_scheduled_change(session, actor, subscription)
        errors["plan_id" if plan_id is not None else "quantity"] = [say("That is what the subscription has already.")]
    price = None
    if not errors:
        price = resolve_prices(session, subscription.payer, [plan], new_quantity).get(plan.id)
        if price is None:
            errors["plan_id"] = [say("%(plan)s is not for sale to %(account)s.", plan=plan.said_title,
                                     account=subscription.payer.name)]
        elif blockers := purchase_blockers(session, subscription.owner, [plan])[plan.id]:
            errors["plan_id"] = blockers
    if errors:
        raise ValidationError(errors)
    assert price is not None
    asked: dict[str, Any] = {}
    if plan.id != subscription.plan_id:
        asked["plan"] = [subscription.plan.name, plan.name]
    if new_quantity != subscription.quantity:
        asked["quantity"] = [subscription.quantity, new_quantity]
    change_plan(session, subscription, plan=plan, quantity=new_quantity, unit_price=price.unit_price, by=actor.user)
    return asked


def _drop_scheduled_change(session: Session, actor: Actor, subscription: Subscription) -> dict[str, Any]:
    """Asked for what it has now: the change waiting for the end of the term is dropped."""
    dropped = subscription.scheduled_plan or subscription.plan
    subscription.scheduled_plan, subscription.scheduled_quantity = None, None
    changes = {"plan": [dropped.name, subscription.plan.name]}
    record_change(session, subscription, action="scheduled_change_dropped", by=actor.user, changes=changes,
                  reason=Wording(_("kept as it is")))
    return changes


def _check_suspend(actor: Actor, subscription: Subscription, now: _Now) -> None:
    _seller_side(actor, subscription, _("Only the seller of %(product)s can suspend it."))
    _require_status(subscription, {S.ACTIVE, S.TRIAL, S.PENDING_CANCELLATION}, _("suspended"))
    _not_busy(now)


def _suspend(session: Session, actor: Actor, subscription: Subscription, *, note: str = "") -> dict[str, Any]:
    request_provisioning(session, subscription, LifecycleAction.SUSPEND, by=actor.user,
                         payload={"reason": SuspendReason.BY_SELLER, "note": note.strip()})
    return _becoming(subscription, S.SUSPENDED) | _noted(note)


def _check_resume(actor: Actor, subscription: Subscription, now: _Now) -> None:
    _seller_side(actor, subscription, _("Only the seller of %(product)s can resume it."))
    _require_status(subscription, {S.SUSPENDED}, _("resumed"))
    if _expired(subscription):
        raise ConflictError(say("It was suspended because it was not renewed: renew it to bring it back."))
    _not_busy(now)


def _resume(session: Session, actor: Actor, subscription: Subscription, *, note: str = "") -> dict[str, Any]:
    request_provisioning(session, subscription, LifecycleAction.RESUME, by=actor.user, payload={"note": note.strip()})
    return _becoming(subscription, _running(subscription)) | _noted(note)


def _check_cancel(actor: Actor, subscription: Subscription, now: _Now) -> None:
    _require_status(subscription, {S.ACTIVE, S.TRIAL, S.SUSPENDED, S.PENDING_CANCELLATION}, _("cancelled"))
    _not_busy(now)


def _cancel(session: Session, actor: Actor, subscription: Subscription, *, when: str = Timing.END_OF_TERM,
            note: str = "") -> dict[str, Any]:
    try:
        asked = Timing(when)
    except ValueError:
        raise ValidationError({"when": [say("Choose '%(now)s' or '%(end_of_term)s'.", now=str(Timing.NOW),
                                             end_of_term=str(Timing.END_OF_TERM))]}) from None
    product_type = declared_type(subscription.product)
    timing = product_type.cancel_timing(Cancellation(
        plan=product_type.plan(subscription.plan.code), quantity=subscription.quantity, asked=asked,
        term_started_at=term_started_at(subscription),
    ))
    fallback = fallback_plan(session, subscription)
    if fallback is not None:
        return _fall_back(session, actor, subscription, fallback, timing, note.strip()) | _noted(note)
    if timing is Timing.NOW:
        request_provisioning(session, subscription, LifecycleAction.CANCEL, by=actor.user, payload={"note": note.strip()})
        return _becoming(subscription, S.CANCELLED) | _noted(note)
    _require_status(subscription, {S.ACTIVE, S.TRIAL}, _("cancelled at the end of its term (cancel it now instead)"))
    becoming = _becoming(subscription, S.PENDING_CANCELLATION)
    subscription.cancel_at = subscription.term_end or subscription.current_period_end
    changes = {"cancel_at": [None, subscription.cancel_at.isoformat() if subscription.cancel_at else None]}
    record_change(session, subscription, action="cancellation_scheduled", by=actor.user,
                  to_status=S.PENDING_CANCELLATION, reason=note.strip(), changes=changes)
    return becoming | changes | _noted(note)


def fallback_plan(session: Session, subscription: Subscription) -> Plan | None:
    """The plan its product falls back to when any other plan is cancelled (``None``: cancelling ends it)."""
    code = declared_type(subscription.product).cancel_to
    if code is None or code == subscription.plan.code:
        return None
    return session.scalar(select(Plan).where(Plan.product_id == subscription.product_id, Plan.code == code))


def _fall_back(session: Session, actor: Actor, subscription: Subscription, plan: Plan, timing: Timing,
               note: str) -> dict[str, Any]:
    """Cancel a plan of a product with a free tier: back to that tier, now or at the end of the term."""
    price = resolve_prices(session, subscription.payer, [plan], subscription.quantity).get(plan.id)
    if price is None:
        raise ConflictError(say("%(plan)s is not for sale to %(account)s: cancel it with its seller.", plan=plan.said_title,
                                account=subscription.payer.name))
    asked = {"plan": [subscription.plan.name, plan.name]}
    back_to = Wording(_("cancelled: back to %(plan)s"), {"plan": in_each_language(plan.name_in)})
    change_plan(session, subscription, plan=plan, quantity=subscription.quantity, unit_price=price.unit_price,
                by=actor.user, timing=timing, reason=note or back_to)
    return asked


def _check_undo_cancellation(actor: Actor, subscription: Subscription, now: _Now) -> None:
    _require_status(subscription, {S.PENDING_CANCELLATION}, _("kept: it is not being cancelled"))
    _not_busy(now)


def _undo_cancellation(session: Session, actor: Actor, subscription: Subscription) -> dict[str, Any]:
    running = _running(subscription)
    asked = _becoming(subscription, running)
    before = subscription.cancel_at
    subscription.cancel_at = None
    changes = {"cancel_at": [before.isoformat() if before else None, None]}
    record_change(session, subscription, action="cancellation_undone", by=actor.user, to_status=running, changes=changes)
    return asked | changes


def _check_renew(actor: Actor, subscription: Subscription, now: _Now) -> None:
    if not _expired(subscription):
        _require_status(subscription, {S.ACTIVE}, _("renewed by hand"))
        if subscription.auto_renew:
            raise ConflictError(say("It renews by itself on %(day)s.", day=subscription.current_period_end.strftime("%Y-%m-%d")))
    _not_busy(now)


def _renew(session: Session, actor: Actor, subscription: Subscription) -> dict[str, Any]:
    """Renew it; asked by its owner while another account pays for it, once the payer approves."""
    asked = _becoming(subscription, S.ACTIVE) if _expired(subscription) else {}
    if actor.account.id == subscription.owner_id != subscription.payer_id:
        owner, payer = subscription.owner, subscription.payer
        what = f"{subscription.product.name} {subscription.plan.name}"
        request_after_approval(session, subscription, LifecycleAction.RENEW, approver=payer, by=actor.user,
                               payload={"manual": True}, step=ManualStep(
            key=APPROVE_RENEWAL, title=f"Approve the renewal {owner.name} asked for: {what}",
            instructions=(f"{owner.name} asked to renew {what} for another period, which {payer.name} pays "
                          f"({subscription.total}). Mark this done to renew it; decline it to leave it as it is.")))
        return asked
    request_provisioning(session, subscription, LifecycleAction.RENEW, by=actor.user, payload={"manual": True})
    return asked


def _check_end_trial(actor: Actor, subscription: Subscription, now: _Now) -> None:
    _require_status(subscription, {S.TRIAL}, _("taken out of a trial"))
    _not_busy(now)


def _end_trial(session: Session, actor: Actor, subscription: Subscription) -> dict[str, Any]:
    request_provisioning(session, subscription, LifecycleAction.RENEW, by=actor.user, payload={"from_trial": True})
    return _becoming(subscription, S.ACTIVE)


def _check_terminate(actor: Actor, subscription: Subscription, now: _Now) -> None:
    _seller_side(actor, subscription, _("Only the seller of %(product)s can terminate it."))
    _require_status(subscription, {S.ACTIVE, S.TRIAL, S.SUSPENDED, S.PENDING_CANCELLATION}, _("terminated"))
    _not_busy(now)


def _terminate(session: Session, actor: Actor, subscription: Subscription, *, note: str = "") -> dict[str, Any]:
    request_provisioning(session, subscription, LifecycleAction.CANCEL, by=actor.user,
                         payload={"terminate": True, "note": note.strip()})
    return _becoming(subscription, S.TERMINATED) | _noted(note)


def _check_retry(actor: Actor, subscription: Subscription, now: _Now) -> None:
    _seller_side(actor, subscription, _("Only the seller of %(product)s can retry the provisioning of it."))
    if now.latest is None or now.latest.status is not RequestStatus.FAILED:
        raise ConflictError(say("Its last provisioning did not fail: there is nothing to retry."))


def _retry(session: Session, actor: Actor, subscription: Subscription) -> dict[str, Any]:
    failed = _now(session, subscription).latest
    assert failed is not None
    asked: dict[str, Any] = {}
    if subscription.status is S.FAILED:
        asked = _becoming(subscription, S.PENDING)
        record_change(session, subscription, action="retried", by=actor.user, to_status=S.PENDING)
    request_provisioning(session, subscription, failed.action, payload=dict(failed.payload), by=actor.user,
                         order_line=failed.order_line)
    if failed.order_line is not None:
        refresh_order_status(session, failed.order_line.order)
    return asked


@dataclass(frozen=True)
class _Action:
    permission: Permission
    #: Raises why the action cannot be taken now (status, side, a request in progress).
    check: Callable[[Actor, Subscription, _Now], None]
    #: Does it, and returns the audit log's ``changes``: what the person asked to change.
    apply: Callable[..., dict[str, Any]]


_ACTIONS = {
    "change": _Action(Permission.MANAGE_SUBSCRIPTIONS, _check_change, _change),
    "suspend": _Action(Permission.MANAGE_SUBSCRIPTIONS, _check_suspend, _suspend),
    "resume": _Action(Permission.MANAGE_SUBSCRIPTIONS, _check_resume, _resume),
    "cancel": _Action(Permission.MANAGE_SUBSCRIPTIONS, _check_cancel, _cancel),
    "undo-cancellation": _Action(Permission.MANAGE_SUBSCRIPTIONS, _check_undo_cancellation, _undo_cancellation),
    "renew": _Action(Permission.RENEW, _check_renew, _renew),
    "end-trial": _Action(Permission.PURCHASE, _check_end_trial, _end_trial),
    "terminate": _Action(Permission.MANAGE_SUBSCRIPTIONS, _check_terminate, _terminate),
    "retry": _Action(Permission.MANAGE_SUBSCRIPTIONS, _check_retry, _retry),
}

#: The audit log's code of each action, as its past tense (worded in ``web.audit_words``).
_AUDITED = {
    "change": "subscription.changed",
    "suspend": "subscription.suspended",
    "resume": "subscription.resumed",
    "cancel": "subscription.cancelled",
    "undo-cancellation": "subscription.cancellation_undone",
    "renew": "subscription.renewed",
    "end-trial": "subscription.trial_ended",
    "terminate": "subscription.terminated",
    "retry": "subscription.retried",
}

#: Each action of ``act_on_subscription`` and the permission it needs.
ACTIONS: dict[str, Permission] = {name: declared.permission for name, declared in _ACTIONS.items()}
