"""The audit log in words, in the reader's language: each action as a sentence ("Placed order 17"), each field it
changed by its name.

A sentence's placeholders are filled from its event: ``%(id)s`` is the id of what it acted on, ``%(account)s`` the
name of the account it concerns, and any other one the value its ``changes`` recorded under that name (the new value
of a change ``[before, after]``). The core's actions are worded in ``ACTIONS``; a plugin words its own through the
``audit_words`` hook. An action nobody words, or whose sentence names a value its event lacks, reads as its code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import gettext, lazy_gettext

from core.i18n import day_text
from core.languages import DEFAULT_LOCALE, LOCALES
from core.plugins import pm
from core.products import text_in
from web.code_words import priority_word, status_word
from web.formatting import current_locale, moment, payment_method_word, plain, words
from web.history_words import FIELDS as HISTORY_FIELDS

if TYPE_CHECKING:
    from core.models.audit import AuditEvent

#: Each action the core records (``core.services.audit.record_event``), as the person who did it would say it.
ACTIONS = {
    "account.created": lazy_gettext("Created the account “%(name)s”"),
    "account.signed_up": lazy_gettext("Signed up as %(email)s"),
    "account.changed": lazy_gettext("Changed the account %(account)s"),
    "account.programme_changed": lazy_gettext("Changed the distributor programme of %(account)s"),
    "account.payment_confirmation_changed": lazy_gettext("Changed which payments wait for a confirmation"),
    "api_key.created": lazy_gettext("Created the API key “%(name)s”"),
    "api_key.revoked": lazy_gettext("Revoked the API key “%(name)s”"),
    "billing_profile.changed": lazy_gettext("Changed the invoicing settings"),
    "catalog.product_offered": lazy_gettext("Offered the product %(product)s"),
    "catalog.product_withdrawn": lazy_gettext("Withdrew the product %(product)s"),
    "catalog.plan_hidden": lazy_gettext("Hid the plan %(plan)s"),
    "catalog.plan_shown": lazy_gettext("Showed the plan %(plan)s again"),
    "charge.added": lazy_gettext("Added a charge: %(description)s"),
    "event_hub.registered": lazy_gettext("Registered an event hub calling %(callback)s"),
    "event_hub.deleted": lazy_gettext("Deleted the event hub calling %(callback)s"),
    "invitation.created": lazy_gettext("Invited %(email)s to the team “%(team)s”"),
    "invitation.revoked": lazy_gettext("Revoked the invitation of %(email)s"),
    "invitation.accepted": lazy_gettext("Joined the team “%(team)s” as %(email)s"),
    "invoice.credited": lazy_gettext("Credited invoice %(id)s with credit note %(credit_note)s"),
    "invoice.payment_recorded": lazy_gettext("Recorded a payment of invoice %(id)s"),
    "membership.created": lazy_gettext("Added %(email)s to the team “%(team)s”"),
    "membership.removed": lazy_gettext("Removed %(email)s from the team “%(team)s”"),
    "order.placed": lazy_gettext("Placed order %(id)s"),
    "order.granted": lazy_gettext("Granted the starter plans of order %(id)s"),
    "order.payment_confirmed": lazy_gettext("Confirmed the payment of order %(id)s"),
    "order.paid_by_card": lazy_gettext("Paid order %(id)s by card"),
    "order.card_declined": lazy_gettext("The card paying order %(id)s was declined"),
    "order.cancelled": lazy_gettext("Cancelled order %(id)s"),
    "password_reset.requested": lazy_gettext("Asked for a link to reset the password of %(email)s"),
    "user.password_reset": lazy_gettext("Set a new password with a reset link"),
    "price.set": lazy_gettext("Set the price of %(plan)s in price list %(id)s"),
    "price.removed": lazy_gettext("Removed the price of %(plan)s from price list %(id)s"),
    "price_list.created": lazy_gettext("Created the price list “%(name)s”"),
    "price_list.markup_changed": lazy_gettext("Changed the markup of price list %(id)s"),
    "product_user.created": lazy_gettext("Added the user %(user_principal_name)s to subscription %(id)s"),
    "product_user.updated": lazy_gettext("Changed the user %(user_principal_name)s of subscription %(id)s"),
    "product_user.enabled": lazy_gettext("Let the user %(user_principal_name)s sign in again"),
    "product_user.disabled": lazy_gettext("Stopped the user %(user_principal_name)s from signing in"),
    "product_user.licence_assigned": lazy_gettext("Gave the user %(user_principal_name)s a licence"),
    "product_user.licence_removed": lazy_gettext("Took back the licence of the user %(user_principal_name)s"),
    "product_user.password_reset": lazy_gettext("Reset the password of the user %(user_principal_name)s"),
    "product_user.deleted": lazy_gettext("Deleted the user %(user_principal_name)s of subscription %(id)s"),
    "storefront.branding_changed": lazy_gettext("Changed the storefront's branding"),
    "storefront.custom_domain_set": lazy_gettext("Changed the storefront's own domain"),
    "storefront.custom_domain_verified": lazy_gettext("Verified the storefront's own domain %(custom_domain)s"),
    "storefront.vendor_names_changed": lazy_gettext("Changed the names shown at vendors"),
    "subscription.trial_started": lazy_gettext("Started a free trial of %(plan)s (subscription %(id)s)"),
    "subscription.changed": lazy_gettext("Changed subscription %(id)s"),
    "subscription.suspended": lazy_gettext("Suspended subscription %(id)s"),
    "subscription.resumed": lazy_gettext("Resumed subscription %(id)s"),
    "subscription.cancelled": lazy_gettext("Cancelled subscription %(id)s"),
    "subscription.cancellation_undone": lazy_gettext("Undid the cancellation of subscription %(id)s"),
    "subscription.renewed": lazy_gettext("Renewed subscription %(id)s"),
    "subscription.trial_ended": lazy_gettext("Ended the trial of subscription %(id)s"),
    "subscription.terminated": lazy_gettext("Terminated subscription %(id)s"),
    "subscription.retried": lazy_gettext("Retried the provisioning of subscription %(id)s"),
    "support.target_changed": lazy_gettext("Changed the target time of a first answer"),
    "task.completed": lazy_gettext("Completed the task “%(title)s”"),
    "task.declined": lazy_gettext("Declined the task “%(title)s”"),
    "team.created": lazy_gettext("Created the team “%(name)s”"),
    "team.changed": lazy_gettext("Changed what team %(id)s may do"),
    "team.deleted": lazy_gettext("Deleted the team “%(name)s”"),
    "ticket.opened": lazy_gettext("Opened ticket %(id)s"),
    "ticket.status": lazy_gettext("Changed the status of ticket %(id)s"),
    "ticket.priority": lazy_gettext("Changed the priority of ticket %(id)s"),
    "ticket.assigned": lazy_gettext("Assigned ticket %(id)s to %(assignee)s"),
    "ticket.upstream_allowed": lazy_gettext("Changed whether the upstream seller writes to the customer on ticket %(id)s"),
    "ticket.escalated": lazy_gettext("Escalated ticket %(id)s to %(upstream)s"),
    "transfer.started": lazy_gettext("Started transfer %(id)s, to %(to)s"),
    "transfer.consented": lazy_gettext("Consented to transfer %(id)s"),
    "transfer.accepted": lazy_gettext("Accepted transfer %(id)s"),
    "transfer.rejected": lazy_gettext("Rejected transfer %(id)s"),
    "transfer.cancelled": lazy_gettext("Cancelled transfer %(id)s"),
    "transfer.expired": lazy_gettext("Transfer %(id)s expired"),
    "transfer.completed": lazy_gettext("Completed transfer %(id)s, from %(from)s to %(to)s"),
    "transfer_terms.changed": lazy_gettext("Changed the terms of transfers"),
}

#: The fields the actions' ``changes`` name, beyond those of a subscription's history.
FIELDS = {
    **HISTORY_FIELDS,
    "accent_colour": lazy_gettext("Accent colour"),
    "addons": lazy_gettext("Add-ons"),
    "amount": lazy_gettext("Amount"),
    "api": lazy_gettext("API"),
    "assignee": lazy_gettext("Assigned to"),
    "audience": lazy_gettext("Audience"),
    "auto_renew": lazy_gettext("Auto-renewal"),
    "before": lazy_gettext("Before"),
    "callback": lazy_gettext("Callback"),
    "card": lazy_gettext("Card"),
    "contact_email": lazy_gettext("Contact email"),
    "contact_phone": lazy_gettext("Contact phone"),
    "credit_note": lazy_gettext("Credit note"),
    "currency": lazy_gettext("Currency"),
    "custom_domain": lazy_gettext("Own domain"),
    "customer_cycle": lazy_gettext("Customers' billing cycle"),
    "days": lazy_gettext("Days"),
    "decline": lazy_gettext("Decline reason"),
    "description": lazy_gettext("Description"),
    "display_name": lazy_gettext("Display name"),
    "email": lazy_gettext("Email"),
    "first_response_hours": lazy_gettext("Hours to a first answer"),
    "from": lazy_gettext("Previous seller"),
    "handle_prefix": lazy_gettext("Prefix of handles"),
    "invoice_prefix": lazy_gettext("Invoice prefix"),
    "key": lazy_gettext("Attempt"),
    "kind": lazy_gettext("Kind"),
    "licensed": lazy_gettext("Licensed"),
    "lines": lazy_gettext("Lines"),
    "logo": lazy_gettext("Logo"),
    "markup_percent": lazy_gettext("Markup in percent"),
    "members": lazy_gettext("Members"),
    "message": lazy_gettext("Message"),
    "method": lazy_gettext("Payment method"),
    "name": lazy_gettext("Name"),
    "nameservers": lazy_gettext("Nameservers"),
    "note": lazy_gettext("Note"),
    "owner": lazy_gettext("Owner"),
    "owner_id": lazy_gettext("Owner (account id)"),
    "paid_on": lazy_gettext("Paid on"),
    "parent_id": lazy_gettext("Seller (account id)"),
    "payer": lazy_gettext("Payer"),
    "payer_id": lazy_gettext("Payer (account id)"),
    "payment_confirmation_methods": lazy_gettext("Payments waiting for a confirmation"),
    "payment_method": lazy_gettext("Payment method"),
    "payment_methods": lazy_gettext("Payment methods"),
    "payment_terms_days": lazy_gettext("Payment terms (days)"),
    "permissions": lazy_gettext("Permissions"),
    "prefix": lazy_gettext("Prefix"),
    "primary_colour": lazy_gettext("Primary colour"),
    "primary_domain": lazy_gettext("Primary domain"),
    "priority": lazy_gettext("Priority"),
    "product": lazy_gettext("Product"),
    "query": lazy_gettext("Query"),
    "reason": lazy_gettext("Reason"),
    "receives_renewal_reminders": lazy_gettext("Receives renewal reminders"),
    "reference": lazy_gettext("Reference"),
    "reminder_days": lazy_gettext("Reminders (days)"),
    "reselling_enabled": lazy_gettext("Resells"),
    "reverse_charge": lazy_gettext("Reverse charge"),
    "sender_name": lazy_gettext("Sender name"),
    "service_manager_active": lazy_gettext("Service Manager"),
    "sessions_revoked": lazy_gettext("Sessions signed out"),
    "setup_fee": lazy_gettext("Setup fee"),
    "slug": lazy_gettext("Short name"),
    "status": lazy_gettext("Status"),
    "storefront_id": lazy_gettext("Storefront (id)"),
    "subject": lazy_gettext("Subject"),
    "subscriptions": lazy_gettext("Subscriptions"),
    "support_url": lazy_gettext("Support page"),
    "suspend_after_days": lazy_gettext("Suspend after (days)"),
    "tax_id": lazy_gettext("Tax id"),
    "tax_name": lazy_gettext("Tax name"),
    "tax_rate": lazy_gettext("Tax rate"),
    "team": lazy_gettext("Team"),
    "theme": lazy_gettext("Theme"),
    "tier": lazy_gettext("Price tier"),
    "title": lazy_gettext("Title"),
    "to": lazy_gettext("Recipient"),
    "transfer_expiry_days": lazy_gettext("Days a transfer waits"),
    "transfer_fee": lazy_gettext("Transfer fee"),
    "upstream": lazy_gettext("Escalated to"),
    "upstream_writes_to_customer": lazy_gettext("Upstream seller writes to the customer"),
    "user_id": lazy_gettext("User (id)"),
    "user_principal_name": lazy_gettext("Sign-in name"),
    "volume_tiers": lazy_gettext("Volume tiers"),
    "welcome_text": lazy_gettext("Welcome text"),
    "words": lazy_gettext("Words agreed to"),
}

#: A field named by a code (``auto_renew``), not by a value of its own (``example.com``, a domain a check names).
_CODE = re.compile(r"[a-z][a-z0-9_]*")
#: A day or a moment as the services record them (``date.isoformat()``, ``datetime.isoformat()``).
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")
def payment_methods_word(value: Any) -> str:
    """A way to pay, or several, as the emails name them (``web.formatting.payment_method_word``): "Bank transfer"."""
    if isinstance(value, list):
        return ", ".join(payment_methods_word(item) for item in value) or "—"
    return payment_method_word(value) if value else value_of(value)


#: The fields whose values are codes with words of their own (``web.code_words``, the emails' payment methods).
CODES = {"status": status_word, "priority": priority_word, "method": payment_methods_word,
         "payment_method": payment_methods_word, "payment_methods": payment_methods_word,
         "payment_confirmation_methods": payment_methods_word}
#: Recorded fields whose value is a list of its own, not what a field was and became.
VALUE_LISTS = frozenset({"nameservers", "members", "lines", "volume_tiers"})


def audit_actions() -> dict[str, Any]:
    """Every action's sentence: the core's, and those the installed plugins word (never in place of the core's)."""
    contributed: dict[str, Any] = {}
    for found in pm.hook.audit_words():
        contributed.update(found or {})
    return {**contributed, **ACTIONS}


def sentence(event: AuditEvent, actions: Mapping[str, Any]) -> str | None:
    """The event as a sentence in the reader's language, or ``None`` when ``actions`` does not word it (or names a
    value the event lacks)."""
    wording = actions.get(event.action)
    if wording is None:
        return None
    values: dict[str, object] = {}
    for field, value in event.changes.items():
        _, before, after = change_of(field, value)
        values[field] = before if after is None else after
    try:
        return str(wording) % {**values, "id": event.target_id, "account": event.account.name}
    except (KeyError, TypeError, ValueError):
        return None


def change_of(field: str, value: Any) -> tuple[str, str, str | None]:
    """A recorded change as people read it: its field in words, then its value, or what it was and became.

    The services record a change as ``[before, after]`` (``status``, ``plan``, the payment methods
    a seller confirms); a field whose value is itself a list says so in ``VALUE_LISTS``.
    """
    shown = CODES.get(field, value_of)
    if isinstance(value, list) and len(value) == 2 and field not in VALUE_LISTS:
        return field_name(field), shown(value[0]), shown(value[1])
    return field_name(field), shown(value), None


def field_name(field: str) -> str:
    """A field of the changes in words: ``auto_renew`` is "Auto-renewal"; a value used as a field stays as it is."""
    if field in FIELDS:
        return str(FIELDS[field])
    return words(field).capitalize() if _CODE.fullmatch(field) else field


def value_of(value: Any) -> str:
    """A recorded value in words: nothing as a dash, yes or no, days and moments as the reader writes them, a name
    kept in each language in the reader's, lists and mappings spelt out."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, str) and (_ISO_MOMENT.fullmatch(value) or _ISO_DAY.fullmatch(value)):
        value = _when(value)
    if isinstance(value, datetime):
        return moment(value if value.tzinfo else value.replace(tzinfo=UTC))
    if isinstance(value, date):
        return day_text(value, current_locale())
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, dict) and DEFAULT_LOCALE in value and set(value) <= set(LOCALES):
        return text_in(value, current_locale())  # a name in each language (in_each_language)
    if isinstance(value, dict):
        return "; ".join(f"{field_name(key)}: {value_of(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(value_of(item) for item in value)
    return str(value)


def _when(text: str) -> datetime | date | str:
    """A recorded day or moment, or the text as it is when it only looks like one (``2026-13-40``)."""
    try:
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    except ValueError:
        return text
