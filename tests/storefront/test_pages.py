"""What a visitor of a storefront host gets: the shop's home, its closed page, or a neutral 404."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from core.links import links
from core.services.branding import update_branding
from plugin_kit.testing import text_of
from tests.core.services.test_branding import PNG

BRIGHT = "http://bright.shop.localhost"


def test_the_home_lists_what_is_on_sale_in_the_resellers_name(client, shops):
    response = client.get("/", base_url=BRIGHT)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Bright IT</title>" in page and '<h1 id="shop-name">Bright IT</h1>' in page
    for name in ("Microsoft 365", "Microsoft 365 Business Basic", "Web hosting", "Starter", "Domain name",
                 ".com"):
        assert f">{name}<" in page
    assert "Reseller plan" not in page  # the reseller's own plans are not for its customers


def test_the_link_in_the_resellers_invitation_reaches_its_home(client, shops):
    url = links.storefront("bright")
    assert url == "http://bright.shop.localhost:5000/"
    address = urlsplit(url)
    response = client.get(address.path, base_url=f"{address.scheme}://{address.netloc}")
    assert response.status_code == 200 and "<title>Bright IT</title>" in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "path"), [("GET", "/"), ("GET", "/products/anything"), ("POST", "/")])
def test_a_closed_storefront_answers_its_closed_page_on_every_path(client, shops, close_bright, method, path):
    close_bright()
    response = client.open(path, method=method, base_url=BRIGHT)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This shop is closed" in page and "Bright IT" in page


@pytest.mark.parametrize("host", ["nobody.shop.localhost", "corner.shop.localhost", "harbour.shop.localhost",
                                  "www.bright.shop.localhost", "shop.localhost"])
@pytest.mark.parametrize("path", ["/", "/bss/login"])
def test_an_unknown_host_answers_a_404_that_names_nobody(client, shops, host, path):
    response = client.get(path, base_url=f"http://{host}")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "Page not found" in page
    assert not [account.name for account in shops.values() if account.name in page]


def test_an_unknown_page_of_a_live_shop_is_a_404_in_the_shops_name(client, shops):
    response = client.get("/nothing-here", base_url=BRIGHT)
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "Page not found" in page and "Bright IT" in page


@pytest.mark.parametrize("path", ["/bss/login", "/bss/", "/healthz", "/static/anything.css"])
def test_a_storefront_host_has_no_back_office_routes(client, shops, path):  # the APIs it has: tests/bss/test_brand.py
    assert client.get(path, base_url=BRIGHT).status_code == 404


@pytest.mark.parametrize(("host", "path", "close"), [
    ("bright.shop.localhost", "/", False),
    ("bright.shop.localhost", "/nothing-here", False),
    ("bright.shop.localhost", "/", True),
    ("nobody.shop.localhost", "/", False),
])
def test_no_storefront_answer_names_the_distributor_or_the_platform(client, shops, close_bright, host, path, close):
    if close:
        close_bright()
    response = client.get(path, base_url=f"http://{host}")
    answer = "\n".join([*(f"{name}: {value}" for name, value in response.headers), response.get_data(as_text=True)])
    assert "northwind" not in answer.lower() and "cascade" not in answer.lower()
    assert "Server" not in response.headers


@pytest.mark.parametrize("base_url", ["http://localhost", "http://127.0.0.1:5000"])
def test_the_back_office_answers_on_its_own_hosts_as_before(client, shops, base_url):
    start = client.get("/", base_url=base_url)
    assert start.status_code == 200 and "Cascade is running" in start.get_data(as_text=True)
    assert client.get("/bss/login", base_url=base_url).status_code == 200
    assert client.get("/api/v1/openapi.json", base_url=base_url).status_code == 200


def _rename_bright(db, actor_for, name):
    update_branding(db, actor=actor_for("bright"), values={"display_name": name})
    db.commit()


def test_the_display_name_is_the_shops_name_in_its_header_and_footer(client, db, shops, actor_for):
    _rename_bright(db, actor_for, "Bright Cloud Shop")
    page = text_of(client.get("/", base_url=BRIGHT))
    assert page.startswith("Bright Cloud Shop Skip to content Bright Cloud Shop Products")  # title, header
    assert "Français Bright Cloud Shop Welcome" in page  # the heading, after the navigation
    assert page.endswith("Bright Cloud Shop")  # footer
    assert "Bright IT" not in page


def test_error_and_closed_pages_use_the_display_name(client, db, shops, close_bright, actor_for):
    _rename_bright(db, actor_for, "Bright Cloud Shop")
    missing = client.get("/nothing-here", base_url=BRIGHT)
    assert missing.status_code == 404 and "Bright Cloud Shop" in text_of(missing)
    close_bright()
    closed = client.get("/", base_url=BRIGHT)
    assert "<title>Bright Cloud Shop is closed</title>" in closed.get_data(as_text=True)
    assert "Bright Cloud Shop is not taking orders here at the moment." in text_of(closed)
    assert "Bright IT" not in text_of(closed)


def test_a_closed_shop_serves_no_logo(client, db, shops, close_bright, actor_for):
    update_branding(db, actor=actor_for("bright"), values={}, logo=PNG)
    db.commit()
    close_bright()
    response = client.get("/logo", base_url=BRIGHT)
    assert response.status_code == 404 and response.mimetype == "text/html"
