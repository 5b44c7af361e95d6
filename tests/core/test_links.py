"""Where links in emails and pages lead a customer: its seller's shop, at the seller's own domain once it serves it."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from core.links import links
from core.models.storefronts import Storefront, StorefrontStatus


def test_a_customer_s_links_lead_to_its_seller_s_shop_and_its_own_domain_once_verified(db, shops, frozen_clock):
    harbour, solo = shops["harbour"], shops["solo"]
    assert links.for_account(db, harbour, "orders/7", "orders/7") == f"{links.storefront('bright')}orders/7"
    storefront = db.scalar(select(Storefront).where(Storefront.account_id == shops["bright"].id))
    storefront.custom_domain = "shop.bright-it.example"
    assert links.for_account(db, harbour, "orders/7", "orders/7").startswith(links.storefront("bright")), "not verified"
    storefront.custom_domain_verified_at = frozen_clock.now()
    base = urlsplit(links.base_url)  # the same scheme and port as the back office's
    own = f"{base.scheme}://shop.bright-it.example{f':{base.port}' if base.port else ''}/"
    assert links.shop_of(db, harbour) == own
    assert links.for_account(db, harbour, "orders/7", "orders/7") == f"{own}orders/7"
    # The distributor's direct customers shop on its own storefront; sellers read their links in the back office.
    assert links.shop_of(db, solo) == links.storefront("northwind") and links.shop_of(db, shops["bright"]) is None
    storefront.status = StorefrontStatus.CLOSED
    assert links.for_account(db, harbour, "orders/7", "orders/7") == links.backoffice("orders/7")
