"""A Standard reseller gives its storefront a domain of its own, proves it over DNS, and previews its branding live."""

from __future__ import annotations

import re
from html import unescape

import pytest

from core.services.notifications import sender_name_for
from plugin_kit.testing import text_of
from tests.dns import DnsServer

DOMAIN = "shop.bright-it.example"


@pytest.fixture
def dns_server(app):
    with DnsServer().running() as server:
        app.config["CASCADE_DNS_RESOLVER"] = server.address
        yield server


def test_a_domain_is_named_proven_and_then_serves_the_shop(client, shops, login_as, post, dns_server):
    login_as("owner@bright.example")
    assert client.get("/", base_url=f"http://{DOMAIN}").status_code == 200  # an unknown host is the platform's start page
    response = post("/bss/storefront/domain", {"custom_domain": DOMAIN})
    assert response.status_code == 302
    page = client.get("/bss/storefront").get_data(as_text=True)
    name, value = re.search(r"<td>TXT</td><td><code>([^<]+)</code></td><td><code>([^<]+)</code>", page).groups()
    assert name == f"_domain-verification.{DOMAIN}"

    refused = post("/bss/storefront/domain/verify")
    assert refused.status_code == 422 and "No TXT record" in text_of(refused)
    assert "Bright IT" not in text_of(client.get("/", base_url=f"http://{DOMAIN}"))

    dns_server.txt[name] = [unescape(value)]
    assert post("/bss/storefront/domain/verify").status_code == 302
    verified = text_of(client.get("/bss/storefront"))
    assert f"Your customers reach your storefront at {DOMAIN}" in verified
    assert f"Keep a CNAME record pointing {DOMAIN} at bright.shop.localhost." in verified  # a host: no scheme, no port
    shop = client.get("/", base_url=f"http://{DOMAIN}")
    assert shop.status_code == 200 and "<title>Bright IT</title>" in shop.get_data(as_text=True)


def test_the_platforms_own_hosts_cannot_be_claimed(client, shops, login_as, post):
    login_as("owner@bright.example")
    response = post("/bss/storefront/domain", {"custom_domain": "corner.shop.localhost"})
    assert response.status_code == 422 and "belongs to the platform" in text_of(response)


def test_on_free_there_is_no_domain_to_name(client, reseller_plan, login_as, post):
    reseller_plan("bright", "free")
    login_as("owner@bright.example")
    assert "A domain of your own comes with the Standard plan." in text_of(client.get("/bss/storefront"))
    assert post("/bss/storefront/domain", {"custom_domain": DOMAIN}).status_code == 403


def _preview_url(client) -> str:
    page = client.get("/bss/storefront").get_data(as_text=True)
    return unescape(re.search(r'<iframe id="preview" title="[^"]+" src="([^"]+)"', page).group(1))


def test_the_preview_shows_unsaved_branding_to_its_seller_only_and_saves_nothing(client, shops, login_as):
    login_as("owner@bright.example")
    url = _preview_url(client)
    assert url.startswith("http://bright.shop.localhost:5000/?preview=")
    path = url.split(":5000", 1)[1]
    response = client.get(f"{path}&display_name=Bright+Preview&primary_colour=%23ff0000&support_url=javascript:alert(1)",
                          base_url="http://bright.shop.localhost")
    page = response.get_data(as_text=True)
    assert "<title>Bright Preview</title>" in page and "--shop-primary: #ff0000" in page
    assert 'href="javascript:' not in page  # a value that saving would refuse is left out
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors http://127.0.0.1:5000" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    # Nothing was saved, and the token is for Bright IT's shop alone.
    assert "<title>Bright IT</title>" in client.get("/", base_url="http://bright.shop.localhost").get_data(as_text=True)
    other = client.get(f"{path}&display_name=Hijacked", base_url="http://northwind.shop.localhost")
    assert "<title>Northwind Distribution</title>" in other.get_data(as_text=True)
    assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"]
    forged = client.get("/?preview=forged&display_name=Hijacked", base_url="http://bright.shop.localhost")
    assert "<title>Bright IT</title>" in forged.get_data(as_text=True) and forged.headers["X-Frame-Options"] == "DENY"


def test_a_standard_reseller_names_the_sender_of_its_customers_emails(client, db, shops, login_as, post, actor_for):
    login_as("owner@bright.example")
    values = {"display_name": "", "primary_colour": "#2456c7", "accent_colour": "#e8eefb", "contact_email": "",
              "contact_phone": "", "support_url": "", "welcome_text": "", "sender_name": "Bright Support Desk"}
    assert post("/bss/storefront/branding", values).status_code == 302
    assert sender_name_for(db, shops["bright"]) == "Bright Support Desk"
