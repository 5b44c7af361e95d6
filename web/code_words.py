"""The words both apps show for the platform's status and priority codes, in the reader's language: one map each,
for the pages' macros and the audit log alike. A code none of them knows is shown as its words."""

from __future__ import annotations

from flask_babel import lazy_gettext

#: Every status an order, a subscription, an invoice, a provisioning request or task, a storefront, a domain check or
#: a ticket may be in.
STATUSES = {
    "pending": lazy_gettext("Pending"), "trial": lazy_gettext("Trial"), "active": lazy_gettext("Active"),
    "suspended": lazy_gettext("Suspended"), "pending_cancellation": lazy_gettext("Pending cancellation"),
    "cancelled": lazy_gettext("Cancelled"), "terminated": lazy_gettext("Terminated"), "failed": lazy_gettext("Failed"),
    "awaiting_payment": lazy_gettext("Awaiting payment"), "in_progress": lazy_gettext("In progress"),
    "completed": lazy_gettext("Completed"), "open": lazy_gettext("Open"), "paid": lazy_gettext("Paid"),
    "overdue": lazy_gettext("Overdue"), "void": lazy_gettext("Void"), "running": lazy_gettext("Running"),
    "waiting": lazy_gettext("Waiting"), "manual": lazy_gettext("Manual"), "done": lazy_gettext("Done"),
    "live": lazy_gettext("Live"), "closed": lazy_gettext("Closed"), "verified": lazy_gettext("Verified"),
    "unchecked": lazy_gettext("Unchecked"), "protected": lazy_gettext("Protected"),
    "misconfigured": lazy_gettext("Misconfigured"), "waiting_on_customer": lazy_gettext("Waiting on customer"),
    "waiting_on_upstream": lazy_gettext("Waiting on upstream"), "resolved": lazy_gettext("Resolved"),
}
#: A ticket's priorities.
PRIORITIES = {"low": lazy_gettext("Low"), "normal": lazy_gettext("Normal"), "high": lazy_gettext("High"),
              "urgent": lazy_gettext("Urgent")}


def status_word(value: object) -> str:
    """A status in words: ``waiting_on_upstream`` is "Waiting on upstream"."""
    return _word(STATUSES, value)


def priority_word(value: object) -> str:
    """A ticket's priority in words."""
    return _word(PRIORITIES, value)


def _word(wording: dict[str, object], value: object) -> str:
    code = str(value)
    return str(wording[code]) if code in wording else code.replace("_", " ").replace("-", " ").capitalize()
