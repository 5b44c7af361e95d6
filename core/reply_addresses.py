"""Signed reply addresses: answering a ticket's email adds the answer to that ticket.

Each notification about a ticket goes out with a Reply-To naming the ticket, the person it was
sent to and the thread it belongs to, signed with the app's secret key:
``reply+42-7-c-<signature>@bright.mail.example``. Only the platform can make one, so an address
made up, altered, or lifted from another ticket's email names nothing. Like the links, it is set
up by the app factory from ``CASCADE_SECRET_KEY`` and ``CASCADE_MAIL_DOMAIN``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from core.models.support import Visibility

#: The threads a reply can go to, each by the letter its address names it with.
_THREADS = {"c": Visibility.CUSTOMER, "u": Visibility.UPSTREAM}
_LETTERS = {thread: letter for letter, thread in _THREADS.items()}
_ADDRESS = re.compile(r"^reply\+(?P<ticket>\d{1,10})-(?P<user>\d{1,10})-(?P<thread>[cu])-(?P<signature>[0-9a-f]{20})@",
                      re.IGNORECASE)


@dataclass(frozen=True)
class ReplyTarget:
    """What a genuine reply address names."""

    ticket_id: int
    user_id: int
    visibility: Visibility


class ReplyAddresses:
    def __init__(self) -> None:
        self.configure("", "mail.localhost")

    def configure(self, secret_key: str, mail_domain: str) -> None:
        self._key = hashlib.sha256(f"ticket-replies:{secret_key}".encode()).digest()
        self.mail_domain = mail_domain

    def address(self, ticket_id: int, user_id: int, visibility: Visibility, subdomain: str | None = None) -> str:
        """The address at which ``user_id`` answers ``ticket_id`` in the thread ``visibility``, on the sender's
        ``subdomain`` of the mail domain (a shop's: a customer's reply goes to its shop, as the email came from it)."""
        letter = _LETTERS[visibility]
        domain = f"{subdomain}.{self.mail_domain}" if subdomain else self.mail_domain
        return f"reply+{ticket_id}-{user_id}-{letter}-{self._sign(ticket_id, user_id, letter)}@{domain}"

    def target(self, address: str) -> ReplyTarget | None:
        """What ``address`` names, or ``None`` when it is not one the platform made."""
        found = _ADDRESS.match(address.strip())
        if found is None:
            return None
        ticket_id, user_id, letter = int(found["ticket"]), int(found["user"]), found["thread"].lower()
        if not hmac.compare_digest(self._sign(ticket_id, user_id, letter), found["signature"].lower()):
            return None
        return ReplyTarget(ticket_id, user_id, _THREADS[letter])

    def _sign(self, ticket_id: int, user_id: int, letter: str) -> str:
        return hmac.new(self._key, f"{ticket_id}:{user_id}:{letter}".encode(), hashlib.sha256).hexdigest()[:20]


reply_addresses = ReplyAddresses()
