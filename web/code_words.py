"""The words both apps show for the platform's codes, in the reader's language: one map each (the statuses' and the
account kinds' shared with the core's refusals, ``core.code_words``), for the pages' filters and the audit log alike.
A code none of them knows is shown as its words."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext, pgettext

from core.code_words import ACCOUNT_KINDS, LIFECYCLE_ACTIONS, status_message
from core.languages import _
from web.formatting import words

#: A ticket's priorities.
PRIORITIES = {"low": _("Low"), "normal": _("Normal"), "high": _("High"), "urgent": _("Urgent")}
#: What a team may do.
PERMISSIONS = {
    "purchase": _("Purchase"), "renew": _("Renew"), "manage_subscriptions": _("Manage subscriptions"),
    "manage_product_users": _("Manage product users"), "view_billing": _("View billing"), "pay": _("Pay"),
    "manage_team": _("Manage team"), "manage_accounts": _("Manage accounts"), "manage_prices": _("Manage prices"),
    "manage_storefront": _("Manage storefront"), "support": _("Support"),
}
#: The kinds of an invoice's lines.
CHARGE_KINDS = {"recurring": _("Recurring"), "setup": _("Setup"), "proration": _("Proration"), "fee": _("Fee"),
                "discount": _("Discount"), "credit": _("Credit"), "manual": _("Manual")}
#: How often a plan is paid.
BILLING_PERIODS = {"monthly": _("Monthly"), "yearly": _("Yearly"), "one_off": _("One-off")}


def status_word(value: object) -> str:
    """A status in words: ``waiting_on_upstream`` is "Waiting on upstream"; an order's ``cancelled`` is « Annulée »
    where a subscription's is « Résilié » (``core.code_words.status_message``)."""
    context, message = status_message(value)
    return pgettext(context, message) if context else gettext(message)


def priority_word(value: object) -> str:
    """A ticket's priority in words."""
    return _word(PRIORITIES, value)


def permission_word(value: object) -> str:
    """What a team may do, in words: ``view_billing`` is "View billing"."""
    return _word(PERMISSIONS, value)


def charge_kind_word(value: object) -> str:
    """The kind of an invoice's line in words: "Proration"."""
    return _word(CHARGE_KINDS, value)


def billing_period_word(value: object) -> str:
    """How often a plan is paid, in words: ``one_off`` is "One-off"."""
    return _word(BILLING_PERIODS, value)


def lifecycle_word(value: object) -> str:
    """What a provisioning request does, as a lower-case word to put in a sentence: "the activate failed"."""
    return _word(LIFECYCLE_ACTIONS, value, capitalized=False)


def account_kind_word(value: object) -> str:
    """The kind of an account in words: "Reseller"."""
    return _word(ACCOUNT_KINDS, value)


def _word(wording: Mapping[str, str], value: object, *, capitalized: bool = True) -> str:
    code = str(value)
    if code in wording:
        return gettext(wording[code])
    return words(code).capitalize() if capitalized else words(code)
