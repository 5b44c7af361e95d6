"""Names a plugin gives things at a vendor that a customer may come across (a registry contact's handle,
a hosting panel's login): under the prefix of the seller the customer buys from, never the platform's.

The seller chooses its prefix (``AccountRef.handle_prefix``); a name once given at a vendor keeps it, so
a plugin stores the names it gave rather than making them again.
"""

from __future__ import annotations

from core.product_lifecycle import AccountRef


def vendor_handle(account: AccountRef, number: int) -> str:
    """A handle under ``account``'s prefix, as registries write contact handles: ``BRIGHT-42``."""
    return f"{account.handle_prefix}-{number}"


def vendor_login(account: AccountRef, number: int) -> str:
    """A login under ``account``'s prefix, in the lower-case letters and digits panels take: ``bright42``."""
    return f"{account.handle_prefix.lower()}{number}"
