"""Absolute links for emails: the addresses people reach the back office and the storefronts at.

Emails are written by web requests and by workers alike, and a worker has no request to
build a URL from; the app factory sets the addresses from ``CASCADE_BASE_URL`` and
``CASCADE_STOREFRONT_DOMAIN``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models.accounts import Account, AccountKind
from core.models.storefronts import Storefront, StorefrontStatus


class Links:
    def __init__(self) -> None:
        self.configure("http://127.0.0.1:5000", "shop.localhost")

    def configure(self, base_url: str, storefront_domain: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.storefront_domain = storefront_domain

    def backoffice(self, path: str = "") -> str:
        """The absolute URL of a back-office page, ``path`` relative to ``/bss/``."""
        return f"{self.base_url}/bss/{path.lstrip('/')}"

    def storefront_host(self, slug: str) -> str:
        """A seller's storefront host on the platform, ``<slug>.<storefront domain>``: what its own
        domain's CNAME record points at (a host name, no scheme, no port)."""
        return f"{slug}.{self.storefront_domain}"

    def storefront(self, slug: str) -> str:
        """The home of a seller's storefront: ``<slug>.<storefront domain>``, on the back office's scheme and port."""
        base = urlsplit(self.base_url)
        port = f":{base.port}" if base.port else ""
        return f"{base.scheme}://{slug}.{self.storefront_domain}{port}/"

    def for_account(self, session: Session, account: Account, storefront_path: str, backoffice_path: str) -> str:
        """Where ``account``'s people follow a link to: for a customer whose seller's storefront is live,
        its page there (white label: the back office's host would reveal the platform), else the back office's."""
        seller = account.parent
        if account.kind is AccountKind.CUSTOMER and seller is not None and session.scalar(
            select(Storefront.id).where(Storefront.account_id == seller.id, Storefront.status == StorefrontStatus.LIVE)
        ) is not None:
            return self.storefront(seller.slug) + storefront_path.lstrip("/")
        return self.backoffice(backoffice_path)


links = Links()
