"""The words for the platform's codes that the core's refusals and the web pages share: one map each, marked for
``pybabel extract`` and translated where it is read, by ``say`` in a service's refusal (``status_said``,
``kind_said``, ``action_said``) and by Flask-Babel on a page (``web.code_words``)."""

from __future__ import annotations

from core.languages import _, answering, in_context, say, translations

#: Every status an order, a subscription, an invoice, a provisioning request or task, a storefront, a domain check,
#: a ticket or a backup restore may be in.
STATUSES = {
    "pending": _("Pending"), "trial": _("Trial"), "active": _("Active"), "suspended": _("Suspended"),
    "pending_cancellation": _("Pending cancellation"), "cancelled": _("Cancelled"), "terminated": _("Terminated"),
    "failed": _("Failed"), "awaiting_payment": _("Awaiting payment"), "in_progress": _("In progress"),
    "completed": _("Completed"), "open": _("Open"), "paid": _("Paid"), "overdue": _("Overdue"), "void": _("Void"),
    "running": _("Running"), "waiting": _("Waiting"), "manual": _("Manual"), "done": _("Done"), "live": _("Live"),
    "closed": _("Closed"), "verified": _("Verified"), "unchecked": _("Unchecked"), "protected": _("Protected"),
    "misconfigured": _("Misconfigured"), "waiting_on_customer": _("Waiting on customer"),
    "waiting_on_upstream": _("Waiting on upstream"), "resolved": _("Resolved"), "requested": _("Requested"),
}
#: Where a language words a status otherwise for what has it (French gives it the gender of its noun, or another
#: verb): (its enum, its code) -> the message, read in the enum's context. Any other status reads as ``STATUSES``.
STATUSES_OF = {
    ("OrderStatus", "completed"): in_context("OrderStatus", "Completed"),
    ("OrderStatus", "cancelled"): in_context("OrderStatus", "Cancelled"),
    ("TicketStatus", "open"): in_context("TicketStatus", "Open"),
    ("TaskStatus", "done"): in_context("TaskStatus", "Done"),
    ("TaskStatus", "cancelled"): in_context("TaskStatus", "Cancelled"),
    ("RequestStatus", "done"): in_context("RequestStatus", "Done"),
    ("RequestStatus", "manual"): in_context("RequestStatus", "Manual"),
    ("TransferStatus", "cancelled"): in_context("TransferStatus", "Cancelled"),
    ("StorefrontStatus", "closed"): in_context("StorefrontStatus", "Closed"),
}
#: What a provisioning request does, lower-case to sit in a sentence: "busy with a suspend request".
LIFECYCLE_ACTIONS = {"activate": _("activate"), "change": _("change"), "suspend": _("suspend"), "resume": _("resume"),
                     "cancel": _("cancel"), "renew": _("renew"), "transfer": _("transfer")}
#: The kinds of account.
ACCOUNT_KINDS = {"distributor": _("Distributor"), "reseller": _("Reseller"), "customer": _("Customer")}


def status_message(status: object) -> tuple[str | None, str]:
    """The message that words ``status`` (an enum's member, or its code) and the context to read it in (``None``:
    none): an order's ``cancelled`` is read in ``OrderStatus``; a code no table words is its words, as they are."""
    code = str(status)
    context = type(status).__name__
    if (context, code) in STATUSES_OF:
        return context, STATUSES_OF[context, code]
    return None, STATUSES.get(code) or code.replace("_", " ").capitalize()


def status_said(status: object) -> str:
    """A status as a refusal puts it in a sentence, in the reader's language (``say``): ``awaiting_payment`` is
    "awaiting payment", "paiement attendu"; an order's ``cancelled``, « annulée »."""
    context, message = status_message(status)
    catalog = translations(answering())
    return (catalog.pgettext(context, message) if context else catalog.gettext(message)).lower()


def kind_said(kind: str) -> str:
    """An account's kind as a refusal puts it in a sentence, in the reader's language: "reseller", "revendeur"."""
    return say(ACCOUNT_KINDS[kind]).lower()


def action_said(action: str) -> str:
    """What a provisioning request does, as a refusal puts it in a sentence: "suspend", "suspendre"."""
    return say(LIFECYCLE_ACTIONS[action])
