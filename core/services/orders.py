"""Placing orders, confirming their payment, and following them until their subscriptions run.

An order is placed by a buyer for an owner (itself or an account it sells to) and paid by one
of the two: the payer's seller is the one whose prices apply and who is paid. Prices are fixed
on the order when it is placed. An order the seller wants paid first waits for the seller to
confirm the payment; any other order is accepted at once, and accepting it creates (or
changes) a subscription per line and asks for its provisioning.

A product may need its vendor's word on a line before accepting it (a name still free there).
No transaction is open while a vendor is asked: on SQLite every transaction holds the
database's write lock from its first statement (``core.db``), so a vendor's round trip inside
one would stall every other writer. So ``place_order`` and ``start_trial`` first read which
vendor to ask about what, commit the caller's transaction (the caller has written nothing it
would not keep), ask with none open, then check and write in a new transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from core.code_words import status_said
from core.db import end_before_outside_call
from core.errors import ConflictError, NotFoundError, ValidationError, raise_field_errors
from core.i18n import money_text, unit_word
from core.languages import _, answering, quoted, say
from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan
from core.models.orders import Order, OrderLine, OrderLineKind, OrderStatus, Payment
from core.models.people import User
from core.models.provisioning import OPEN_REQUEST_STATUSES, ProvisioningRequest
from core.models.subscriptions import LIVE_STATUSES, Subscription
from core.money import Money
from core.payments import card_provider
from core.permissions import PaymentMethod, Permission
from core.plugins import product_types
from core.products import OrderLineContext, ProductType
from core.services.accounts import get_account
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.charges import credit
from core.services.eligibility import purchase_blockers
from core.services.event_hubs import ORDERING, account_ids, publish
from core.services.notifications import notify_order_received, notify_payment_awaited
from core.services.order_status import move_order, refresh_order_status
from core.services.payment_details import checked_payment
from core.services.pricing import purchasable_plans, resolve_prices
from core.services.subscription_changes import change_plan, start_subscription, start_trial_subscription
from core.wording import Wording

MAX_LINES = 50
MAX_QUANTITY = 100_000


@dataclass(frozen=True)
class LineRequest:
    """One line as the buyer asks for it."""

    plan_id: int
    quantity: int = 1
    params: Mapping[str, Any] = field(default_factory=dict)


def _vendor_answers(session: Session, lines: Sequence[LineRequest]) -> list[Mapping[str, Any]]:
    """Ask each line's vendor about its params, with no transaction open; an answer per line.

    It reads which product each line is for, commits, then asks: the reads are all the
    transaction held, so nothing waits on a vendor's round trip. A line that names no plan or
    whose params do not load is not asked about (the order refuses it anyway), nor is a line
    whose product asks its vendor nothing; when no line asks, nothing is committed.
    """
    declared = product_types()
    plans = {plan.id: plan for plan in session.scalars(
        select(Plan).where(Plan.id.in_({line.plan_id for line in lines})).options(selectinload(Plan.product))
    )}
    questions: list[tuple[ProductType, str, dict[str, Any]] | None] = []
    for line in lines:
        plan = plans.get(line.plan_id)
        found = declared.get(plan.product.key) if plan is not None else None
        question = None
        if plan is not None and found is not None and type(found[1]).ask_vendor is not ProductType.ask_vendor:
            try:
                question = (found[1], plan.code, found[1].load_params(plan.code, line.params))
            except ValidationError:
                pass
        questions.append(question)
    if any(questions):
        end_before_outside_call(session)
    return [{} if question is None else question[0].ask_vendor(*question[1:]) for question in questions]


class Payer(StrEnum):
    """Who pays an order: the account that places it, or the one it is for."""

    BUYER = "buyer"
    OWNER = "owner"


def place_order(
    session: Session,
    *,
    actor: Actor,
    lines: Sequence[LineRequest],
    payment_method: str,
    owner_id: int | None = None,
    payer: str = Payer.OWNER,
) -> Order:
    """Check and record an order; accept it at once unless its seller confirms payments first.

    Every check runs before anything is written, and every failing one is reported by field
    (``account_id``, ``payer``, ``payment_method``, ``lines.<n>.plan_id``, ...). A line whose
    vendor must be asked first commits the caller's transaction (see the module's docstring).
    """
    actor.require(Permission.PURCHASE)
    answers = _vendor_answers(session, lines) if len(lines) <= MAX_LINES else []
    buyer = actor.account
    owner = get_account(session, buyer, owner_id) if owner_id is not None else buyer
    errors: dict[str, list[str]] = {}
    paying = _payer(owner, buyer, payer, errors)
    method = _payment_method(actor, payment_method, errors)
    if not lines:
        errors["lines"] = [say("Order at least one plan.")]
    elif len(lines) > MAX_LINES:
        errors["lines"] = [say("Order at most %(most)s lines at once.", most=MAX_LINES)]
    priced = (_priced_lines(session, owner, paying, lines, answers, errors)
              if paying is not None and "lines" not in errors else [])
    if errors:
        raise ValidationError(errors)
    assert paying is not None and method is not None
    currencies = {line.unit_price.currency for line in priced}
    if len(currencies) > 1:
        raise ValidationError({"lines": [say("These plans are priced in several currencies (%(currencies)s): "
                                             "order them separately.", currencies=", ".join(sorted(currencies)))]})
    order = _record_order(session, buyer=buyer, owner=owner, payer=paying, placed_by=actor.user, method=method,
                          lines=priced, action="order.placed")
    # A card the seller takes on the spot is charged next (``core.services.card_payments``): the
    # seller has nothing to confirm, and the buyer hears it is set up once the payment goes through.
    by_card_now = method is PaymentMethod.CARD and card_provider(order.seller) is not None
    if method in order.seller.payment_confirmation_methods and order.amount_due.amount > 0:
        if not by_card_now:
            notify_payment_awaited(session, order)
    else:
        _accept(session, order, actor)
    notify_order_received(session, order, by_card_now=by_card_now)
    return order


def grant_starter_plans(session: Session, account: Account) -> list[Order]:
    """Give ``account`` the plans it holds from the start (its products' ``starter_plan``).

    A plan is granted when it is on sale to the account, priced for it, its prerequisites hold
    and the account has no subscription of the product yet; otherwise nothing happens (the
    account may order it later). Granted orders are placed by nobody, on account.
    """
    if account.parent is None:
        return []
    granted = []
    on_sale = {(plan.product.key, plan.code): plan for plan in purchasable_plans(session, account)}
    for key, (_plugin, product_type) in sorted(product_types().items()):
        plan = on_sale.get((key, product_type.starter_plan or ""))
        if plan is None or _live_subscriptions(session, account, {plan.product_id}):
            continue
        price = resolve_prices(session, account, [plan]).get(plan.id)
        if price is None or purchase_blockers(session, account, [plan])[plan.id]:
            continue
        line = _PricedLine(OrderLineKind.NEW, plan, 1, {}, price.unit_price, price.setup_fee, None)
        order = _record_order(session, buyer=account, owner=account, payer=account, placed_by=None,
                              method=PaymentMethod.ON_ACCOUNT, lines=[line], action="order.granted")
        _accept(session, order, None)
        granted.append(order)
    return granted


#: The longest free trial a plan may be tried for.
MAX_TRIAL_DAYS = 90


def start_trial(
    session: Session,
    *,
    actor: Actor,
    plan_id: int,
    days: int,
    params: Mapping[str, Any] | None = None,
    owner_id: int | None = None,
) -> Subscription:
    """Start a free trial of a plan for the actor's account or one it sells to: nothing is due.

    The trial passes the checks of an order (the plan is on sale and priced for the owner, its
    parameters and prerequisites hold, the person may ``purchase``); its owner pays once it is
    ended and paid. Errors name ``account_id``, ``days``, ``plan_id`` and ``params.<field>``.
    """
    actor.require(Permission.PURCHASE)
    buyer = actor.account
    owner = get_account(session, buyer, owner_id) if owner_id is not None else buyer
    errors: dict[str, list[str]] = {}
    if not 1 <= days <= MAX_TRIAL_DAYS:
        errors["days"] = [say("A trial lasts between 1 and %(most)s days.", most=MAX_TRIAL_DAYS)]
    line_request = LineRequest(plan_id, 1, params or {})
    answers = _vendor_answers(session, [line_request])
    paying = _payer(owner, buyer, Payer.OWNER, errors)
    priced = _priced_lines(session, owner, paying, [line_request], answers, errors) if paying else []
    if not errors and priced[0].kind is not OrderLineKind.NEW:
        errors["plan_id"] = [say("%(account)s has %(product)s already: a trial is for a first subscription.",
                                 account=owner.name, product=priced[0].plan.product.said_name)]
    if errors:
        raise ValidationError({name.removeprefix("lines.0."): messages for name, messages in errors.items()})
    line = priced[0]
    subscription = start_trial_subscription(session, owner=owner, plan=line.plan, params=line.params,
                                            unit_price=line.unit_price, days=days, by=actor.user)
    record_event(session, account=buyer, by=actor.user, action="subscription.trial_started", target=subscription,
                 changes={"owner": owner.name, "plan": line.plan.title(), "days": days})
    return subscription


def _record_order(
    session: Session, *, buyer: Account, owner: Account, payer: Account, placed_by: User | None,
    method: PaymentMethod, lines: Sequence[_PricedLine], action: str,
) -> Order:
    """Write an order of checked, priced lines, waiting for its payment until it is accepted."""
    seller = payer.parent
    assert seller is not None
    order = Order(
        account=buyer,
        owner=owner,
        payer=payer,
        seller=seller,
        placed_by=placed_by,
        payment_method=method,
        currency=lines[0].unit_price.currency,
        total_amount=sum((line.unit_price.amount * line.quantity for line in lines), Decimal(0)),
        setup_amount=sum((line.setup_fee.amount for line in lines if line.setup_fee), Decimal(0)),
        status=OrderStatus.AWAITING_PAYMENT,
    )
    for line in lines:
        order.lines.append(OrderLine(
            kind=line.kind,
            plan=line.plan,
            quantity=line.quantity,
            params=line.params,
            unit_amount=line.unit_price.amount,
            setup_fee_amount=line.setup_fee.amount if line.setup_fee else None,
            subscription=line.subscription,
        ))
    session.add(order)
    record_event(
        session, account=buyer, by=placed_by, action=action, target=order,
        changes={"owner": owner.name, "payer": payer.name, "payment_method": str(method),
                 "lines": [{"plan": line.plan.title(), "quantity": line.quantity} for line in lines]},
    )
    publish(session, account_ids(payer.path), ORDERING, "ProductOrderCreateEvent",
            lambda: {"order_id": order.id, "status": str(order.status)})
    return order


@dataclass(frozen=True)
class _PricedLine:
    kind: OrderLineKind
    plan: Plan
    quantity: int
    params: dict[str, Any]
    unit_price: Money
    setup_fee: Money | None
    subscription: Subscription | None


def _payer(owner: Account, buyer: Account, payer: str, errors: dict[str, list[str]]) -> Account | None:
    if payer not in tuple(Payer):
        errors["payer"] = [say("Choose one of: %(choices)s.", choices=", ".join(Payer))]
        return None
    paying = buyer if payer == Payer.BUYER else owner
    if paying.kind is AccountKind.DISTRIBUTOR:
        field_name = "payer" if owner is not buyer else "account_id"
        errors[field_name] = [say("%(payer)s is a distributor: it buys from nobody, so it cannot pay an order. "
                                  "Order for one of the accounts it sells to.", payer=paying.name)]
        return None
    return paying


def _payment_method(actor: Actor, value: str, errors: dict[str, list[str]]) -> PaymentMethod | None:
    try:
        method = PaymentMethod(value)
    except ValueError:
        errors["payment_method"] = [say("%(method)s is not a payment method: use %(methods)s.", method=quoted(value),
                                        methods=", ".join(PaymentMethod))]
        return None
    if method not in actor.payment_methods:
        account, allowed = actor.account.name, ", ".join(sorted(actor.payment_methods))
        errors["payment_method"] = [
            say("Your teams in %(account)s may not pay by %(method)s (they may use: %(allowed)s).",
                account=account, method=method, allowed=allowed)
            if allowed else say("Your teams in %(account)s may not pay by %(method)s (they may use: none).",
                                account=account, method=method)
        ]
        return None
    return method


def _priced_lines(
    session: Session, owner: Account, payer: Account, lines: Sequence[LineRequest],
    vendor_answers: Sequence[Mapping[str, Any]], errors: dict[str, list[str]],
) -> list[_PricedLine]:
    """Price and check each line for ``payer`` with its vendor's answers; problems go into ``errors`` by field."""
    declared = product_types()
    plans = {plan.id: plan for plan in session.scalars(
        select(Plan).where(Plan.id.in_({line.plan_id for line in lines})).options(selectinload(Plan.product))
    )}
    blockers = purchase_blockers(session, owner, plans.values())
    live = _live_subscriptions(session, owner, {plan.product_id for plan in plans.values()})
    priced: list[_PricedLine] = []
    singletons_ordered: set[int] = set()
    for n, (line, answers) in enumerate(zip(lines, vendor_answers, strict=True)):
        at = f"lines.{n}"
        plan = plans.get(line.plan_id)
        if not 1 <= line.quantity <= MAX_QUANTITY:
            errors[f"{at}.quantity"] = [say("Order between 1 and %(most)s units.", most=MAX_QUANTITY)]
        if plan is None:
            errors[f"{at}.plan_id"] = [say("There is no plan %(id)s.", id=line.plan_id)]
            continue
        if blockers.get(plan.id):
            errors[f"{at}.plan_id"] = blockers[plan.id]
            continue
        price = resolve_prices(session, payer, [plan], max(line.quantity, 1)).get(plan.id)
        if price is None:
            errors[f"{at}.plan_id"] = [say("%(plan)s is not for sale to %(payer)s.", plan=plan.said_title,
                                           payer=payer.name)]
            continue
        product_type = declared[plan.product.key][1]
        if product_type.fixed_quantity and line.quantity != 1:
            errors[f"{at}.quantity"] = [say("Each %(unit)s is a line of its own: order a quantity of 1.",
                                            unit=unit_word(product_type, answering()))]
            continue
        try:
            params = product_type.load_params(plan.code, line.params)
            params = product_type.accept_params(OrderLineContext(session=session, owner=owner,
                                                                 plan=product_type.plan(plan.code),
                                                                 quantity=line.quantity, params=params,
                                                                 vendor_answers=answers))
        except ValidationError as error:
            errors.update({f"{at}.{name}": messages for name, messages in error.fields.items()})
            continue
        kind, subscription = OrderLineKind.NEW, None
        if product_type.one_subscription_per_account:
            subscription = live.get(plan.product_id)
            if plan.product_id in singletons_ordered:
                errors[f"{at}.plan_id"] = [say("%(account)s can have one %(product)s: order one plan of it.",
                                               account=owner.name, product=plan.product.said_name)]
                continue
            singletons_ordered.add(plan.product_id)
            if subscription is not None:
                problem = _change_problem(session, subscription, plan, owner)
                if problem:
                    errors[f"{at}.plan_id"] = [problem]
                    continue
                kind = OrderLineKind.CHANGE
        priced.append(_PricedLine(kind, plan, line.quantity, params, price.unit_price, price.setup_fee, subscription))
    return priced


def _live_subscriptions(session: Session, owner: Account, product_ids: set[int]) -> dict[int, Subscription]:
    return {
        subscription.product_id: subscription
        for subscription in session.scalars(
            select(Subscription).where(
                Subscription.owner_id == owner.id,
                Subscription.product_id.in_(product_ids),
                Subscription.status.in_(LIVE_STATUSES),
            )
        )
    }


def _change_problem(session: Session, subscription: Subscription, plan: Plan, owner: Account) -> str | None:
    if subscription.plan_id == plan.id:
        return say("%(account)s already has %(plan)s.", account=owner.name, plan=plan.said_title)
    busy = session.scalar(select(ProvisioningRequest.id).where(
        ProvisioningRequest.subscription_id == subscription.id,
        ProvisioningRequest.status.in_(OPEN_REQUEST_STATUSES),
    ))
    if busy is not None:
        return say("%(account)s's %(product)s is being changed already; order again once that is done.",
                   account=owner.name, product=plan.product.said_name)
    return None


def _accept(session: Session, order: Order, actor: Actor | None) -> None:
    """Create or change each line's subscription and ask for its provisioning."""
    move_order(session, order, OrderStatus.IN_PROGRESS)
    user = actor.user if actor else None
    for line in order.lines:
        if line.kind is OrderLineKind.NEW:
            line.subscription = start_subscription(session, line, by=user)
        else:
            assert line.subscription is not None
            change_plan(session, line.subscription, plan=line.plan, quantity=line.quantity,
                        unit_price=line.unit_price, by=user, order_line=line)
    session.flush()
    refresh_order_status(session, order)


def confirm_payment(
    session: Session, *, actor: Actor, order_id: int, method: str, reference: str, amount: Decimal | str
) -> Order:
    """Record the payment of an order waiting for it, and release the order to provisioning."""
    actor.require(Permission.PAY)
    order = order_for_update(session, order_id)
    if order is None or order.seller_id != actor.account.id:
        raise NotFoundError(say("No order %(id)s waits for %(account)s to confirm its payment.", id=order_id,
                                account=actor.account.name))
    errors: dict[str, list[str]] = {}
    details = checked_payment(method, reference, amount, order.currency, errors)
    short: dict[str, list[str]] = {}
    if details.amount is not None and details.amount < order.amount_due:
        short["amount"] = [say("The order needs %(due)s; %(paid)s does not cover it.",
                               due=money_text(order.amount_due, answering()),
                               paid=money_text(details.amount, answering()))]
    raise_field_errors(errors, taken=short)
    assert details.method is not None and details.amount is not None
    if order.status is not OrderStatus.AWAITING_PAYMENT:
        raise ConflictError(say("Order %(id)s is %(status)s: it does not wait for a payment.", id=order.id,
                                status=status_said(order.status)))
    record_order_payment(session, order, actor=actor, method=details.method, reference=details.reference,
                         paid=details.amount, action="order.payment_confirmed")
    return order


def record_order_payment(
    session: Session, order: Order, *, actor: Actor, method: PaymentMethod, reference: str, paid: Money, action: str,
    changes: Mapping[str, str] | None = None,
) -> Payment:
    """Record a payment received for ``order``, credit its payer with it, and release the order if it waits.

    The one way an order's payment is kept, whoever took it: its seller confirming it by hand
    (``confirm_payment``) or a payment provider on the spot (``core.services.card_payments``).
    The caller has locked the order (``order_for_update``) and checked the payment; ``action``
    and ``changes`` go into the audit log with the method, reference and amount.
    """
    payment = Payment(order=order, method=method, reference=reference, amount=paid.amount, currency=paid.currency,
                      recorded_by=actor.user)
    session.add(payment)
    session.flush()  # the payment has its id, which names its credit
    credit(session, issuer=order.seller, recipient=order.payer, amount=paid, key=f"order-payment:{payment.id}",
           said=Wording(_("Paid with order %(order)s (%(reference)s)"), {"order": str(order.id), "reference": reference}))
    record_event(session, account=actor.account, by=actor.user, action=action, target=order,
                 changes={"method": str(method), "reference": reference, "amount": str(paid.amount), **(changes or {})})
    if order.status is OrderStatus.AWAITING_PAYMENT:
        _accept(session, order, actor)
    return payment


def cancel_order(session: Session, *, actor: Actor, order_id: int, reason: str = "") -> Order:
    """Withdraw an order that still waits for its payment: its buyer may, and so may its seller."""
    order = order_for_update(session, order_id)
    if order is None or not _visible(order, actor.account):
        raise NotFoundError(say("No order %(id)s.", id=order_id))
    actor.require(Permission.PAY if order.seller_id == actor.account.id else Permission.PURCHASE)
    if order.status is not OrderStatus.AWAITING_PAYMENT:
        raise ConflictError(say("Order %(id)s is %(status)s: only an order waiting for its payment can be cancelled. "
                                "Cancel its subscriptions instead.", id=order.id, status=status_said(order.status)))
    move_order(session, order, OrderStatus.CANCELLED)
    record_event(session, account=actor.account, by=actor.user, action="order.cancelled", target=order,
                 changes={"reason": reason.strip()})
    publish(session, account_ids(order.payer.path), ORDERING, "CancelProductOrderCreateEvent",
            lambda: {"cancelled_order_id": order.id, "reason": reason.strip()})
    return order


def get_order(session: Session, viewer: Account, order_id: int) -> Order:
    """Return an order the viewer may see: one whose payer is the viewer or below it."""
    order = session.scalar(visible_orders(viewer).where(Order.id == order_id))
    if order is None:
        raise NotFoundError(say("No order %(id)s.", id=order_id))
    return order


#: Who an order is for, apart from the ``Account`` its visibility joins (its payer).
_Owner = aliased(Account, name="order_owner")
#: The name of the account an order is for, as a column lists sort by.
OWNER_NAME = select(_Owner.name).where(_Owner.id == Order.owner_id).correlate(Order).scalar_subquery()


def orders_matching(
    viewer: Account,
    *,
    account_id: int | None = None,
    status: OrderStatus | None = None,
    seller_id: int | None = None,
    search: str | None = None,
) -> Select[tuple[Order]]:
    """The query of the orders ``viewer`` may see, for one owner, of one status, sold by one seller, and whose
    number is ``search`` or whose account's name holds it; unordered."""
    query = visible_orders(viewer)
    if account_id is not None:
        query = query.where(Order.owner_id == account_id)
    if status is not None:
        query = query.where(Order.status == status)
    if seller_id is not None:
        query = query.where(Order.seller_id == seller_id)
    term = (search or "").strip()
    if term:
        number = term.removeprefix("#").strip()
        named = OWNER_NAME.icontains(term, autoescape=True)
        is_number = number.isascii() and number.isdigit() and len(number) <= 18  # past that, no id the database holds
        query = query.where(or_(Order.id == int(number), named) if is_number else named)
    return query


def list_orders(session: Session, viewer: Account, *, after_id: int | None = None, limit: int = 50,
                **filters: Any) -> list[Order]:
    """Orders the viewer may see (``orders_matching``, narrowed by its ``filters``), newest first, paged by keyset."""
    query = orders_matching(viewer, **filters)
    if after_id is not None:
        query = query.where(Order.id < after_id)
    return list(session.scalars(query.order_by(Order.id.desc()).limit(limit)))


def visible_orders(viewer: Account) -> Select[tuple[Order]]:
    """The query of the orders ``viewer`` may see: those it or an account below it pays."""
    return (
        select(Order)
        .join(Account, Account.id == Order.payer_id)
        .where(Account.path.startswith(viewer.path, autoescape=True))
        .options(selectinload(Order.lines).selectinload(OrderLine.plan).selectinload(Plan.product))
    )


def _visible(order: Order, viewer: Account) -> bool:
    return order.payer.path.startswith(viewer.path)


def order_for_update(session: Session, order_id: int) -> Order | None:
    """Order ``order_id`` locked for the rest of the transaction, as the database has it now (not as
    the session last saw it), or ``None``."""
    return session.scalar(select(Order).where(Order.id == order_id).with_for_update()
                          .execution_options(populate_existing=True))


def set_payment_confirmation(session: Session, *, actor: Actor, methods: Sequence[str]) -> list[str]:
    """Choose the payment methods whose orders wait for the acting seller to confirm the payment."""
    actor.require(Permission.PAY)
    chosen, unknown = [], []
    for value in methods:
        try:
            chosen.append(PaymentMethod(value))
        except ValueError:
            unknown.append(value)
    if unknown:
        raise ValidationError({"payment_confirmation_methods": [say("Not payment methods: %(unknown)s.",
                                                                    unknown=", ".join(map(repr, unknown)))]})
    account = actor.account
    before, after = list(account.payment_confirmation_methods), sorted(set(chosen))
    if before != after:
        account.payment_confirmation_methods = after
        record_event(session, account=account, by=actor.user, action="account.payment_confirmation_changed",
                     target=account, changes={"payment_confirmation_methods": [before, after]})
    return after
