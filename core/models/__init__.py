"""Every mapped class, imported here so that ``Base.metadata`` knows the whole schema."""

from core.models.accounts import Account, AccountKind
from core.models.catalog import BillingPeriod, Plan, Product
from core.models.outbox import EmailStatus, OutboxEmail

__all__ = [
    "Account",
    "AccountKind",
    "BillingPeriod",
    "EmailStatus",
    "OutboxEmail",
    "Plan",
    "Product",
]
