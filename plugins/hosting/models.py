"""Websites: a customer's site, from free trial to live, on a Web hosting subscription.

A site's status is its own: ``trial`` while it is being built (on a free trial, or on paid
hosting not switched live yet), ``live`` once its reseller has switched it live, ``suspended``
while its hosting is, and ``terminated`` at the end (a trial nobody took live, or its hosting
ended). Only the services of ``plugins.hosting.websites`` change it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime
from core.models._columns import created_at_column, enum_column, updated_at_column
from core.models.accounts import Account
from core.models.people import User
from core.models.subscriptions import Subscription
from core.states import StateMachine


class WebsiteStatus(StrEnum):
    TRIAL = "trial"
    LIVE = "live"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


W = WebsiteStatus

WEBSITE_STATES = StateMachine(
    "website",
    {
        W.TRIAL: {W.LIVE, W.SUSPENDED, W.TERMINATED},
        W.LIVE: {W.SUSPENDED, W.TERMINATED},
        W.SUSPENDED: {W.TRIAL, W.LIVE, W.TERMINATED},
        W.TERMINATED: set(),
    },
)


class Website(Base):
    __tablename__ = "hosting_websites"
    __table_args__ = (
        # One site per address, among the sites not terminated.
        Index("uq_hosting_websites_domain_open", "domain", unique=True,
              sqlite_where=text("status != 'terminated'"), postgresql_where=text("status != 'terminated'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The customer whose site it is.
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: The hosting it runs on: its panel account holds the site.
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), unique=True)
    #: The site's address, in ASCII (IDNA) form.
    domain: Mapped[str] = mapped_column(String(253))
    status: Mapped[WebsiteStatus] = mapped_column(enum_column(WebsiteStatus, "website_status"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: A free trial's end: not taken live by then on paid hosting, the site is terminated.
    trial_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the next trial reminder is due (``None``: none left).
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    live_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Why it ended, in words for its reseller and customer.
    end_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    account: Mapped[Account] = relationship()
    subscription: Mapped[Subscription] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Website {self.id} {self.domain} {self.status}>"
