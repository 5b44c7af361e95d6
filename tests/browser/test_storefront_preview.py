"""The back office's live preview of a seller's storefront, in a real browser under the security headers:
the one page a storefront lets be framed, and by the back office alone."""

from __future__ import annotations

from playwright.sync_api import expect

from core.services.demo import DEMO_PASSWORD
from tests.browser.conftest import Browsing, LiveShop


def test_the_preview_frames_the_shop_and_follows_the_form(browsing: Browsing, live_shop: LiveShop) -> None:
    page = browsing.page
    page.goto(f"{live_shop.backoffice_url}/bss/login")
    page.get_by_label("Email").fill("owner@bright.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_shop.backoffice_url}/bss/storefront")

    preview = page.frame_locator("#preview")
    expect(preview.get_by_role("heading", level=1)).to_have_text("Bright IT")
    page.get_by_label("Shop name").fill("Bright Preview")  # not saved: the frame follows the form
    expect(preview.get_by_role("heading", level=1)).to_have_text("Bright Preview")
    assert live_shop.storefront()["display_name"] == ""
    assert browsing.errors == [] and not [line for line in browsing.console if "Content Security Policy" in line]


def test_no_other_site_frames_a_shop(browsing: Browsing, live_shop: LiveShop) -> None:
    page = browsing.page
    page.set_content(f'<iframe id="shop" src="{live_shop.url}/"></iframe>')  # another site's page
    expect(page.frame_locator("#shop").get_by_role("heading", level=1)).to_have_count(0)
    assert any("frame-ancestors 'none'" in line for line in browsing.console), browsing.console
