"""The account tree: distributors sell to resellers and customers, resellers to customers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base
from core.models._columns import created_at_column, enum_column


class AccountKind(StrEnum):
    DISTRIBUTOR = "distributor"
    RESELLER = "reseller"
    CUSTOMER = "customer"


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AccountKind] = mapped_column(enum_column(AccountKind, "account_kind"))
    #: The account that sells to this one; distributors have none.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: Ids from the root down to this account, ``/1/5/23/``: a subtree is a prefix match. On
    #: PostgreSQL the "C" collation lets that prefix match use the index (bench/account_tree.py).
    path: Mapped[str] = mapped_column(
        String(255).with_variant(String(255, collation="C"), "postgresql"), index=True, default=""
    )
    name: Mapped[str] = mapped_column(String(200))
    #: Unique across the platform: it names the account's storefront host.
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    #: The "Enable Reselling" box: only such accounts can become resellers.
    reselling_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: A customer's primary domain, unique across the platform.
    primary_domain: Mapped[str | None] = mapped_column(String(253), unique=True)
    #: Distributor programme facts, set by the platform operator.
    tier: Mapped[str | None] = mapped_column(String(40))
    #: Its VAT or GST number, printed on the invoices it receives; sellers that apply reverse charge
    #: invoice an account with one without tax.
    tax_id: Mapped[str | None] = mapped_column(String(40))
    addons: Mapped[list[str]] = mapped_column(JSON, default=list)
    service_manager_active: Mapped[bool] = mapped_column(Boolean, default=False)
    #: As a seller: the payment methods whose orders wait for it to confirm the payment.
    payment_confirmation_methods: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: As a seller: the hours within which it means to answer a new support request first.
    first_response_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    created_at: Mapped[datetime] = created_at_column()

    parent: Mapped[Account | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Account]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"<Account {self.id} {self.kind} {self.slug}>"
