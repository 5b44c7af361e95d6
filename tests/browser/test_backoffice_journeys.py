"""The back office's journeys in a real browser, in English and in French: the distributor activates a
reseller's plan, the reseller brands its storefront and orders for a customer, and the customer orders on
the reseller's shop. Each page is in the language the browser asks for: the test finds its links and
buttons by their names in that language."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from core.languages import translations
from core.models.accounts import Account
from core.models.catalog import Plan, Product
from core.models.subscriptions import Subscription
from core.services.demo import DEMO_PASSWORD
from tests.browser.conftest import STEP_TIMEOUT_MS, LiveShop
from web.database import db as database

#: How each language's browser says what it reads.
BROWSER_LOCALES = {"en": "en-GB", "fr": "fr-FR"}


@pytest.fixture(params=sorted(BROWSER_LOCALES))
def language(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def open_page(browser: Browser, live_shop: LiveShop, language: str) -> Iterator[Callable[[str], Page]]:
    """A page in a browser context of its own that reads ``language``, at a base URL."""
    contexts = []

    def open_at(base_url: str) -> Page:
        context = browser.new_context(base_url=base_url, locale=BROWSER_LOCALES[language])
        context.set_default_timeout(STEP_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_at
    for context in contexts:
        context.close()


@pytest.fixture
def corner_kept_on_its_plan(live_shop: LiveShop) -> Iterator[None]:
    """Corner Computers' reseller plan put back after the test: upgrading it changes its subscription's row,
    which the removal of the test's new rows leaves as it is."""
    with live_shop.reader() as session:
        kept = session.execute(select(Subscription.id, Subscription.plan_id, Subscription.unit_amount)
                               .join(Account, Subscription.owner_id == Account.id)
                               .where(Account.slug == "corner")).one()
    yield
    with live_shop.app.app_context():
        subscription = database.session.get_one(Subscription, kept.id)
        subscription.plan_id, subscription.unit_amount = kept.plan_id, kept.unit_amount
        database.session.commit()


def plan_id(live_shop: LiveShop, product_key: str, code: str) -> str:
    with live_shop.reader() as session:
        return str(session.scalar(select(Plan.id).join(Product).where(Product.key == product_key, Plan.code == code)))


def sign_in_to_the_back_office(page: Page, email: str, language: str) -> None:
    page.goto("/bss/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.usefixtures("corner_kept_on_its_plan")
def test_a_distributor_a_reseller_and_a_customer_each_do_their_work(open_page, live_shop: LiveShop, language: str) -> None:
    _ = translations(language).gettext

    # The distributor activates Standard for Corner Computers, from the reseller's page.
    northwind = open_page(live_shop.backoffice_url)
    sign_in_to_the_back_office(northwind, "admin@northwind.example", language)
    northwind.get_by_role("navigation").get_by_role("link", name=_("Accounts"), exact=True).click()
    northwind.get_by_role("link", name="Corner Computers", exact=True).click()
    northwind.get_by_role("link", name=_("Place an order for it")).click()
    northwind.locator("#plan_id").select_option(plan_id(live_shop, "reseller-plan", "standard"))
    northwind.get_by_role("button", name=_("Continue")).click()
    northwind.locator("#payment_method").select_option("on_account")
    northwind.get_by_role("button", name=_("Place the order")).click()
    expect(northwind.get_by_role("heading", level=1)).to_contain_text(re.compile(r"\d+"))
    assert live_shop.run_worker() >= 1
    corner_shop = open_page(f"http://corner.shop.localhost:{live_shop.port}")
    assert corner_shop.goto("/").status == 200, "Corner Computers' storefront is open"

    # The reseller brands its storefront, then orders Microsoft 365 for Harbour Dental.
    bright = open_page(live_shop.backoffice_url)
    sign_in_to_the_back_office(bright, "owner@bright.example", language)
    bright.get_by_role("navigation").get_by_role("link", name=_("Storefront"), exact=True).click()
    bright.locator("#display_name").fill("Bright Cloud")
    bright.get_by_role("button", name=_("Save the branding")).click()
    expect(bright.locator("#display_name")).to_have_value("Bright Cloud")
    bright.get_by_role("navigation").get_by_role("link", name=_("Accounts"), exact=True).click()
    bright.get_by_role("link", name="Harbour Dental", exact=True).click()
    bright.get_by_role("link", name=_("Place an order for it")).click()
    bright.locator("#plan_id").select_option(plan_id(live_shop, "microsoft-365", "business-basic"))
    bright.get_by_role("button", name=_("Continue")).click()
    bright.locator('[name="params.tenant_prefix"]').fill(f"harbourdental{language}")  # its first tenant
    bright.locator("#payment_method").select_option("on_account")
    bright.get_by_role("button", name=_("Place the order")).click()
    expect(bright.get_by_role("heading", level=1)).to_contain_text(re.compile(r"\d+"))

    # Harbour Dental's owner orders on the shop, now named Bright Cloud, in the same language.
    shop = open_page(live_shop.url)
    shop.goto("/sign-in")
    expect(shop.locator("html")).to_have_attribute("lang", language)
    shop.get_by_label(_("Email")).fill("owner@harbour.example")
    shop.get_by_label(_("Password")).fill(DEMO_PASSWORD)
    shop.locator("main form button[type=submit]").click()
    expect(shop.get_by_role("link", name="Bright Cloud").first).to_be_visible()
    shop.goto("/products/microsoft-365")
    plan = shop.get_by_role("listitem").filter(
        has=shop.get_by_role("heading", name="Microsoft 365 Business Standard", exact=True))
    plan.get_by_role("button", name=_("Add to cart")).click()
    shop.get_by_role("link", name=_("Check out")).click()
    shop.locator("#pay-card").check()
    shop.get_by_role("button", name=_("Place the order")).click()
    expect(shop.get_by_role("heading", level=1)).to_contain_text(re.compile(r"\d+"))
    assert live_shop.run_worker() >= 1
