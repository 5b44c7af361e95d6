"""Transfers: an account moving to another seller, with everything it holds.

One state machine for every kind (``TransferKind``): the customer's consent and the receiving
seller's acceptance are both needed, whichever party started it, and each is recorded as a
message on a support ticket, in its exact words. Once both are given the transfer is approved,
and completing it moves the account, its people and its subscriptions in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime
from core.models._columns import created_at_column, enum_column, updated_at_column
from core.models.accounts import Account
from core.models.people import User
from core.models.support import Ticket


class TransferKind(StrEnum):
    #: A direct customer of the distributor moves to one of its resellers.
    TO_RESELLER = "to_reseller"
    #: A reseller's customer moves to another reseller.
    BETWEEN_RESELLERS = "between_resellers"
    #: A reseller releases a customer: it becomes the distributor's direct customer, paying for itself.
    RELEASE = "release"


class TransferStatus(StrEnum):
    REQUESTED = "requested"
    AWAITING_CONSENT = "awaiting_customer_consent"
    AWAITING_ACCEPTANCE = "awaiting_acceptance"
    APPROVED = "approved"
    COMPLETED = "completed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


#: A transfer still under way: an account has at most one.
OPEN_TRANSFER_STATES = (TransferStatus.REQUESTED, TransferStatus.AWAITING_CONSENT, TransferStatus.AWAITING_ACCEPTANCE,
                        TransferStatus.APPROVED)


class Transfer(Base):
    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The account that moves.
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[TransferKind] = mapped_column(enum_column(TransferKind, "transfer_kind"))
    status: Mapped[TransferStatus] = mapped_column(enum_column(TransferStatus, "transfer_status"))
    from_seller_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    to_seller_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: The account whose person started it, and that person.
    started_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    consented_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: What the customer's owners authorize, and what the receiving seller accepts, in English; each is asked, and
    #: signs on its ticket, the words in its own language, worded from ``consent_wording`` and ``acceptance_wording``
    #: (``core.wording``; ``None`` before the platform kept them: the English words are the ones asked).
    consent_words: Mapped[str] = mapped_column(Text)
    acceptance_words: Mapped[str] = mapped_column(Text)
    consent_wording: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    acceptance_wording: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Why it was rejected or cancelled, in the words of who did it.
    reason: Mapped[str | None] = mapped_column(Text)
    #: The customer's ticket to the seller it moves to, where its consent is written; the receiving seller's to its own.
    customer_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    receiver_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    #: The fee charged to the receiving seller, as its charge's key; ``None`` when there is none.
    fee_charge_key: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    account: Mapped[Account] = relationship(foreign_keys=[account_id])
    from_seller: Mapped[Account] = relationship(foreign_keys=[from_seller_id])
    to_seller: Mapped[Account] = relationship(foreign_keys=[to_seller_id])
    started_by_account: Mapped[Account] = relationship(foreign_keys=[started_by_account_id])
    started_by: Mapped[User] = relationship(foreign_keys=[started_by_id])
    consented_by: Mapped[User | None] = relationship(foreign_keys=[consented_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    customer_ticket: Mapped[Ticket | None] = relationship(foreign_keys=[customer_ticket_id])
    receiver_ticket: Mapped[Ticket | None] = relationship(foreign_keys=[receiver_ticket_id])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TRANSFER_STATES


# One transfer under way per account: a second, even a concurrent one, is refused by the database.
_UNDER_WAY = Transfer.status.in_(OPEN_TRANSFER_STATES)
Index("uq_transfers_account_id_under_way", Transfer.account_id, unique=True, sqlite_where=_UNDER_WAY,
      postgresql_where=_UNDER_WAY)
