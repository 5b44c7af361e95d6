"""The emails a ticket sends: a new request, each answer, and its end, each to the side that did not write.

Every email goes out like the others (``core.services.notifications``): in the name and brand of
the account that sells to its readers, so a reseller's customer hears from its reseller only,
under the reseller's support name, even when the account above wrote. Each has a Reply-To made
for its reader and thread (``core.reply_addresses``): answering the email answers the ticket.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from core.links import links
from core.models.accounts import Account
from core.models.people import User
from core.models.support import Ticket, TicketMessage, TicketStatus, Visibility
from core.permissions import Permission
from core.reply_addresses import reply_addresses
from core.services.notifications import email_people, people_with, sender_name_for

#: An email quotes at most this much of a message; the ticket's page has the rest.
QUOTED = 4000


def notify_message(session: Session, ticket: Ticket, message: TicketMessage, *, opens: bool = False) -> None:
    """Tell the other side of ``message``'s thread that it was written (internal notes tell nobody);
    ``opens``: it opens its thread (a new request, an escalation)."""
    if message.visibility is Visibility.INTERNAL:
        return
    by = message.author_account_id
    if message.visibility is Visibility.CUSTOMER and by == ticket.requester_id:
        _to_desk(session, ticket, ticket.seller, message, Visibility.CUSTOMER, ticket.requester.name, opens)
    elif message.visibility is Visibility.CUSTOMER:
        _to_requester(session, ticket, message)
        if by == ticket.upstream_id:
            _to_desk(session, ticket, ticket.seller, message, Visibility.CUSTOMER,
                     f"{_name(ticket.upstream)}, in your name to {ticket.requester.name}", opens)
    elif by == ticket.seller_id and ticket.upstream is not None:
        _to_desk(session, ticket, ticket.upstream, message, Visibility.UPSTREAM, ticket.seller.name, opens)
    elif by == ticket.upstream_id:
        _to_desk(session, ticket, ticket.seller, message, Visibility.UPSTREAM, _name(ticket.upstream), opens)


def notify_finished(session: Session, ticket: Ticket, status: TicketStatus) -> None:
    """Tell the requester its seller resolved or closed its request."""
    support = sender_name_for(session, ticket.seller)
    after = (f"If it is not solved, reply to this email within 14 days and {support} picks it up again."
             if status is TicketStatus.RESOLVED else "To ask anything more, open a new request.")
    email_people(session, ticket.requester, _requester_people(session, ticket), _subject(ticket),
                 f"{support} marked your request \"{ticket.subject}\" {status}. {after}\n\n"
                 f"See it here: {_link(session, ticket, ticket.requester)}",
                 reply_to=_replies(ticket, Visibility.CUSTOMER))


def _to_requester(session: Session, ticket: Ticket, message: TicketMessage) -> None:
    support = sender_name_for(session, ticket.seller)
    email_people(session, ticket.requester, _requester_people(session, ticket), _subject(ticket),
                 f"{support} answered your request:\n\n{_quoted(message)}\n\n"
                 f"Reply to this email, or read the whole conversation here: {_link(session, ticket, ticket.requester)}",
                 reply_to=_replies(ticket, Visibility.CUSTOMER))


def _to_desk(session: Session, ticket: Ticket, desk_account: Account, message: TicketMessage,
             visibility: Visibility, written_by: str, opens: bool) -> None:
    """Email the desk's assignee, or the people of its account that answer support."""
    desk = ticket.desk_of(desk_account.id)
    people = [desk.assignee] if desk is not None and desk.assignee is not None and desk.assignee.active else (
        people_with(session, desk_account, Permission.SUPPORT))
    opening = ("escalated a request" if visibility is Visibility.UPSTREAM else "opened a request") if opens else "wrote"
    email_people(session, desk_account, people, _subject(ticket),
                 f"{message.author.name} ({written_by}) {opening}:\n\n{_quoted(message)}\n\n"
                 f"Reply to this email, or answer here: {links.backoffice(f'tickets/{ticket.id}')}",
                 reply_to=_replies(ticket, visibility))


def _requester_people(session: Session, ticket: Ticket) -> list[User]:
    """Who hears about a request: the person who opened it, its account's owners and its people who answer support."""
    people = people_with(session, ticket.requester, Permission.SUPPORT)
    return [ticket.opened_by, *people] if ticket.opened_by.active else people


def _replies(ticket: Ticket, visibility: Visibility) -> Callable[[User, str | None], str]:
    """Each person's reply address for ``visibility``'s thread of the ticket."""

    def reply_to(person: User, subdomain: str | None) -> str:
        return reply_addresses.address(ticket.id, person.id, visibility, subdomain)

    return reply_to


def _name(account: Account | None) -> str:
    return account.name if account is not None else ""


def _subject(ticket: Ticket) -> str:
    return f"[#{ticket.id}] {ticket.subject}"


def _quoted(message: TicketMessage) -> str:
    body = message.body if len(message.body) <= QUOTED else f"{message.body[:QUOTED]}\n[...]"
    files = "".join(f"\n[Attached: {file.filename}]" for file in message.attachments)
    return f"{body}{files}"


def _link(session: Session, ticket: Ticket, account: Account) -> str:
    return links.for_account(session, account, f"support/{ticket.id}", f"tickets/{ticket.id}")
