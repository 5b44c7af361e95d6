"""Support tickets: a customer asks its seller; the seller answers, or escalates to the account above it.

The seed's words: "If your customers need support, they contact you. You may then escalate the
request to our support team." Each reader sees a ticket from its side (``Side``):

- the requester reads the customer's thread, where everyone on the seller's side writes under
  the seller's support name: a reseller's customer never learns there is a distributor;
- the seller reads that thread, its own internal notes, and the upstream thread once escalated;
- the account above reads the upstream thread and its own notes, and the customer's thread
  only where the seller allowed it to write there (``Ticket.upstream_writes_to_customer``).

Anyone else gets "not found", whatever the id. Answering a ticket takes the ``support``
permission; asking takes none. Each change is an event in the ticket's history, read by whoever
reads the thread it belongs to, and in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, false, func, literal, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from core.clock import utcnow
from core.errors import ConflictError, NotFoundError, PermissionDeniedError, UnknownReferenceError, ValidationError
from core.languages import say
from core.models.accounts import Account
from core.models.people import Membership, Team, User
from core.models.subscriptions import Subscription
from core.models.support import (
    Ticket,
    TicketAttachment,
    TicketDesk,
    TicketEvent,
    TicketMessage,
    TicketPriority,
    TicketStatus,
    Visibility,
)
from core.permissions import Permission
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.entitlements import FAST_TRACK_SUPPORT, entitlements_of
from core.services.notifications import sender_name_for
from core.services.ticket_files import CheckedFile, UploadedFile, checked_files
from core.services.ticket_notices import notify_finished, notify_message

#: A resolved ticket reopens when its asker writes within this time; after it, it is closed.
REOPEN_WINDOW = timedelta(days=14)
MAX_SUBJECT = 200
#: The longest first-response target a seller may set: 30 days.
MAX_TARGET_HOURS = 720
MAX_BODY = 20_000
#: Where a ticket came in, or a message was written.
SOURCES = ("web", "api", "email")
#: A desk that is done with the ticket (until its asker writes again, for ``RESOLVED``).
FINISHED = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


class Side(StrEnum):
    REQUESTER = "requester"
    SELLER = "seller"
    UPSTREAM = "upstream"


#: The threads each side reads (the upstream reads the customer's where the seller allows it to write there).
_THREADS = {
    Side.REQUESTER: frozenset({Visibility.CUSTOMER}),
    Side.SELLER: frozenset({Visibility.CUSTOMER, Visibility.INTERNAL, Visibility.UPSTREAM}),
    Side.UPSTREAM: frozenset({Visibility.INTERNAL, Visibility.UPSTREAM}),
}
#: The threads each side writes in.
_WRITES = {
    Side.REQUESTER: frozenset({Visibility.CUSTOMER}),
    Side.SELLER: frozenset({Visibility.CUSTOMER, Visibility.INTERNAL, Visibility.UPSTREAM}),
    Side.UPSTREAM: frozenset({Visibility.INTERNAL, Visibility.UPSTREAM}),
}
#: The statuses a side may set by hand.
_SETTABLE = {
    Side.REQUESTER: frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED}),
    Side.SELLER: frozenset(TicketStatus),
    Side.UPSTREAM: frozenset(TicketStatus) - {TicketStatus.WAITING_ON_UPSTREAM},
}


@dataclass(frozen=True)
class TicketView:
    """A ticket as one account reads it."""

    ticket: Ticket
    side: Side
    reader: Account

    @property
    def id(self) -> int:
        return self.ticket.id

    @property
    def desk(self) -> TicketDesk:
        """The desk whose status this reader follows: the seller's, or the upstream's for the upstream."""
        desk = self.ticket.desk_of(self.reader.id if self.side is Side.UPSTREAM else self.ticket.seller_id)
        assert desk is not None
        return desk

    @property
    def answering(self) -> bool:
        """The reader answers the ticket (seller or upstream), rather than asked it."""
        return self.side is not Side.REQUESTER

    @property
    def status(self) -> TicketStatus:
        """The desk's status; a requester reads an escalated ticket as open, nothing more."""
        status = self.desk.status
        if self.side is Side.REQUESTER and status is TicketStatus.WAITING_ON_UPSTREAM:
            return TicketStatus.OPEN
        return status

    @property
    def priority(self) -> TicketPriority:
        return self.desk.priority

    @property
    def assignee(self) -> User | None:
        return self.desk.assignee if self.answering else None

    @property
    def awaiting_since(self) -> datetime | None:
        """Since when the reader's desk owes an answer (``None`` for a requester, or once answered)."""
        return self.desk.awaiting_since if self.answering else None

    @property
    def late(self) -> bool:
        """The reader's desk has owed an answer for longer than its first-response target."""
        waiting = self.awaiting_since
        return waiting is not None and utcnow() - waiting > timedelta(hours=self.reader.first_response_hours)

    @property
    def escalated(self) -> bool:
        return self.answering and self.ticket.upstream_id is not None

    @property
    def upstream_writes_to_customer(self) -> bool:
        return self.answering and self.ticket.upstream_writes_to_customer

    @property
    def threads(self) -> frozenset[Visibility]:
        """The threads this reader reads."""
        if self.side is Side.UPSTREAM and self.ticket.upstream_writes_to_customer:
            return _THREADS[Side.UPSTREAM] | {Visibility.CUSTOMER}
        return _THREADS[self.side]

    @property
    def writes(self) -> frozenset[Visibility]:
        """The threads this reader may write in."""
        if self.side is Side.UPSTREAM and self.ticket.upstream_writes_to_customer:
            return _WRITES[Side.UPSTREAM] | {Visibility.CUSTOMER}
        if self.side is Side.SELLER and self.ticket.upstream_id is None:
            return _WRITES[Side.SELLER] - {Visibility.UPSTREAM}
        return _WRITES[self.side]

    def reads(self, visibility: Visibility, account_id: int) -> bool:
        """Whether this reader reads a message or event of ``visibility`` by (or about) ``account_id``."""
        if visibility is Visibility.INTERNAL:
            return account_id == self.reader.id
        return visibility in self.threads


@dataclass(frozen=True)
class ShownAuthor:
    """A message's author as a reader may see it."""

    name: str
    #: The account the author wrote for, where the reader may know it (never the seller's, to a requester).
    account: Account | None


# --- reading --------------------------------------------------------------------------------------


def _side(ticket: Ticket, account: Account) -> Side | None:
    if ticket.requester_id == account.id:
        return Side.REQUESTER
    if ticket.seller_id == account.id:
        return Side.SELLER
    if ticket.upstream_id == account.id:
        return Side.UPSTREAM
    return None


def _view(ticket: Ticket, actor: Actor) -> TicketView:
    side = _side(ticket, actor.account)
    if side is None:
        raise NotFoundError(say("No ticket %(id)s is open to %(account)s.", id=ticket.id, account=actor.account.name))
    if side is not Side.REQUESTER:
        actor.require(Permission.SUPPORT)
    return TicketView(ticket, side, actor.account)


def get_ticket(session: Session, actor: Actor, ticket_id: int, *, for_update: bool = False) -> TicketView:
    """The ticket as the actor's account reads it: "not found" unless it asked, sells, or was escalated to."""
    query = select(Ticket).where(Ticket.id == ticket_id).options(
        selectinload(Ticket.desks).joinedload(TicketDesk.assignee), joinedload(Ticket.requester),
        joinedload(Ticket.subscription))
    ticket = session.scalar(query.with_for_update(of=Ticket) if for_update else query)
    if ticket is None:
        raise NotFoundError(say("No ticket %(id)s is open to %(account)s.", id=ticket_id, account=actor.account.name))
    return _view(ticket, actor)


def visible_tickets(
    actor: Actor,
    *,
    status: TicketStatus | None = None,
    account_id: int | None = None,
    assignee_id: int | None = None,
    unassigned: bool = False,
    search: str | None = None,
    waiting_longer_than: timedelta | None = None,
    asked: bool | None = None,
) -> Select[tuple[Ticket]]:
    """The query of the tickets the actor's account reads, each joined with the desk it follows (``TicketDesk``: its
    own when it answers, the seller's when it asked), whose columns a list may sort by; ``read_as`` makes its rows
    what the account reads.

    ``asked`` narrows them to those it asked (``True``) or answers (``False``); ``account_id`` to those
    one account asked; ``assignee_id`` to those one person holds at the reader's desk (``unassigned``: nobody); ``search``
    to a ticket number, words of the subject, or part of the name of the account that asked or sells; ``waiting_longer_than``
    to those whose answer the reader's desk has owed for longer."""
    me = actor.account.id
    asked_it = Ticket.requester_id == me
    answers_it = or_(Ticket.seller_id == me, Ticket.upstream_id == me) if Permission.SUPPORT in actor.permissions \
        else false()
    mine = asked_it if asked else answers_it if asked is False else or_(asked_it, answers_it)
    desk = and_(TicketDesk.ticket_id == Ticket.id,
                or_(TicketDesk.account_id == me,
                    and_(Ticket.requester_id == me, TicketDesk.account_id == Ticket.seller_id)))
    query = select(Ticket).join(TicketDesk, desk).where(mine).options(
        selectinload(Ticket.desks).joinedload(TicketDesk.assignee), joinedload(Ticket.requester),
        joinedload(Ticket.seller))
    if status is not None:
        matches = TicketDesk.status == status
        if status is TicketStatus.OPEN:  # a requester reads an escalated ticket as open
            matches = or_(matches, and_(Ticket.requester_id == me,
                                        TicketDesk.status == TicketStatus.WAITING_ON_UPSTREAM))
        query = query.where(matches)
    if account_id is not None:
        query = query.where(Ticket.requester_id == account_id)
    if assignee_id is not None:
        query = query.where(TicketDesk.assignee_id == assignee_id, TicketDesk.account_id == me)
    if unassigned:
        query = query.where(TicketDesk.assignee_id.is_(None), TicketDesk.account_id == me)
    if search and (words := search.strip()):
        number = words.lstrip("#")
        # Never the upstream's name: a requester does not learn where its ticket was escalated.
        named = select(Account.id).where(Account.name.icontains(words, autoescape=True))
        query = query.where(or_(func.lower(Ticket.subject).contains(words.lower(), autoescape=True),
                                Ticket.id == int(number) if number.isdigit() and len(number) < 10 else false(),
                                Ticket.requester_id.in_(named), Ticket.seller_id.in_(named)))
    if waiting_longer_than is not None:
        query = query.where(TicketDesk.account_id == me, TicketDesk.awaiting_since < utcnow() - waiting_longer_than)
    return query


def read_status(actor: Actor) -> ColumnElement[str]:
    """The status of the desk a row of ``visible_tickets`` joins as the actor's account reads it (``TicketView.status``),
    for a list to sort by: an escalated ticket reads as open to its requester."""
    me = actor.account.id
    return case((and_(Ticket.requester_id == me, TicketDesk.status == TicketStatus.WAITING_ON_UPSTREAM),
                 literal(TicketStatus.OPEN.value)), else_=TicketDesk.status)


def read_as(actor: Actor, tickets: Iterable[Ticket]) -> list[TicketView]:
    """``tickets`` (of ``visible_tickets``) as the actor's account reads them."""
    return [TicketView(ticket, _side(ticket, actor.account) or Side.REQUESTER, actor.account) for ticket in tickets]


def list_tickets(session: Session, actor: Actor, *, after_id: int | None = None, limit: int = 50,
                 **filters: Any) -> list[TicketView]:
    """The tickets the actor's account reads (``visible_tickets``, narrowed by its ``filters``), newest first (after
    ``after_id``, for paging)."""
    query = visible_tickets(actor, **filters)
    if after_id is not None:
        query = query.where(Ticket.id < after_id)
    return read_as(actor, session.scalars(query.order_by(Ticket.id.desc()).limit(limit)).unique())


def awaiting_answer(session: Session, actor: Actor, limit: int = 20) -> list[TicketView]:
    """The tickets the actor's desk owes an answer (not those it escalated: it waits on them too), for its home:
    escalations from sellers with fast-tracked support first (the seed's "fast-tracked support" for resellers on
    a paid plan), then the longest waiting."""
    if Permission.SUPPORT not in actor.permissions:
        return []
    me = actor.account
    tickets = session.scalars(
        select(Ticket).join(TicketDesk, TicketDesk.ticket_id == Ticket.id).where(_owed_by(me.id))
        .order_by(TicketDesk.awaiting_since).limit(limit * 5)
        .options(selectinload(Ticket.desks).joinedload(TicketDesk.assignee), joinedload(Ticket.requester),
                 joinedload(Ticket.seller))
    ).unique().all()
    views = [TicketView(ticket, _side(ticket, me) or Side.SELLER, me) for ticket in tickets]
    fast = fast_tracked(session, views)
    views.sort(key=lambda view: (view.id not in fast, view.desk.awaiting_since))
    return views[:limit]


def count_awaiting(session: Session, actor: Actor) -> int:
    """How many tickets the actor's desk owes an answer (what ``awaiting_answer`` lists, counted)."""
    if Permission.SUPPORT not in actor.permissions:
        return 0
    return session.scalar(select(func.count()).select_from(TicketDesk).where(_owed_by(actor.account.id))) or 0


def _owed_by(account_id: int) -> Any:
    """The desks of ``account_id`` that owe an answer: waited on, neither finished nor waiting on the account above."""
    return and_(TicketDesk.account_id == account_id, TicketDesk.awaiting_since.is_not(None),
                TicketDesk.status.not_in((*FINISHED, TicketStatus.WAITING_ON_UPSTREAM)))


def fast_tracked(session: Session, views: Iterable[TicketView]) -> frozenset[int]:
    """The ids of ``views`` that are escalations the reader owes a seller whose plan fast-tracks its support."""
    escalations = [view for view in views if view.side is Side.UPSTREAM]
    fast_sellers = {seller.id for seller in {view.ticket.seller for view in escalations}
                    if FAST_TRACK_SUPPORT in entitlements_of(session, seller)}
    return frozenset(view.id for view in escalations if view.ticket.seller_id in fast_sellers)


def thread(session: Session, view: TicketView) -> list[TicketMessage]:
    """The messages the reader reads, oldest first, with their files."""
    messages = session.scalars(
        select(TicketMessage).where(TicketMessage.ticket_id == view.id, TicketMessage.visibility.in_(view.threads))
        .order_by(TicketMessage.id)
        .options(joinedload(TicketMessage.author), selectinload(TicketMessage.attachments))
    )
    return [message for message in messages if view.reads(message.visibility, message.author_account_id)]


def history(session: Session, view: TicketView) -> list[TicketEvent]:
    """The changes the reader may know of, oldest first."""
    events = session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == view.id, TicketEvent.visibility.in_(view.threads))
        .order_by(TicketEvent.id).options(joinedload(TicketEvent.by))
    )
    return [event for event in events if view.reads(event.visibility, event.account_id)]


def shown_author(session: Session, view: TicketView, message: TicketMessage) -> ShownAuthor:
    """Who wrote ``message``, as the reader may see it: to a requester, everyone answering it is the seller's
    support, under the seller's name; sellers and the account above see people and the accounts they wrote for."""
    if message.author_account_id == view.reader.id:
        return ShownAuthor(message.author.name, view.reader)
    if view.side is Side.REQUESTER:
        return ShownAuthor(sender_name_for(session, view.ticket.seller), None)
    return ShownAuthor(message.author.name, message.author_account)


def get_attachment(session: Session, actor: Actor, ticket_id: int, attachment_id: int) -> TicketAttachment:
    """A file of a message the actor reads; "not found" for any other, whatever the id."""
    view = get_ticket(session, actor, ticket_id)
    found = session.scalar(
        select(TicketAttachment).join(TicketMessage)
        .where(TicketAttachment.id == attachment_id, TicketMessage.ticket_id == view.id)
        .options(joinedload(TicketAttachment.message))
    )
    if found is None or not view.reads(found.message.visibility, found.message.author_account_id):
        raise NotFoundError(say("Ticket %(id)s has no file %(file)s.", id=ticket_id, file=attachment_id))
    return found


# --- writing --------------------------------------------------------------------------------------


def open_ticket(
    session: Session,
    *,
    actor: Actor,
    subject: str,
    body: str,
    subscription_id: int | None = None,
    attachments: Sequence[UploadedFile] = (),
    source: str = "web",
    seller: Account | None = None,
) -> TicketView:
    """Ask the actor's account's seller for help; its support people are told. Every problem is
    named by field, and nothing is stored. ``seller`` asks another account than the requester's seller:
    the one a transfer moves it to, where the two talk about the move."""
    requester = actor.account
    errors: dict[str, list[str]] = {}
    subject = _subject(subject, errors)
    body = _body(body, errors)
    files = _files(attachments, errors)
    if errors:
        raise ValidationError(errors)
    if subscription_id is not None:
        subscription = session.get(Subscription, subscription_id)
        if subscription is None or subscription.owner_id != requester.id:
            raise UnknownReferenceError({"subscription_id": [say("%(account)s has no subscription %(id)s.",
                                                                 account=requester.name, id=subscription_id)]})
    asked = seller or requester.parent
    if asked is None:
        raise ConflictError(say("%(account)s sells to others and buys from nobody: there is no one to ask.",
                                account=requester.name))
    ticket = Ticket(requester=requester, seller=asked, subscription_id=subscription_id, opened_by=actor.user,
                    subject=subject)
    session.add(ticket)
    ticket.desks.append(TicketDesk(account=asked, status=TicketStatus.OPEN, priority=TicketPriority.NORMAL,
                                   awaiting_since=utcnow()))
    message = _write(session, ticket, actor, Visibility.CUSTOMER, body, files, source)
    _event(session, ticket, actor, Visibility.CUSTOMER, "opened", {"subject": [None, subject]})
    notify_message(session, ticket, message, opens=True)
    return TicketView(ticket, Side.REQUESTER, requester)


def add_message(
    session: Session,
    *,
    actor: Actor,
    ticket_id: int,
    body: str,
    visibility: Visibility | str = Visibility.CUSTOMER,
    attachments: Sequence[UploadedFile] = (),
    source: str = "web",
) -> TicketMessage:
    """Write in one of the ticket's threads; the desks it concerns follow (the asker writing reopens a
    resolved ticket within ``REOPEN_WINDOW``; an answer marks the desk answered) and the other side is told."""
    view = get_ticket(session, actor, ticket_id, for_update=True)
    errors: dict[str, list[str]] = {}
    thread_of = _visibility(visibility, view, errors)
    body = _body(body, errors)
    files = _files(attachments, errors)
    if errors:
        raise ValidationError(errors)
    assert thread_of is not None
    ticket = view.ticket
    _follow(session, view, actor, thread_of)
    message = _write(session, ticket, actor, thread_of, body, files, source)
    notify_message(session, ticket, message)
    return message


def update_ticket(session: Session, *, actor: Actor, ticket_id: int, **changes: Any) -> TicketView:
    """Change what the actor's side may change: ``status`` (a requester: resolved or closed only),
    ``priority`` and ``assignee_id`` at the actor's desk, and, for the seller, whether the account above
    writes in the customer's thread (``upstream_writes_to_customer``)."""
    view = get_ticket(session, actor, ticket_id, for_update=True)
    allowed = {"status"} | ({"priority", "assignee_id"} if view.answering else set()) | (
        {"upstream_writes_to_customer"} if view.side is Side.SELLER else set())
    errors: dict[str, list[str]] = {name: [say("You cannot change this on this ticket.")] for name in changes
                                    if name not in allowed}
    desk = view.desk
    planned: dict[str, Any] = {}
    if "status" in changes and "status" in allowed:
        planned["status"] = _status(changes["status"], view, errors)
    if "priority" in changes and "priority" in allowed:
        planned["priority"] = _choice(TicketPriority, changes["priority"], "priority", errors)
    if "assignee_id" in changes and "assignee_id" in allowed:
        planned["assignee"] = _assignee(session, changes["assignee_id"], desk.account, errors)
    if "upstream_writes_to_customer" in changes and "upstream_writes_to_customer" in allowed:
        value = changes["upstream_writes_to_customer"]
        if not isinstance(value, bool):
            errors["upstream_writes_to_customer"] = [say("Give true or false.")]
        planned["upstream_writes_to_customer"] = value
    if errors:
        raise ValidationError(errors)
    ticket = view.ticket
    if "status" in planned and planned["status"] is not desk.status:
        _set_status(session, view, actor, desk, planned["status"])
    if "priority" in planned and planned["priority"] is not desk.priority:
        _event(session, ticket, actor, Visibility.INTERNAL, "priority", {"priority": [desk.priority, planned["priority"]]})
        desk.priority = planned["priority"]
    if "assignee" in planned and planned["assignee"] is not desk.assignee:
        old, new = desk.assignee, planned["assignee"]
        _event(session, ticket, actor, Visibility.INTERNAL, "assigned",
               {"assignee": [old.name if old else None, new.name if new else None]})
        desk.assignee = new
    if "upstream_writes_to_customer" in planned and planned["upstream_writes_to_customer"] != ticket.upstream_writes_to_customer:
        allowed_now = planned["upstream_writes_to_customer"]
        _event(session, ticket, actor, Visibility.UPSTREAM, "upstream_allowed",
               {"upstream_writes_to_customer": [not allowed_now, allowed_now]})
        ticket.upstream_writes_to_customer = allowed_now
    return view


def escalate_ticket(
    session: Session,
    *,
    actor: Actor,
    ticket_id: int,
    body: str,
    copy_message_ids: Iterable[int] = (),
    attachments: Sequence[UploadedFile] = (),
    source: str = "web",
) -> TicketView:
    """Hand a ticket the seller cannot solve to the account above it: a thread of their own, opening with
    ``body`` and the messages the seller chose to copy there; the seller's desk then waits on it."""
    view = get_ticket(session, actor, ticket_id, for_update=True)
    ticket = view.ticket
    if view.side is not Side.SELLER:
        raise PermissionDeniedError(say("Only the seller that answers a ticket escalates it."))
    if ticket.upstream_id is not None:
        raise ConflictError(say("Ticket %(id)s is escalated already: write in its upstream thread.", id=ticket.id))
    upstream = ticket.seller.parent
    if upstream is None:
        raise ConflictError(say("%(seller)s buys from nobody: there is no one to escalate to.", seller=ticket.seller.name))
    errors: dict[str, list[str]] = {}
    body = _body(body, errors)
    wanted = list(dict.fromkeys(copy_message_ids))
    readable = {message.id: message for message in thread(session, view) if message.visibility is not Visibility.UPSTREAM}
    if unknown := [str(message_id) for message_id in wanted if message_id not in readable]:
        errors["copy_message_ids"] = [say("Ticket %(id)s has no message %(messages)s to copy.", id=ticket.id,
                                            messages=", ".join(unknown))]
    files = _files(attachments, errors)
    if errors:
        raise ValidationError(errors)
    now = utcnow()
    ticket.upstream = upstream
    ticket.escalated_at = now
    ticket.desks.append(TicketDesk(account=upstream, status=TicketStatus.OPEN, priority=TicketPriority.NORMAL,
                                   awaiting_since=now))
    for message_id in wanted:
        original = readable[message_id]
        copy = TicketMessage(ticket=ticket, visibility=Visibility.UPSTREAM, author=original.author,
                             author_account=original.author_account, body=original.body, source=original.source,
                             copied_from_id=original.id)
        copy.attachments = [TicketAttachment(filename=file.filename, media_type=file.media_type, size=file.size,
                                             content=file.content) for file in original.attachments]
        session.add(copy)
    message = _write(session, ticket, actor, Visibility.UPSTREAM, body, files, source)
    _set_status(session, view, actor, view.desk, TicketStatus.WAITING_ON_UPSTREAM)
    _event(session, ticket, actor, Visibility.UPSTREAM, "escalated", {"upstream": [None, upstream.name]})
    notify_message(session, ticket, message, opens=True)
    return view


def set_first_response_target(session: Session, *, actor: Actor, hours: Any) -> Account:
    """Set within how many hours the actor's account means to answer a request (1 to 720): a ticket waiting
    longer stands out as late on its home and in its inbox."""
    actor.require(Permission.SUPPORT)
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= MAX_TARGET_HOURS:
        raise ValidationError({"first_response_hours": [say("Give a whole number of hours from 1 to %(most)s.",
                                                               most=MAX_TARGET_HOURS)]})
    account = actor.account
    if hours != account.first_response_hours:
        record_event(session, account=account, by=actor.user, action="support.target_changed", target=account,
                     changes={"first_response_hours": [account.first_response_hours, hours]})
        account.first_response_hours = hours
    return account


def close_resolved_tickets(session: Session, now: datetime | None = None) -> int:
    """Close the desks resolved longer than ``REOPEN_WINDOW`` ago; answer how many (the scheduler runs it)."""
    now = now or utcnow()
    desks = session.scalars(
        select(TicketDesk).where(TicketDesk.status == TicketStatus.RESOLVED, TicketDesk.resolved_at < now - REOPEN_WINDOW)
        .options(joinedload(TicketDesk.ticket))
    ).all()
    closed = {"status": [str(TicketStatus.RESOLVED), str(TicketStatus.CLOSED)]}
    for desk in desks:
        desk.status = TicketStatus.CLOSED
        session.add(TicketEvent(ticket=desk.ticket, visibility=_desk_thread(desk), account_id=desk.account_id,
                                by_id=None, action="status", changes=closed))
        record_event(session, account=desk.account, by=None, action="ticket.status", target=desk.ticket, changes=closed)
    return len(desks)


# --- the rules behind the writing -----------------------------------------------------------------


def _follow(session: Session, view: TicketView, actor: Actor, visibility: Visibility) -> None:
    """Move the desks a new message in ``visibility`` concerns."""
    ticket, now = view.ticket, utcnow()
    seller_desk, upstream_desk = ticket.desk_of(ticket.seller_id), ticket.desk_of(ticket.upstream_id)
    assert seller_desk is not None
    if visibility is Visibility.INTERNAL:
        return
    if view.side is Side.REQUESTER:
        _asked(session, ticket, actor, seller_desk, now, reopens=True)
    elif visibility is Visibility.CUSTOMER:  # the seller answers (or the upstream, as the seller)
        _answered(session, ticket, actor, seller_desk, now)
        if view.side is Side.UPSTREAM and upstream_desk is not None:
            _answered(session, ticket, actor, upstream_desk, now)
            if seller_desk.status is TicketStatus.WAITING_ON_UPSTREAM:  # the customer has its answer
                _set_status(session, _desk_view(ticket, seller_desk), actor, seller_desk, TicketStatus.WAITING_ON_CUSTOMER)
    elif view.side is Side.SELLER:  # the seller writes upstream: the upstream's turn
        assert upstream_desk is not None
        _asked(session, ticket, actor, upstream_desk, now, reopens=True)
    else:  # the upstream answers the seller, whose turn it is to answer its customer
        assert upstream_desk is not None
        _answered(session, ticket, actor, upstream_desk, now)
        if seller_desk.status is TicketStatus.WAITING_ON_UPSTREAM:
            _set_status(session, TicketView(ticket, Side.SELLER, ticket.seller), actor, seller_desk, TicketStatus.OPEN)
        seller_desk.awaiting_since = seller_desk.awaiting_since or now


def _asked(session: Session, ticket: Ticket, actor: Actor, desk: TicketDesk, now: datetime, *, reopens: bool) -> None:
    """The side a desk answers wrote: the desk owes an answer again."""
    if desk.status is TicketStatus.CLOSED or (
            desk.status is TicketStatus.RESOLVED and desk.resolved_at is not None and now - desk.resolved_at > REOPEN_WINDOW):
        raise ConflictError(say("Ticket %(id)s is closed: open a new one, naming this one if it helps.", id=ticket.id))
    if desk.status in (TicketStatus.RESOLVED, TicketStatus.WAITING_ON_CUSTOMER) and reopens:
        _set_status(session, _desk_view(ticket, desk), actor, desk, TicketStatus.OPEN)
    desk.awaiting_since = desk.awaiting_since or now


def _answered(session: Session, ticket: Ticket, actor: Actor, desk: TicketDesk, now: datetime) -> None:
    """The desk answered: it owes nothing until the other side writes; an open ticket now waits on its asker."""
    if desk.status is TicketStatus.CLOSED:
        raise ConflictError(say("Ticket %(id)s is closed: reopen it to write in it.", id=ticket.id))
    desk.awaiting_since = None
    desk.first_response_at = desk.first_response_at or now
    if desk.status is TicketStatus.OPEN:
        _set_status(session, _desk_view(ticket, desk), actor, desk, TicketStatus.WAITING_ON_CUSTOMER)


def _set_status(session: Session, view: TicketView, actor: Actor, desk: TicketDesk, status: TicketStatus) -> None:
    old = desk.status
    desk.status = status
    if status is TicketStatus.RESOLVED:
        desk.resolved_at = utcnow()
    if status in FINISHED:
        desk.awaiting_since = None
    # A requester reads an escalated ticket as open: that it waits on anyone above its seller is the seller's own.
    shown_old = TicketStatus.OPEN if old is TicketStatus.WAITING_ON_UPSTREAM else old
    if status is TicketStatus.WAITING_ON_UPSTREAM or shown_old is status:
        _event(session, view.ticket, actor, Visibility.INTERNAL, "status", {"status": [old, status]}, account=desk.account)
    else:
        _event(session, view.ticket, actor, _desk_thread(desk), "status", {"status": [shown_old, status]},
               account=desk.account)
    if status in FINISHED and desk.account_id == view.ticket.seller_id and actor.account.id != view.ticket.requester_id:
        notify_finished(session, view.ticket, status)


def _desk_thread(desk: TicketDesk) -> Visibility:
    """The thread whose readers follow ``desk``: the customer's for the seller's, the upstream one for the upstream's."""
    return Visibility.CUSTOMER if desk.account_id == desk.ticket.seller_id else Visibility.UPSTREAM


def _desk_view(ticket: Ticket, desk: TicketDesk) -> TicketView:
    return TicketView(ticket, Side.SELLER if desk.account_id == ticket.seller_id else Side.UPSTREAM, desk.account)


def _write(session: Session, ticket: Ticket, actor: Actor, visibility: Visibility, body: str,
           files: Sequence[CheckedFile], source: str) -> TicketMessage:
    message = TicketMessage(ticket=ticket, visibility=visibility, author=actor.user, author_account=actor.account,
                            body=body, source=source if source in SOURCES else "web")
    if visibility is Visibility.CUSTOMER:
        ticket.last_message_at = utcnow()
    message.attachments = [TicketAttachment(filename=file.filename, media_type=file.media_type,
                                            size=len(file.content), content=file.content) for file in files]
    session.add(message)
    session.flush()
    return message


def _event(session: Session, ticket: Ticket, actor: Actor, visibility: Visibility, action: str,
           changes: dict[str, list[Any]], *, account: Account | None = None) -> None:
    """Write a change to the ticket's history, for the readers of ``visibility``'s thread (``account``'s own, for an
    internal one), and to the audit log of the actor's account (``ticket.<action>``)."""
    shown = {name: [None if value is None else str(value) for value in pair] for name, pair in changes.items()}
    session.add(TicketEvent(ticket=ticket, visibility=visibility, account_id=(account or actor.account).id,
                            by_id=actor.user.id, action=action, changes=shown))
    record_event(session, account=actor.account, by=actor.user, action=f"ticket.{action}", target=ticket, changes=shown)


def _files(attachments: Sequence[UploadedFile], errors: dict[str, list[str]]) -> list[CheckedFile]:
    """The attachments as checked by their bytes; the refused ones are named in ``errors``."""
    try:
        return checked_files(list(attachments))
    except ValidationError as refused:
        errors.update(refused.fields)
        return []


def _subject(value: Any, errors: dict[str, list[str]]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not 1 <= len(text) <= MAX_SUBJECT or "\n" in text or "\r" in text:
        errors["subject"] = [say("Say what it is about in one line of 1 to %(most)s characters.", most=MAX_SUBJECT)]
    return text


def _body(value: Any, errors: dict[str, list[str]]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not 1 <= len(text) <= MAX_BODY:
        errors["body"] = [say("Write a message of 1 to %(most)s characters.", most=MAX_BODY)]
    return text


def _visibility(value: Any, view: TicketView, errors: dict[str, list[str]]) -> Visibility | None:
    choice = _choice(Visibility, value, "visibility", errors)
    if choice is not None and choice not in view.writes:
        if choice is Visibility.UPSTREAM and view.side is Side.SELLER:
            errors["visibility"] = [say("This ticket is not escalated: escalate it to write upstream.")]
        else:
            errors["visibility"] = [say("You cannot write in the %(thread)s thread: choose one of %(choices)s.",
                                          choices=", ".join(sorted(view.writes)), thread=choice)]
        return None
    return choice


def _status(value: Any, view: TicketView, errors: dict[str, list[str]]) -> TicketStatus | None:
    choice = _choice(TicketStatus, value, "status", errors)
    if choice is not None and not view.answering and view.desk.status is TicketStatus.CLOSED:
        errors["status"] = [say("This request is closed for good: open a new one.")]
        return None
    settable = _SETTABLE[view.side] - ({TicketStatus.WAITING_ON_UPSTREAM} if view.ticket.upstream_id is None else set())
    if choice is not None and choice not in settable:
        errors["status"] = [say("Choose one of: %(choices)s.", choices=", ".join(sorted(settable)))]
        return None
    return choice


def _choice(enum: type[StrEnum], value: Any, field: str, errors: dict[str, list[str]]) -> Any:
    try:
        return enum(value)
    except ValueError:
        errors[field] = [say("Choose one of: %(choices)s.", choices=", ".join(member.value for member in enum))]
        return None


def _assignee(session: Session, value: Any, account: Account, errors: dict[str, list[str]]) -> User | None:
    """A person of the desk's account whose teams answer support, or ``None`` to unassign."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors["assignee_id"] = [say("Give a person's id, or null.")]
        return None
    teams = session.scalars(
        select(Team).join(Membership).where(Membership.user_id == value, Team.account_id == account.id)
    ).all()
    person = session.get(User, value) if any(Permission.SUPPORT in team.permissions for team in teams) else None
    if person is None or not person.active:
        errors["assignee_id"] = [say("%(account)s has no person %(id)s who answers support.", account=account.name, id=value)]
        return None
    return person
