"""Every answer, from the back office, the API and the storefronts, carries the same security headers:
no inline script runs, no page is framed but a storefront's preview (by the back office alone), no
content is sniffed, no address leaks to other sites, HTTPS is sticky in production, and no header
names the software."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plugin_kit.testing import BRIGHT, text_of

ROOT = Path(__file__).resolve().parents[2]
BACKOFFICE = "http://127.0.0.1:5000"


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy of ``response``, directive by directive."""
    directives = (part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    return {name: value for name, value in directives}


def assert_secured(response, *, framed_by: str | None = None) -> None:
    csp = policy(response)
    assert csp["script-src"] == "'self'", "no inline script, no eval"
    assert csp["object-src"] == "'none'" and csp["base-uri"] == "'none'"
    assert csp["frame-ancestors"] == (framed_by or "'none'")
    assert response.headers.get("X-Frame-Options") == (None if framed_by else "DENY")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert "Server" not in response.headers
    assert "Strict-Transport-Security" not in response.headers, "HTTPS is sticky in production only"


@pytest.mark.parametrize(("path", "status"), [
    ("/", 200), ("/bss/login", 200), ("/bss/no-such-page", 404), ("/healthz", 200),
    ("/api/v1/openapi.json", 200), ("/api/v1/docs", 200), ("/api/v1/me", 401), ("/api/v1/accounts/1", 401),
])
def test_the_back_office_and_the_api_send_them(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_secured(response)


@pytest.mark.parametrize(("path", "status"), [("/", 200), ("/products", 200), ("/sign-in", 200), ("/nothing", 404)])
def test_storefronts_send_them_and_so_do_their_kept_pages(client, shops, path, status):
    for _ in range(2):  # the second answer of a visitor's page comes from the kept pages, without Flask
        response = client.get(path, base_url=BRIGHT)
        assert response.status_code == status
        assert_secured(response)


def test_a_page_with_a_token_in_its_address_keeps_its_stricter_referrer_policy(client, shops):
    assert client.get("/password/reset/some-token", base_url=BRIGHT).headers["Referrer-Policy"] == "no-referrer"


def test_the_storefront_preview_is_framed_by_the_back_office_alone(client, shops, login_as):
    login_as("owner@bright.example")
    page = client.get("/bss/storefront")
    assert_secured(page)
    assert policy(page)["frame-src"] == "http://*.shop.localhost:5000", "the back office frames its shops' previews"
    frame = re.search(r'<iframe id="preview"[^>]* src="([^"]+)"', page.get_data(as_text=True)).group(1)
    preview = client.get(frame.replace(":5000", "").replace("&amp;", "&"), base_url=BRIGHT)
    assert "Bright IT" in text_of(preview)
    assert_secured(preview, framed_by=BACKOFFICE)
    assert_secured(client.get("/?preview=forged", base_url=BRIGHT))


def test_https_is_sticky_in_production(make_app):
    production = make_app(env="production", secret_key="a production secret of at least 32 characters")
    for base in ("http://127.0.0.1:5000", BRIGHT):
        response = production.test_client().get("/", base_url=base)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.IGNORECASE)


def test_no_template_holds_an_inline_script_the_policy_would_block():
    templates = [path for folder in ("bss", "storefront", "web", "themes", "plugins", "examples")
                 for path in (ROOT / folder).rglob("*.html")]
    assert len(templates) > 50
    offending = [f"{path.relative_to(ROOT)}: {found.group()}" for path in templates
                 for found in [_INLINE_SCRIPT.search(path.read_text())] if found]
    assert offending == []
