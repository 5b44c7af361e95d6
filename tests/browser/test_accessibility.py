"""The main pages of both apps pass axe-core's checks of WCAG 2.1 AA in real Chromium: light and dark colour
schemes, English and French, for a visitor, a signed-in customer and a distributor's staff."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from core.models.accounts import Account
from core.models.catalog import Plan
from core.models.people import User
from core.services.actors import acting_as
from core.services.demo import DEMO_PASSWORD
from core.services.orders import LineRequest, place_order
from core.services.tickets import open_ticket
from tests.browser.conftest import STEP_TIMEOUT_MS, LiveShop
from web.database import db

#: The rules of WCAG 2.1, levels A and AA (axe's best practices beyond them are left out).
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]}
#: A storefront's visitor's pages, then a signed-in customer's (paths on Bright IT's shop); a path ending in ``>``
#: is a list, followed by its first entry's own page too.
VISITOR = ("/", "/products", "/sign-in", "/sign-up")
CUSTOMER = ("/account", "/subscriptions>", "/orders>", "/invoices", "/support>")
#: The back office's, for Northwind's administrator.
BACKOFFICE = ("/bss/", "/bss/accounts>", "/bss/orders>", "/bss/subscriptions>", "/bss/invoices", "/bss/prices>",
              "/bss/storefront", "/bss/audit", "/bss/tickets")


def test_axe_finds_what_is_wrong(browser: Browser) -> None:
    """The check can fail: a picture without a text alternative and grey on grey are found."""
    page = browser.new_page()
    try:
        page.set_content('<html lang="en"><title>t</title><main><h1>t</h1><img src="x.png"><p style="color:#777;background:#888">'
                         "Faint</p></main></html>")
        assert {line.split()[1] for line in _violations(Axe(), page)} == {"image-alt", "color-contrast"}
    finally:
        page.close()


def _violations(axe: Axe, page: Page) -> list[str]:
    """What axe finds wrong on the page, one line per rule and element."""
    found = axe.run(page, options=WCAG).response["violations"]
    return [f"{page.url} {rule['id']} ({rule['impact']}): {node['target']} {node.get('failureSummary', '')}"
            for rule in found for node in rule["nodes"]]


def _signed_in(page: Page, sign_in_url: str, email: str) -> None:
    page.goto(sign_in_url)
    form = page.locator("form:has(input[type=password])")
    form.locator("input[type=email], input[name=email]").fill(email)
    form.locator("input[type=password]").fill(DEMO_PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page.locator("form:has(input[type=password])")).to_have_count(0)


@pytest.fixture
def harbour_has_bought(live_shop: LiveShop) -> None:
    """Harbour Dental's owner bought Microsoft 365 seats (set up by the worker) and asked for help: every list has an
    entry to follow."""
    with live_shop.app.app_context():
        session = db.session
        harbour = session.scalar(select(Account).where(Account.slug == "harbour"))
        owner = session.scalar(select(User).where(User.email == "owner@harbour.example"))
        plan = session.scalar(select(Plan).where(Plan.code == "business-basic"))
        actor = acting_as(session, owner, harbour)
        place_order(session, actor=actor, owner_id=harbour.id, payment_method="card",
                    lines=[LineRequest(plan.id, 3, {"tenant_prefix": "harbouraxe"})])
        session.commit()
        open_ticket(session, actor=actor, subject="Seats", body="Can we have two more seats next month?")
        session.commit()
    assert live_shop.run_worker() == 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_the_main_pages_have_no_accessibility_violation(browser: Browser, live_shop: LiveShop, harbour_has_bought,
                                                        scheme, locale):
    axe, found = Axe(), []
    for base, paths, email, sign_in_url in (
        (live_shop.url, VISITOR, None, None),
        (live_shop.url, CUSTOMER, "owner@harbour.example", "/sign-in"),
        (live_shop.backoffice_url, BACKOFFICE, "admin@northwind.example", "/bss/login"),
    ):
        context = browser.new_context(base_url=base, locale=locale, color_scheme=scheme)
        context.set_default_timeout(STEP_TIMEOUT_MS)
        page = context.new_page()
        try:
            if email:
                _signed_in(page, sign_in_url, email)
            for path in paths:
                answer = page.goto(path.rstrip(">"))
                assert answer is not None and answer.ok, f"{base}{path} answered {answer.status if answer else None}"
                found += _violations(axe, page)
                if path.endswith(">"):
                    page.locator(f"main a[href^='{path.rstrip('>')}/']").first.click()
                    expect(page.locator("main")).to_be_visible()
                    found += _violations(axe, page)
        finally:
            context.close()
    assert not found, "\n".join(found)


def test_the_back_office_s_first_tab_stop_skips_to_the_content(browser: Browser, live_shop: LiveShop) -> None:
    page = browser.new_page(base_url=live_shop.backoffice_url)
    try:
        page.goto("/bss/login")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
    finally:
        page.close()
