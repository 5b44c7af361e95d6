"""Every mapped class, imported here so that ``Base.metadata`` knows the whole schema."""

from core.models.accounts import Account, AccountKind
from core.models.api_keys import ApiKey
from core.models.audit import AuditEvent
from core.models.catalog import BillingPeriod, Plan, Product
from core.models.charges import Charge, ChargeKind
from core.models.event_hubs import DeliveryStatus, EventDelivery, EventHub
from core.models.idempotency import IdempotencyKey
from core.models.invitations import Invitation, PasswordReset
from core.models.invoices import BillingProfile, Invoice, InvoiceLine, InvoicePayment, InvoiceStatus
from core.models.orders import Order, OrderLine, OrderLineKind, OrderStatus, Payment
from core.models.outbox import EmailStatus, OutboxEmail
from core.models.people import LoginSession, LoginThrottle, Membership, Team, User
from core.models.prices import HiddenPlan, OfferedProduct, PriceEntry, PriceList, PriceListKind, VolumeTier
from core.models.provisioning import ManualTask, ProvisioningRequest, RequestStatus, TaskStatus
from core.models.sign_ups import SignUp
from core.models.storefronts import Storefront, StorefrontStatus
from core.models.subscriptions import (
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
    SuspendReason,
)
from core.models.support import (
    Ticket,
    TicketAttachment,
    TicketDesk,
    TicketEvent,
    TicketMessage,
    TicketPriority,
    TicketStatus,
    Visibility,
)
from core.models.transfers import Transfer, TransferKind, TransferStatus

__all__ = [
    "Account",
    "AccountKind",
    "ApiKey",
    "AuditEvent",
    "BillingPeriod",
    "BillingProfile",
    "Charge",
    "ChargeKind",
    "DeliveryStatus",
    "EmailStatus",
    "EventDelivery",
    "EventHub",
    "HiddenPlan",
    "IdempotencyKey",
    "Invitation",
    "Invoice",
    "InvoiceLine",
    "InvoicePayment",
    "InvoiceStatus",
    "LoginSession",
    "LoginThrottle",
    "ManualTask",
    "Membership",
    "OfferedProduct",
    "Order",
    "OrderLine",
    "OrderLineKind",
    "OrderStatus",
    "OutboxEmail",
    "PasswordReset",
    "Payment",
    "Plan",
    "PriceEntry",
    "PriceList",
    "PriceListKind",
    "Product",
    "ProvisioningRequest",
    "RequestStatus",
    "SignUp",
    "Storefront",
    "StorefrontStatus",
    "Subscription",
    "SubscriptionEvent",
    "SubscriptionStatus",
    "SuspendReason",
    "TaskStatus",
    "Team",
    "Ticket",
    "TicketAttachment",
    "TicketDesk",
    "TicketEvent",
    "TicketMessage",
    "TicketPriority",
    "TicketStatus",
    "Transfer",
    "TransferKind",
    "TransferStatus",
    "User",
    "Visibility",
    "VolumeTier",
]
