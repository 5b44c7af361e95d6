"""The accounts an order or a product names, as TMF ``RelatedParty``s the viewer may see.

A viewer sees its own account, the accounts below it and its own seller (its parent), and no
other: a reseller's customer never sees the distributor, whatever role it plays.
"""

from __future__ import annotations

from typing import Any

from core.models.accounts import Account


def may_see(viewer: Account, account: Account) -> bool:
    """Whether ``viewer`` may learn that ``account`` takes part."""
    return account.path.startswith(viewer.path) or account.id == viewer.parent_id


def visible_parties(viewer: Account, *parties: tuple[Account, str]) -> list[dict[str, Any]]:
    """Each ``(account, role)`` the viewer may see, as a ``RelatedParty``."""
    return [{"id": str(account.id), "name": account.name, "role": role, "@type": "RelatedParty",
             "@referredType": "Organization"} for account, role in parties if may_see(viewer, account)]
