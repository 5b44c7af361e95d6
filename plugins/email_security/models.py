"""The domains email security accounts protect, as the platform holds them.

A domain belongs to one account at a time, platform-wide ("two accounts can't have the same domain
name"): the row is reserved when an order names the domain, or when a domain is added to an
account, and kept while that account stands. An account is keyed by its primary domain
(``account_domain``, the subscription's ``params.domain``). The row also keeps what the last DNS
check found for the domain.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime
from core.models._columns import created_at_column, enum_column
from core.models.accounts import Account


class DnsStatus(StrEnum):
    """What the last DNS check found for a domain."""

    #: Not checked yet.
    UNCHECKED = "unchecked"
    #: Its MX records do not lead to the service yet: mail does not go through it.
    PENDING = "pending"
    #: Its MX records lead to the service only, and its SPF record includes the service.
    PROTECTED = "protected"
    #: Some mail can go round the service (another MX host), or its SPF record lacks the service.
    MISCONFIGURED = "misconfigured"


class ProtectedDomain(Base):
    __tablename__ = "email_security_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The customer whose account protects it.
    owner_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: The primary domain of that account, in ASCII (IDNA) form.
    account_domain: Mapped[str] = mapped_column(String(253), index=True)
    #: The domain itself, in ASCII (IDNA) form: one account at a time has it.
    name: Mapped[str] = mapped_column(String(253), unique=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    dns_status: Mapped[DnsStatus] = mapped_column(enum_column(DnsStatus, "email_security_dns_status"),
                                                  default=DnsStatus.UNCHECKED)
    #: Why the last check came to its status (``plugins.email_security.dns_records.Reason``).
    dns_reason: Mapped[str] = mapped_column(String(40), default="")
    #: The hosts the last check found receiving the domain's mail besides the service, comma-separated.
    dns_hosts: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()

    owner: Mapped[Account] = relationship()

    def __repr__(self) -> str:
        return f"<ProtectedDomain {self.name} of {self.account_domain}>"
