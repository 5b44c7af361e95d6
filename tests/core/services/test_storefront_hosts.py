"""Host names to storefronts: the one query, and what each kind of host finds."""

from __future__ import annotations

import pytest

from core.models.storefronts import StorefrontStatus
from core.services.storefront_hosts import find_storefront

DOMAIN = "shop.localhost"


def test_a_live_storefront_is_found_with_its_account_in_one_query(db, shops, selects):
    db.expire_all()
    storefront = find_storefront(db, "bright.shop.localhost", DOMAIN)
    assert (storefront.status, storefront.account.name) == (StorefrontStatus.LIVE, "Bright IT")
    assert len(selects) == 1


@pytest.mark.parametrize("host", ["BRIGHT.Shop.LocalHost", "bright.shop.localhost:5000", "Bright.shop.localhost.:8000"])
def test_case_port_and_a_trailing_dot_do_not_matter(db, shops, host):
    assert find_storefront(db, host, DOMAIN).account.slug == "bright"


def test_a_closed_storefront_is_found_closed(db, shops, close_bright):
    close_bright()
    storefront = find_storefront(db, "bright.shop.localhost", DOMAIN)
    assert (storefront.status, storefront.account.slug) == (StorefrontStatus.CLOSED, "bright")


@pytest.mark.parametrize("host", [
    "nobody.shop.localhost",          # no such account
    "corner.shop.localhost",          # a reseller on Basic has no storefront
    "harbour.shop.localhost",         # a customer's slug
    "www.bright.shop.localhost",      # labels never nest
    "shop.localhost",                 # the storefront domain itself
    "bright.shop.localhost.example",  # not below the storefront domain
    "bright.localhost",
    "127.0.0.1:5000",
    "[::1]:5000",
])
def test_any_other_host_finds_nothing(db, shops, host):
    assert find_storefront(db, host, DOMAIN) is None


def test_the_storefront_domain_is_a_setting(db, shops):
    assert find_storefront(db, "bright.shops.example.com", "shops.example.com").account.slug == "bright"
    assert find_storefront(db, "bright.shop.localhost", "shops.example.com") is None
