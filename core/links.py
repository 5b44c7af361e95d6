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
        return self._home(self.storefront_host(slug))

    def shop(self, storefront: Storefront) -> str:
        """The home of ``storefront``: at the seller's own domain once it serves it, else on the platform's host."""
        if storefront.serves_custom_domain:
            return self._home(storefront.custom_domain or "")
        return self.storefront(storefront.account.slug)

    def shop_of(self, session: Session, account: Account) -> str | None:
        """The home of the storefront where customer ``account`` serves itself: its seller's, while live."""
        if account.kind is not AccountKind.CUSTOMER or account.parent_id is None:
            return None
        storefront = session.scalar(select(Storefront).where(
            Storefront.account_id == account.parent_id, Storefront.status == StorefrontStatus.LIVE))
        return self.shop(storefront) if storefront is not None else None

    def for_account(self, session: Session, account: Account, storefront_path: str, backoffice_path: str) -> str:
        """Where ``account``'s people follow a link to: for a customer whose seller's storefront is live,
        its page there (white label: the back office's host would reveal the platform), else the back office's."""
        shop = self.shop_of(session, account)
        return shop + storefront_path.lstrip("/") if shop is not None else self.backoffice(backoffice_path)

    def _home(self, host: str) -> str:
        """The home page of ``host`` on the back office's scheme and port."""
        base = urlsplit(self.base_url)
        return f"{base.scheme}://{host}{f':{base.port}' if base.port else ''}/"


links = Links()
