"""Storefronts: a seller's own white-label shop, switched on and off by what its plan allows.

A storefront carries its seller's branding as validated data (``core.services.branding``
checks every value): the templates turn it into text and CSS variables, never into HTML.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from core.db import Base, UTCDateTime
from core.models._columns import created_at_column, enum_column, updated_at_column
from core.models.accounts import Account


class StorefrontStatus(StrEnum):
    LIVE = "live"
    #: The seller's plan no longer has a storefront: visitors see a neutral "closed" page.
    CLOSED = "closed"


#: The default theme's colours, until the seller chooses its own.
DEFAULT_PRIMARY = "#2456c7"
DEFAULT_ACCENT = "#e8eefb"


class Storefront(Base):
    __tablename__ = "storefronts"
    __table_args__ = (
        # A logo is always served as the type its bytes were recognised as: never one without the other.
        CheckConstraint("(logo IS NULL) = (logo_media_type IS NULL)", name="logo_has_media_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The seller; its slug names the storefront's host (``<slug>.<storefront domain>``).
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    status: Mapped[StorefrontStatus] = mapped_column(enum_column(StorefrontStatus, "storefront_status"))
    #: What the seller's plan allows beyond the storefront itself (``custom_domain``, ``theme_choice``, ...).
    entitlements: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The theme the seller chose (``themes/<name>``); used while its plan allows a choice of themes.
    theme: Mapped[str] = mapped_column(String(40), default="default", server_default="default")
    #: The shop's name for its visitors; empty means the seller's account name.
    display_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    #: ``#rrggbb``: links and the header's stripe.
    primary_colour: Mapped[str] = mapped_column(String(7), default=DEFAULT_PRIMARY, server_default=DEFAULT_PRIMARY)
    #: ``#rrggbb``: the background of highlighted bits (the plan names).
    accent_colour: Mapped[str] = mapped_column(String(7), default=DEFAULT_ACCENT, server_default=DEFAULT_ACCENT)
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="", server_default="")
    #: An http(s) address only.
    support_url: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: Plain text for the home page, shown with its line breaks.
    welcome_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: A PNG, JPEG or WebP image, recognised by its first bytes; loaded only when served.
    logo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    #: The logo's media type, as its bytes tell it (``image/png``, ...); ``None`` without a logo.
    logo_media_type: Mapped[str | None] = mapped_column(String(20))
    #: The name customer emails go out under, on plans with ``own_sender_name``; empty means the shop's name.
    sender_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    #: A host of the seller's own (``shop.example.com``), on plans with ``custom_domain``; it answers once verified.
    custom_domain: Mapped[str | None] = mapped_column(String(253), unique=True)
    #: What the seller publishes in a DNS TXT record to prove the domain is theirs.
    custom_domain_token: Mapped[str | None] = mapped_column(String(64))
    custom_domain_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: What the names the seller's customers meet at vendors start with (a registry contact's handle, a hosting
    #: panel's login): 2 to 8 capital letters and digits; ``None`` means the one made from the seller's slug.
    handle_prefix: Mapped[str | None] = mapped_column(String(8))
    #: The seller's vanity nameservers (``ns1.bright.example``, pointing at the platform's), 2 to 4 host names in
    #: ASCII form, that the domains it sells use; empty means the platform's own.
    nameservers: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    account: Mapped[Account] = relationship()

    @property
    def is_live(self) -> bool:
        return self.status is StorefrontStatus.LIVE

    @property
    def shop_name(self) -> str:
        """The name visitors know the shop by: its display name, else the seller's name."""
        return self.display_name or self.account.name

    @property
    def serves_custom_domain(self) -> bool:
        """Whether visitors reach the shop at its custom domain: verified, and still part of the seller's plan."""
        # The feature's name is core.services.entitlements.CUSTOM_DOMAIN; models do not import services.
        return self.custom_domain_verified_at is not None and "custom_domain" in (self.entitlements or ())

    @property
    def has_logo(self) -> bool:
        return self.logo_media_type is not None

    @property
    def on_accent_colour(self) -> str:
        """Black or white, whichever reads better on the accent colour."""
        red, green, blue = (int(self.accent_colour[i:i + 2], 16) for i in (1, 3, 5))
        return "#000000" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "#ffffff"
