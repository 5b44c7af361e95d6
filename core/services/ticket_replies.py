"""Answers by email: a reply to a ticket's notification becomes a message on that ticket.

The mail server hands each message sent to a reply address to ``cascade support receive-email``
(a pipe, as Postfix's ``pipe`` transport or Exim's ``pipe`` router do). The address must be one
the platform made (``core.reply_addresses``), the sender the person it was made for, and that
person still one of the ticket's readers: anything else is refused, logged, and stores nothing.
The answer is the message's plain text without the quoted email under it; its attachments go
through the same checks as on the web.
"""

from __future__ import annotations

import logging
import re
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import getaddresses

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFoundError, ValidationError
from core.languages import say
from core.models.accounts import Account
from core.models.people import Membership, Team, User
from core.models.support import Ticket, TicketMessage, Visibility
from core.reply_addresses import reply_addresses
from core.services.actors import acting_as
from core.services.ticket_files import UploadedFile
from core.services.tickets import add_message

log = logging.getLogger(__name__)

#: The line a mail client writes above the message it quotes ("On 3 May, Ann wrote:", "Le 3 mai, Ann a écrit :").
_QUOTE_HEADER = re.compile(r"^(On\b.*\bwrote:|Le\b.*\ba écrit\s?:|-{2,}\s*Original Message\s*-{2,}|From:\s.*)\s*$",
                           re.IGNORECASE)


class ForgedReplyError(NotFoundError):
    """The message's address or sender is not one a ticket's email was sent to."""


def receive_reply(session: Session, raw: bytes, recipient: str | None = None) -> TicketMessage:
    """Add the email ``raw``, sent to the reply address ``recipient`` (by default the first such address among
    its To, Cc and Delivered-To), to the ticket the address names, as its sender's message."""
    message = message_from_bytes(raw, policy=default_policy)
    assert isinstance(message, EmailMessage)
    addresses = [recipient] if recipient else [address for _, address in getaddresses(
        [str(value) for header in ("Delivered-To", "To", "Cc") for value in message.get_all(header, [])])]
    target = next((found for address in addresses if (found := reply_addresses.target(address))), None)
    if target is None:
        log.warning("email to %s refused: not a reply address of any ticket", ", ".join(addresses) or "nobody")
        raise ForgedReplyError(say("This address answers no ticket."))
    sender = getaddresses([str(message.get("From", ""))])
    person = session.get(User, target.user_id)
    if person is None or not person.active or not sender or sender[0][1].lower() != person.email:
        log.warning("email for ticket %s refused: sent by %s, not by the person its reply address was made for",
                    target.ticket_id, sender[0][1] if sender else "nobody")
        raise ForgedReplyError(say("This address answers no ticket of yours."))
    ticket = session.get(Ticket, target.ticket_id)
    account = _account_answering(session, ticket, person, target.visibility) if ticket is not None else None
    if ticket is None or account is None:
        log.warning("email for ticket %s refused: %s no longer reads its thread", target.ticket_id, person.email)
        raise ForgedReplyError(say("This address answers no ticket of yours."))
    body = answer_text(message)
    actor = acting_as(session, person, account)
    return add_message(session, actor=actor, ticket_id=ticket.id, body=body, visibility=target.visibility,
                       attachments=_files(message), source="email")


def answer_text(message: EmailMessage) -> str:
    """The answer a reply holds: its plain text, down to the quoted email a mail client put under it."""
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        raise ValidationError({"body": [say("The email has no plain-text part: send it as text, or answer on the web.")]})
    lines = []
    for line in part.get_content().splitlines():
        if _QUOTE_HEADER.match(line.strip()):
            break
        if not line.startswith(">"):
            lines.append(line.rstrip())
    return "\n".join(lines).strip()


def _account_answering(session: Session, ticket: Ticket, person: User, visibility: Visibility) -> Account | None:
    """The account of the ticket's that ``person`` writes for in ``visibility``'s thread, or ``None``."""
    sides = ([ticket.requester, ticket.seller] + ([ticket.upstream] if ticket.upstream_writes_to_customer else [])
             if visibility is Visibility.CUSTOMER else [ticket.seller, ticket.upstream])
    accounts = {account.id: account for account in sides if account is not None}
    member_of = set(session.scalars(
        select(Team.account_id).join(Membership).where(Membership.user_id == person.id,
                                                       Team.account_id.in_(accounts))
    ))
    return next((account for account_id, account in accounts.items() if account_id in member_of), None)


def _files(message: EmailMessage) -> list[UploadedFile]:
    return [UploadedFile(part.get_filename() or "attachment", part.get_payload(decode=True) or b"")
            for part in message.iter_attachments() if not part.is_multipart()]
