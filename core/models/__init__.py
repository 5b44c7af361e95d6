"""Every mapped class, imported here so that ``Base.metadata`` knows the whole schema."""

from core.models.accounts import Account, AccountKind
from core.models.api_keys import ApiKey
from core.models.audit import AuditEvent
from core.models.catalog import BillingPeriod, Plan, Product
from core.models.invitations import Invitation, PasswordReset
from core.models.outbox import EmailStatus, OutboxEmail
from core.models.people import LoginSession, LoginThrottle, Membership, Team, User
from core.models.prices import HiddenPlan, OfferedProduct, PriceEntry, PriceList, PriceListKind, VolumeTier

__all__ = [
    "Account",
    "AccountKind",
    "ApiKey",
    "AuditEvent",
    "BillingPeriod",
    "EmailStatus",
    "HiddenPlan",
    "Invitation",
    "LoginSession",
    "LoginThrottle",
    "Membership",
    "OfferedProduct",
    "OutboxEmail",
    "PasswordReset",
    "Plan",
    "PriceEntry",
    "PriceList",
    "PriceListKind",
    "Product",
    "Team",
    "User",
    "VolumeTier",
]
