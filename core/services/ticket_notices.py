"""The emails a ticket sends: a new request, each answer, and its end, each to the side that did not write.

Every email goes out like the others (``core.services.notifications``): in the name and brand of
the account that sells to its readers, so a reseller's customer hears from its reseller only,
under the reseller's support name, even when the account above wrote. Each has a Reply-To made
for its reader and thread (``core.reply_addresses``): answering the email answers the ticket.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from core.i18n import Translator
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
            _to_desk(session, ticket, ticket.seller, message, Visibility.CUSTOMER, _name(ticket.upstream), opens,
                     in_name_to=ticket.requester.name)
    elif by == ticket.seller_id and ticket.upstream is not None:
        _to_desk(session, ticket, ticket.upstream, message, Visibility.UPSTREAM, ticket.seller.name, opens)
    elif by == ticket.upstream_id:
        _to_desk(session, ticket, ticket.seller, message, Visibility.UPSTREAM, _name(ticket.upstream), opens)


def notify_finished(session: Session, ticket: Ticket, status: TicketStatus) -> None:
    """Tell the requester its seller resolved or closed its request."""
    named = {"support": sender_name_for(session, ticket.seller), "subject": ticket.subject,
             "link": _link(session, ticket, ticket.requester)}

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        if status is TicketStatus.RESOLVED:
            text = _("%(support)s marked your request \"%(subject)s\" resolved. If it is not solved, reply to this email "
                     "within 14 days and %(support)s picks it up again.\n\nSee it here: %(link)s") % named
        else:
            text = _("%(support)s marked your request \"%(subject)s\" closed. To ask anything more, open a new request."
                     "\n\nSee it here: %(link)s") % named
        return _subject(ticket), text

    email_people(session, ticket.requester, _requester_people(session, ticket), wording,
                 reply_to=_replies(ticket, Visibility.CUSTOMER))


def _to_requester(session: Session, ticket: Ticket, message: TicketMessage) -> None:
    named = {"support": sender_name_for(session, ticket.seller), "link": _link(session, ticket, ticket.requester)}

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        return _subject(ticket), _("%(support)s answered your request:\n\n%(message)s\n\nReply to this email, or read "
                                   "the whole conversation here: %(link)s") % {**named,
                                                                              "message": _quoted(translator, message)}

    email_people(session, ticket.requester, _requester_people(session, ticket), wording,
                 reply_to=_replies(ticket, Visibility.CUSTOMER))


def _to_desk(session: Session, ticket: Ticket, desk_account: Account, message: TicketMessage,
             visibility: Visibility, written_by: str, opens: bool, *, in_name_to: str | None = None) -> None:
    """Email the desk's assignee, or the people of its account that answer support; ``in_name_to``: the
    requester the account above (``written_by``) answered in the desk's name."""
    desk = ticket.desk_of(desk_account.id)
    people = [desk.assignee] if desk is not None and desk.assignee is not None and desk.assignee.active else (
        people_with(session, desk_account, Permission.SUPPORT))
    named = {"author": message.author.name, "link": links.backoffice(f"tickets/{ticket.id}")}

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        by = written_by if in_name_to is None else (
            _("%(account)s, in your name to %(requester)s") % {"account": written_by, "requester": in_name_to})
        if not opens:
            said = _("%(author)s (%(by)s) wrote:") % {**named, "by": by}
        elif visibility is Visibility.UPSTREAM:
            said = _("%(author)s (%(by)s) escalated a request:") % {**named, "by": by}
        else:
            said = _("%(author)s (%(by)s) opened a request:") % {**named, "by": by}
        return _subject(ticket), _("%(said)s\n\n%(message)s\n\nReply to this email, or answer here: %(link)s") % {
            **named, "said": said, "message": _quoted(translator, message)}

    email_people(session, desk_account, people, wording, reply_to=_replies(ticket, visibility))


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


def _quoted(translator: Translator, message: TicketMessage) -> str:
    body = message.body if len(message.body) <= QUOTED else f"{message.body[:QUOTED]}\n[...]"
    files = "".join("\n" + translator.gettext("[Attached: %(file)s]") % {"file": file.filename}
                    for file in message.attachments)
    return f"{body}{files}"


def _link(session: Session, ticket: Ticket, account: Account) -> str:
    return links.for_account(session, account, f"support/{ticket.id}", f"tickets/{ticket.id}")
