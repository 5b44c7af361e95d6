"""A subscription's history in words, in the reader's language: each event and each field it changed.

The back office reads these; a storefront words a few of them for its customers (``{**EVENTS, ...}``).
An event or a field none of them names is shown as its code in words.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext

from web.formatting import words

#: Each event of a subscription's history, as a seller's staff read it.
EVENTS = {
    "created": lazy_gettext("Created"),
    "activated": lazy_gettext("Activated"),
    "changed": lazy_gettext("Changed"),
    "change_scheduled": lazy_gettext("Change scheduled"),
    "scheduled_change_dropped": lazy_gettext("Scheduled change dropped"),
    "cancellation_scheduled": lazy_gettext("Cancellation scheduled"),
    "cancellation_undone": lazy_gettext("Cancellation undone"),
    "suspended": lazy_gettext("Suspended"),
    "resumed": lazy_gettext("Resumed"),
    "cancelled": lazy_gettext("Cancelled"),
    "terminated": lazy_gettext("Terminated"),
    "renewed": lazy_gettext("Renewed"),
    "trial_ended": lazy_gettext("Trial ended"),
    "retried": lazy_gettext("Retried"),
    "moved": lazy_gettext("Moved to another seller"),
    "transferred": lazy_gettext("Transferred"),
}

#: The fields an event's ``changes`` name.
FIELDS = {
    "plan": lazy_gettext("Plan"),
    "quantity": lazy_gettext("Quantity"),
    "unit_price": lazy_gettext("Unit price"),
    "cancel_at": lazy_gettext("Ends on"),
    "current_period_end": lazy_gettext("Current period end"),
    "seller": lazy_gettext("Seller"),
}


def in_words(code: str, wording: Mapping[str, object]) -> str:
    """``code`` (an event or a field) as ``wording`` names it, else as its words: ``trial_ended`` is "Trial ended"."""
    return str(wording.get(code) or words(code).capitalize())
