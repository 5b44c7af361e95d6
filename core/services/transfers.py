"""Transfers: a customer moves from direct to a reseller, between resellers, or is released.

The seeds' rules: the customer "must open a ticket in their account authorizing the transfer",
and the receiving reseller "must then open a ticket in their control panel accepting the
customer into their account" ("we don't want to surprise them with any unauthorized bills").
So every transfer needs both, whoever started it:

- the customer's consent, by its owner team, written on a ticket to its seller in exact words
  ("We, harbour-dental.example, authorize the transfer of our account to Bright Cloud");
- the receiving seller's acceptance, by its team with the purchase permission, written on a
  ticket to its own seller (a release needs none: the distributor receives its own customer).

The party that starts a transfer gives its own part at once: a customer naming its new
reseller by its storefront's address has consented; a reseller naming a customer's primary
domain has accepted, and learns nothing of the account until its owners consent. The giving
reseller may release a customer but cannot block one leaving: it is told. The distributor sees
every transfer in its tree, may start one of any kind and cancel any. A transfer nobody answers
expires after the distributor's number of days (14 by default).

With both given, completing it is one transaction (``complete``): the account hangs under its
new seller; its running subscriptions are credited for the rest of their period at every level
of the old chain, then sold by the new seller at its price and charged from today to the end of
the period at every level of the new one; the receiving reseller owes its distributor the
transfer fee; each product with a vendor to tell of the new seller gets a provisioning request.
The account keeps its people, domain and subscriptions: no second account, no temporary domain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from core.clock import utcnow
from core.db import insert_new
from core.errors import ConflictError, NotFoundError, PermissionDeniedError, UnknownReferenceError, ValidationError
from core.languages import _, answering, quoted, say
from core.links import links
from core.models.accounts import Account, AccountKind
from core.models.charges import Charge, ChargeKind
from core.models.provisioning import ProvisioningRequest
from core.models.subscriptions import Subscription, SubscriptionStatus, SuspendReason
from core.models.transfers import OPEN_TRANSFER_STATES, Transfer, TransferKind, TransferStatus
from core.money import Money, number_text, to_decimal, typed_text
from core.permissions import Permission
from core.product_lifecycle import LifecycleAction
from core.services.account_changes import move_subtree
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.billing_profiles import billing_profile
from core.services.catalog import declared_type
from core.services.charges import charge_rest_of_period, refund_rest_of_period
from core.services.lifecycle import record_change
from core.services.notifications import sender_name_for
from core.services.pricing import price_list_for, prospect_prices
from core.services.provisioning import request_provisioning
from core.services.storefront_hosts import find_storefront
from core.services.tickets import open_ticket
from core.services.transfer_notices import notify_transfer
from core.wording import Wording, said_columns, worded_in

#: Subscriptions that move with their account and whose money is cut over; a trial has had no charge yet.
MOVING = (SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED, SubscriptionStatus.PENDING_CANCELLATION,
          SubscriptionStatus.TRIAL)
MAX_REASON = 500
MAX_TRANSFER_FEE = Decimal("10000")
MAX_EXPIRY_DAYS = 90


@dataclass(frozen=True)
class ShownAccount:
    """The account that moves as a reader may know it: by its domain only, to a receiving seller before consent."""

    id: int | None
    name: str | None
    domain: str | None


@dataclass(frozen=True)
class TransferView:
    """A transfer as one account reads it: a receiving seller learns nothing of the account before its consent."""

    transfer: Transfer
    reader: Account

    @property
    def id(self) -> int:
        return self.transfer.id

    @property
    def reveals_account(self) -> bool:
        """A receiving reseller knows the account once it consented; every other party, always."""
        return (self.reader.id != self.transfer.to_seller_id or self.reader.parent_id is None
                or self.transfer.consented_at is not None)

    @property
    def account(self) -> ShownAccount:
        account = self.transfer.account
        if not self.reveals_account:
            return ShownAccount(None, None, account.primary_domain)
        return ShownAccount(account.id, account.name, account.primary_domain)

    @property
    def consent_words(self) -> str:
        """What the account's owners authorize by consenting, in the reader's language: the words they sign."""
        return _signed_words(self.transfer.consent_words, self.transfer.consent_wording)

    @property
    def acceptance_words(self) -> str:
        """What the receiving seller accepts, in the reader's language: the words it signs."""
        return _signed_words(self.transfer.acceptance_words, self.transfer.acceptance_wording)

    @property
    def answerable(self) -> bool:
        """Still open to answers: under way and not past its expiry (which the scheduler records within the hour)."""
        return self.transfer.is_open and utcnow() < self.transfer.expires_at

    @property
    def may_consent(self) -> bool:
        """The reader's account is the one that moves and has not consented (its owner team answers for it)."""
        return self.answerable and self.reader.id == self.transfer.account_id and self.transfer.consented_at is None

    @property
    def may_accept(self) -> bool:
        return self.answerable and self.reader.id == self.transfer.to_seller_id and self.transfer.accepted_at is None

    @property
    def may_cancel(self) -> bool:
        return self.answerable and self.reader.id in (self.transfer.started_by_account_id, _top_of(self.transfer))


# --- starting -------------------------------------------------------------------------------------


def start_transfer(
    session: Session,
    *,
    actor: Actor,
    account_id: int | None = None,
    domain: str | None = None,
    to_account_id: int | None = None,
    to_storefront: str | None = None,
    release: bool = False,
) -> TransferView:
    """Start moving an account: the customer itself (``to_storefront``), a receiving reseller (``domain``),
    the giving reseller (``account_id`` and ``release``) or the distributor (``account_id`` with
    ``to_account_id`` or ``release``). Each problem is named by field; nothing is written."""
    me = actor.account
    account = _moving_account(session, actor, account_id, domain)
    to_seller = _receiving_seller(session, actor, account, to_account_id, to_storefront, release)
    if to_seller.id == account.parent_id:
        raise ValidationError({"to_account_id": [say("%(account)s buys from %(seller)s already.", account=account.name,
                                                      seller=to_seller.name)]})
    now = utcnow()
    kind = _kind(account.parent, to_seller)
    consent, acceptance = consent_words(session, account, to_seller, kind), acceptance_words(account, to_seller)
    transfer = Transfer(account=account, kind=kind, status=TransferStatus.REQUESTED,
                        consent_words=consent.english, consent_wording=consent.stored(),
                        acceptance_words=acceptance.english, acceptance_wording=acceptance.stored(),
                        from_seller=account.parent, to_seller=to_seller, started_by_account=me, started_by=actor.user,
                        expires_at=now + timedelta(days=billing_profile(session, _top(account)).transfer_expiry_days))
    try:
        with session.begin_nested():  # a transfer of the account started meanwhile is refused by the unique index
            session.add(transfer)
            session.flush()
    except IntegrityError:
        raise ConflictError(say("A transfer of %(account)s is under way already: answer or cancel it first.",
                                account=_shown_name(account, me))) from None
    record_event(session, account=me, by=actor.user, action="transfer.started", target=transfer,
                 changes={"kind": str(transfer.kind), "to": to_seller.name})
    if me.id == account.id:
        _consent(session, actor, transfer)
    if me.id == to_seller.id or transfer.kind is TransferKind.RELEASE:
        _accept(session, actor, transfer, by_rule=me.id != to_seller.id)
    return _advance(session, actor, transfer)


def _moving_account(session: Session, actor: Actor, account_id: int | None, domain: str | None) -> Account:
    me = actor.account
    if domain is not None:
        actor.require(Permission.PURCHASE)
        wanted = domain.strip().lower().rstrip(".")
        account = session.scalar(select(Account).where(Account.primary_domain == wanted,
                                                       Account.kind == AccountKind.CUSTOMER))
        if account is None or _top(account).id != _top(me).id or account.parent_id == me.id:
            raise UnknownReferenceError({"domain": [say("No customer you could receive has the domain %(domain)s.",
                                                         domain=quoted(wanted))]})
        return account
    if account_id is None or account_id == me.id:
        if me.kind is not AccountKind.CUSTOMER or not actor.in_owner_team:
            raise PermissionDeniedError(say("Only a customer's owners move their account; sellers name the account."))
        return me
    actor.require(Permission.MANAGE_ACCOUNTS)
    account = session.get(Account, account_id)
    if account is None or account.kind is not AccountKind.CUSTOMER or not account.path.startswith(me.path) \
            or account.id == me.id:
        raise UnknownReferenceError({"account_id": [say("No customer %(id)s is yours to move.", id=account_id)]})
    return account


def _receiving_seller(session: Session, actor: Actor, account: Account, to_account_id: int | None,
                      to_storefront: str | None, release: bool) -> Account:
    me, top = actor.account, _top(account)
    named = [name for name, given in (("to_account_id", to_account_id), ("to_storefront", to_storefront),
                                      ("release", release or None)) if given is not None]
    if me.kind is AccountKind.RESELLER and me.id != account.parent_id:  # a receiving reseller, naming a domain
        if named:
            raise ValidationError({named[0]: [say("A reseller receiving a customer names its domain only.")]})
        return me
    if len(named) != 1:
        raise ValidationError({"to_account_id": [say("Name the new seller: to_account_id, to_storefront, or release: true.")]})
    if release:
        return top
    if to_storefront is not None:
        host = urlsplit(to_storefront if "//" in to_storefront else f"//{to_storefront}").hostname or ""
        storefront = find_storefront(session, host, links.storefront_domain)
        seller = storefront.account if storefront is not None and storefront.is_live else None
        field = "to_storefront"
    else:
        seller = session.get(Account, to_account_id)
        field = "to_account_id"
    if seller is None or seller.kind is not AccountKind.RESELLER or seller.parent_id != top.id:
        raise UnknownReferenceError({field: [say("No reseller of the same distributor has this address.")
                                             if field == "to_storefront" else say("No reseller %(id)s.", id=to_account_id)]})
    return seller


def _kind(from_seller: Account | None, to_seller: Account) -> TransferKind:
    if to_seller.kind is AccountKind.DISTRIBUTOR:
        return TransferKind.RELEASE
    if from_seller is not None and from_seller.kind is AccountKind.DISTRIBUTOR:
        return TransferKind.TO_RESELLER
    return TransferKind.BETWEEN_RESELLERS


# --- answering ------------------------------------------------------------------------------------


def consent_to_transfer(session: Session, *, actor: Actor, transfer_id: int) -> TransferView:
    """The customer's owners authorize the move, in the words the transfer shows them."""
    transfer = _open_transfer(session, actor, transfer_id)
    if actor.account.id != transfer.account_id or not actor.in_owner_team:
        raise PermissionDeniedError(say("Only the owners of the account that moves consent to its transfer."))
    if transfer.consented_at is not None:
        raise ConflictError(say("%(account)s consented already.", account=transfer.account.name))
    _consent(session, actor, transfer)
    return _advance(session, actor, transfer)


def accept_transfer(session: Session, *, actor: Actor, transfer_id: int) -> TransferView:
    """The receiving seller's team with the purchase permission takes the customer, and its bills, in."""
    transfer = _open_transfer(session, actor, transfer_id)
    if actor.account.id != transfer.to_seller_id:
        raise PermissionDeniedError(say("Only the seller the account moves to accepts it."))
    actor.require(Permission.PURCHASE)
    if transfer.accepted_at is not None:
        raise ConflictError(say("%(seller)s accepted already.", seller=transfer.to_seller.name))
    _accept(session, actor, transfer, by_rule=False)
    return _advance(session, actor, transfer)


def reject_transfer(session: Session, *, actor: Actor, transfer_id: int, reason: str = "") -> TransferView:
    """The customer or the receiving seller says no; the giving reseller cannot block a customer's move."""
    transfer = _open_transfer(session, actor, transfer_id)
    if actor.account.id not in (transfer.account_id, transfer.to_seller_id):
        raise PermissionDeniedError(say("Only the customer and the seller it would move to refuse a transfer."))
    if actor.account.id == transfer.account_id and not actor.in_owner_team:
        raise PermissionDeniedError(say("Only the account's owners answer for it."))
    if actor.account.id == transfer.to_seller_id:
        actor.require(Permission.PURCHASE)
    return _end(session, actor, transfer, TransferStatus.REJECTED, reason)


def cancel_transfer(session: Session, *, actor: Actor, transfer_id: int, reason: str = "") -> TransferView:
    """Who started it, or the distributor, calls it off."""
    transfer = _open_transfer(session, actor, transfer_id)
    if actor.account.id not in (transfer.started_by_account_id, _top_of(transfer)):
        raise PermissionDeniedError(say("Only who started a transfer, or the distributor, cancels it."))
    if actor.account.id == transfer.account_id and not actor.in_owner_team:
        raise PermissionDeniedError(say("Only the account's owners answer for it."))
    return _end(session, actor, transfer, TransferStatus.CANCELLED, reason)


def expire_transfers(session: Session) -> int:
    """End the transfers nobody finished answering in time; answer how many (the scheduler runs it)."""
    due = session.scalars(select(Transfer).where(Transfer.status.in_(OPEN_TRANSFER_STATES),
                                                 Transfer.status != TransferStatus.APPROVED,
                                                 Transfer.expires_at <= utcnow()).with_for_update(skip_locked=True)).all()
    for transfer in due:
        transfer.status = TransferStatus.EXPIRED
        record_event(session, account=transfer.account, by=None, action="transfer.expired", target=transfer)
        notify_transfer(session, transfer)
    return len(due)


# --- reading --------------------------------------------------------------------------------------


def get_transfer(session: Session, actor: Actor, transfer_id: int) -> TransferView:
    """A transfer the actor's account is part of, or is the distributor of; "not found" for anyone else."""
    transfer = session.scalar(select(Transfer).where(Transfer.id == transfer_id).options(
        joinedload(Transfer.account), joinedload(Transfer.from_seller), joinedload(Transfer.to_seller)))
    if transfer is None or not _party(transfer, actor.account):
        raise NotFoundError(say("No transfer %(id)s.", id=transfer_id))
    return TransferView(transfer, actor.account)


def list_transfers(session: Session, actor: Actor, *, status: TransferStatus | None = None,
                   after_id: int | None = None, limit: int = 50) -> list[TransferView]:
    """The transfers the actor's account is part of (every one in its tree, for the distributor), newest first."""
    me = actor.account
    query = select(Transfer).join(Account, Account.id == Transfer.account_id)
    if me.parent_id is None:
        query = query.where(Account.path.startswith(me.path, autoescape=True))
    else:
        query = query.where(or_(Transfer.account_id == me.id, Transfer.from_seller_id == me.id,
                                Transfer.to_seller_id == me.id))
    if status is not None:
        query = query.where(Transfer.status == status)
    if after_id is not None:
        query = query.where(Transfer.id < after_id)
    transfers = session.scalars(query.order_by(Transfer.id.desc()).limit(limit).options(
        joinedload(Transfer.account), joinedload(Transfer.from_seller), joinedload(Transfer.to_seller)))
    return [TransferView(transfer, me) for transfer in transfers]


def set_transfer_terms(session: Session, *, actor: Actor, transfer_fee: str, transfer_expiry_days: str) -> None:
    """A distributor sets what a reseller receiving a customer pays it (0: nothing), and how many days a
    transfer waits for its answers; every problem is named by field, and nothing changes."""
    actor.require(Permission.PAY)
    if actor.account.kind is not AccountKind.DISTRIBUTOR:
        raise PermissionDeniedError(say("Only a distributor sets the terms of transfers in its tree."))
    errors: dict[str, list[str]] = {}
    try:
        fee = to_decimal(transfer_fee.strip() or "0", "transfer_fee")
    except ValidationError:
        fee = Decimal("NaN")
    if not fee.is_finite() or not 0 <= fee <= MAX_TRANSFER_FEE or int(fee.as_tuple().exponent) < -2:
        errors["transfer_fee"] = [say("Give an amount from 0 to %(most)s, with at most 2 decimals: %(example)s.",
                                      most=number_text(MAX_TRANSFER_FEE), example=typed_text(Decimal("25.00")))]
    days = transfer_expiry_days.strip()
    if not days.isdigit() or not 1 <= int(days) <= MAX_EXPIRY_DAYS:
        errors["transfer_expiry_days"] = [say("Give a whole number of days from 1 to %(most)s.", most=MAX_EXPIRY_DAYS)]
    if errors:
        raise ValidationError(errors)
    profile = billing_profile(session, actor.account)
    changes = {field: [str(getattr(profile, field)), str(value)]
               for field, value in (("transfer_fee", fee), ("transfer_expiry_days", int(days)))
               if getattr(profile, field) != value}
    if changes:
        profile.transfer_fee, profile.transfer_expiry_days = fee, int(days)
        record_event(session, account=actor.account, by=actor.user, action="transfer_terms.changed",
                     target=actor.account, changes=changes)


def count_awaiting_acceptance(session: Session, actor: Actor) -> int:
    """How many transfers wait for the actor's account to accept a customer (for the navigation's badge)."""
    return session.scalar(select(func.count()).select_from(Transfer).where(
        Transfer.to_seller_id == actor.account.id, Transfer.accepted_at.is_(None),
        Transfer.status.in_(OPEN_TRANSFER_STATES), Transfer.expires_at > utcnow())) or 0


def consent_words(session: Session, account: Account, to_seller: Account, kind: TransferKind) -> Wording:
    """What the account's owners are asked to authorize, exactly (each in its own language)."""
    if kind is TransferKind.RELEASE:
        return Wording(_("We, %(account)s, authorize the transfer of our account to %(seller)s, as its direct "
                         "customer, paying for our subscriptions ourselves."),
                       {"account": account.primary_domain or account.name, "seller": to_seller.name})
    return Wording(_("We, %(account)s, authorize the transfer of our account to %(seller)s."),
                   {"account": account.primary_domain or account.name, "seller": sender_name_for(session, to_seller)})


def acceptance_words(account: Account, to_seller: Account) -> Wording:
    """What the receiving seller is asked to accept, exactly (each in its own language)."""
    return Wording(_("We, %(seller)s, accept %(account)s into our account, with its subscriptions and their charges "
                     "from the day the transfer completes."),
                   {"seller": to_seller.name, "account": account.primary_domain or account.name})


def _signed_words(words: str, wording: dict[str, Any] | None) -> str:
    """Words a transfer asks, in the language of the person reading or signing them (``answering``): a signer gives
    the words it was shown. A transfer started before the platform kept wordings asks its English words."""
    return worded_in(words, wording, answering())


# --- the rules behind it --------------------------------------------------------------------------


def _open_transfer(session: Session, actor: Actor, transfer_id: int) -> Transfer:
    transfer = session.scalar(select(Transfer).where(Transfer.id == transfer_id).with_for_update(of=Transfer))
    if transfer is None or not _party(transfer, actor.account):
        raise NotFoundError(say("No transfer %(id)s.", id=transfer_id))
    if not transfer.is_open:
        raise ConflictError(say("Transfer %(id)s is %(status)s: it can change no more.", id=transfer.id,
                                 status=transfer.status.replace("_", " ")))
    if transfer.expires_at <= utcnow():
        raise ConflictError(say("Transfer %(id)s has expired: start a new one.", id=transfer.id))
    return transfer


def _party(transfer: Transfer, account: Account) -> bool:
    return account.id in (transfer.account_id, transfer.from_seller_id, transfer.to_seller_id, _top_of(transfer))


def _consent(session: Session, actor: Actor, transfer: Transfer) -> None:
    """Record the customer's consent: its words open a ticket to the seller it moves to, where the two talk about
    any further step (its seller of the day is told by email)."""
    words = TransferView(transfer, actor.account).consent_words
    ticket = open_ticket(session, actor=actor, subject=say("Transfer of %(account)s", account=transfer.account.name),
                         body=words, seller=transfer.to_seller)
    transfer.customer_ticket_id = ticket.id
    transfer.consented_by, transfer.consented_at = actor.user, utcnow()
    record_event(session, account=transfer.account, by=actor.user, action="transfer.consented", target=transfer,
                 changes={"words": words, "language": answering()})


def _accept(session: Session, actor: Actor, transfer: Transfer, *, by_rule: bool) -> None:
    """Record the receiving seller's acceptance: its words on a ticket to its own seller, or, for a release
    (``by_rule``), the distributor taking its own customer back."""
    transfer.accepted_at = utcnow()
    if by_rule:
        return
    words = TransferView(transfer, actor.account).acceptance_words
    if actor.account.parent is not None:
        domain = transfer.account.primary_domain
        subject = say("Transfer of %(account)s", account=domain) if domain else say("Transfer of a customer")
        ticket = open_ticket(session, actor=actor, subject=subject, body=words)
        transfer.receiver_ticket_id = ticket.id
    transfer.accepted_by = actor.user
    record_event(session, account=actor.account, by=actor.user, action="transfer.accepted", target=transfer,
                 changes={"words": words, "language": answering()})


def _advance(session: Session, actor: Actor, transfer: Transfer) -> TransferView:
    """Move the transfer to the state its answers put it in; complete it once it has both."""
    consented, accepted = transfer.consented_at is not None, transfer.accepted_at is not None
    transfer.status = (TransferStatus.APPROVED if consented and accepted else TransferStatus.AWAITING_ACCEPTANCE
                       if consented else TransferStatus.AWAITING_CONSENT if accepted else TransferStatus.REQUESTED)
    if transfer.status is TransferStatus.APPROVED:
        complete(session, transfer, by=actor)
    notify_transfer(session, transfer)
    return TransferView(transfer, actor.account)


def _end(session: Session, actor: Actor, transfer: Transfer, status: TransferStatus, reason: str) -> TransferView:
    said = (reason or "").strip()
    if len(said) > MAX_REASON:
        raise ValidationError({"reason": [say("Say why in at most %(most)s characters.", most=MAX_REASON)]})
    transfer.status, transfer.reason = status, said or None
    record_event(session, account=actor.account, by=actor.user, action=f"transfer.{status}", target=transfer,
                 changes={"reason": said} if said else None)
    notify_transfer(session, transfer)
    return TransferView(transfer, actor.account)


def complete(session: Session, transfer: Transfer, *, by: Actor) -> None:
    """Move the account, its subscriptions and their money to the new seller, in the caller's transaction:
    anything in the way raises before a row is changed, so it is all or nothing."""
    account, to_seller, at = transfer.account, transfer.to_seller, utcnow()
    subscriptions = session.scalars(select(Subscription).where(Subscription.owner_id == account.id)
                                    .with_for_update().options(selectinload(Subscription.plan))).all()
    _check_movable(session, account, to_seller, subscriptions)
    billed = [subscription for subscription in subscriptions if subscription.status in MOVING
              and subscription.status is not SubscriptionStatus.TRIAL]
    for subscription in billed:
        refund_rest_of_period(session, subscription, at=at, event=f"transfer-{transfer.id}")
    account.tier = None  # a price tier is the old seller's
    move_subtree(session, account, to_seller)
    for subscription in subscriptions:
        if subscription.status not in MOVING:
            continue
        changes = {"seller": [subscription.seller.name, to_seller.name],
                   "unit_price": [format(subscription.unit_price.rounded().amount, "f")]}
        subscription.seller, subscription.payer = to_seller, account
        price = prospect_prices(session, to_seller, [subscription.plan], subscription.quantity)[subscription.plan_id]
        subscription.unit_amount, subscription.currency = price.unit_price.amount, price.unit_price.currency
        changes["unit_price"].append(format(price.unit_price.amount, "f"))
        record_change(session, subscription, action="moved", by=by.user, changes=changes,
                      reason=Wording(_("%(account)s moved to %(seller)s."), {"account": account.name, "seller": to_seller.name}))
    for subscription in billed:
        charge_rest_of_period(session, subscription, at=at, event=f"transfer-{transfer.id}")
    _tell_vendors(session, transfer, [subscription for subscription in subscriptions if subscription.status in MOVING],
                  by=by)
    _charge_fee(session, transfer)
    transfer.status, transfer.completed_at = TransferStatus.COMPLETED, at
    record_event(session, account=account, by=by.user, action="transfer.completed", target=transfer,
                 changes={"from": transfer.from_seller.name, "to": to_seller.name,
                          "subscriptions": len([s for s in subscriptions if s.status in MOVING])})


def _check_movable(session: Session, account: Account, to_seller: Account, subscriptions: Iterable[Subscription]) -> None:
    """Refuse, naming what is in the way, a move that could only be half done."""
    waiting = [subscription.id for subscription in subscriptions if subscription.status is SubscriptionStatus.PENDING]
    if waiting:
        raise ConflictError(say("%(account)s has subscriptions being set up (%(subscriptions)s): complete the transfer once "
                                "they are active.", account=account.name, subscriptions=", ".join(map(str, waiting))))
    if any(subscription.suspend_reason is SuspendReason.OVERDUE for subscription in subscriptions):
        raise ConflictError(say("%(account)s has services suspended for an overdue invoice: it moves once it is paid.",
                                account=account.name))
    moving = [subscription for subscription in subscriptions if subscription.status in MOVING]
    # Priced as the account buys once moved: at the new seller's price for all its customers (no tier, no list of its own).
    priced = prospect_prices(session, to_seller, {subscription.plan for subscription in moving})
    unpriced = sorted({subscription.plan.title() for subscription in moving if subscription.plan_id not in priced})
    if unpriced:
        raise ConflictError(say("%(seller)s does not sell %(products)s: it must put them on sale, with a price, before the "
                                "transfer completes.", seller=to_seller.name, products=", ".join(unpriced)))


def _tell_vendors(session: Session, transfer: Transfer, moved: Iterable[Subscription], *, by: Actor) -> None:
    """Ask each product with a vendor to tell of its new seller (the partner of record of a Microsoft 365
    tenant, say) to do so: a provisioning request, carried out by the worker after the commit. One that fails
    stands on the new seller's list of failed provisioning to retry, and on the transfer's page."""
    previous = transfer.from_seller
    for subscription in moved:
        if declared_type(subscription.product).tells_vendor_of_transfers:
            request_provisioning(session, subscription, LifecycleAction.TRANSFER, by=by.user, payload={
                "transfer_id": transfer.id,
                "previous_seller": {"id": previous.id, "name": previous.name, "slug": previous.slug, "resells": True,
                                    "distributor": previous.kind is AccountKind.DISTRIBUTOR}})


def vendor_steps(session: Session, transfer: Transfer) -> list[ProvisioningRequest]:
    """What completing ``transfer`` asked of the products' vendors, with how each went."""
    return list(session.scalars(
        select(ProvisioningRequest).join(Subscription)
        .where(Subscription.owner_id == transfer.account_id, ProvisioningRequest.action == LifecycleAction.TRANSFER,
               ProvisioningRequest.payload["transfer_id"].as_integer() == transfer.id)
        .order_by(ProvisioningRequest.id).options(joinedload(ProvisioningRequest.subscription))
    ))


def _charge_fee(session: Session, transfer: Transfer) -> None:
    """The receiving reseller owes its distributor the transfer fee, on its next monthly invoice (once)."""
    to_seller = transfer.to_seller
    if transfer.kind is TransferKind.RELEASE or to_seller.parent is None:
        return
    fee = billing_profile(session, to_seller.parent).transfer_fee
    price_list = price_list_for(session, to_seller)
    if not fee or price_list is None:
        return
    amount = Money(Decimal(fee), price_list.currency).rounded()
    key = f"transfer:{transfer.id}:fee"
    insert_new(session, Charge.__table__, [{
        "key": key, "issuer_id": to_seller.parent.id, "recipient_id": to_seller.id, "subscription_id": None,
        "plan_id": None, "kind": ChargeKind.FEE, "quantity": 1, "unit_amount": amount.amount, "amount": amount.amount,
        "currency": amount.currency,
        **said_columns(Wording(_("Transfer of %(account)s to your account"), {"account": transfer.account.name})),
        "period_start": None, "period_end": None,
    }], key="key")
    transfer.fee_charge_key = key


def _top(account: Account) -> Account:
    while account.parent is not None:
        account = account.parent
    return account


def _top_of(transfer: Transfer) -> int:
    return int(transfer.account.path.strip("/").split("/")[0])


def _shown_name(account: Account, reader: Account) -> str:
    """The account as a reader that may not know it yet is told of it: by its domain."""
    if reader.id in (account.id, account.parent_id) or reader.parent_id is None:
        return account.name
    return account.primary_domain or "this account"
