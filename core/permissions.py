"""What a team may do in its account, and how its members may pay. The documented lists."""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    """One thing a team's members may do in their account (and, for sellers, below it)."""

    #: Place orders.
    PURCHASE = "purchase"
    #: Renew subscriptions by hand.
    RENEW = "renew"
    #: Change, suspend, resume and cancel subscriptions.
    MANAGE_SUBSCRIPTIONS = "manage_subscriptions"
    #: Manage the users of a product (e.g. Office 365 users).
    MANAGE_PRODUCT_USERS = "manage_product_users"
    #: See invoices, prices paid and balances.
    VIEW_BILLING = "view_billing"
    #: Pay invoices and confirm payments.
    PAY = "pay"
    #: Create teams, set their permissions, invite and remove people, manage API keys.
    MANAGE_TEAM = "manage_team"
    #: Create and edit the accounts this account sells to.
    MANAGE_ACCOUNTS = "manage_accounts"
    #: Choose the products on sale and set the prices charged to the accounts this one sells to.
    MANAGE_PRICES = "manage_prices"
    #: Brand and configure the account's storefront.
    MANAGE_STOREFRONT = "manage_storefront"
    #: Answer and escalate support requests.
    SUPPORT = "support"


class PaymentMethod(StrEnum):
    """A way a team's members may pay for what they buy."""

    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    DIRECT_DEBIT = "direct_debit"
    #: Charged to the account and invoiced later (how resellers buy from their distributor).
    ON_ACCOUNT = "on_account"


ALL_PERMISSIONS = frozenset(Permission)
ALL_PAYMENT_METHODS = frozenset(PaymentMethod)
