"""An end customer's whole journey on Bright IT's shop, clicking and typing in a real browser.

Sign up, confirm by the emailed link, sign in, browse the products, put Microsoft 365 seats in
the cart, check out, watch the order until the subscription is active, change its quantity,
then cancel it. Elements are found by their role and accessible name, or by their label, as
a person (or a screen reader) finds them: a control that cannot be found that way fails the
test. Every page is in the shop's name, and none names the distributor behind it.

Provisioning is the worker's task run by the test when it chooses (see ``conftest``), so the
test sees each change under way before it sees it done.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Browsing, LiveShop

SHOP_NAME = "Bright IT"
DISTRIBUTOR = re.compile("northwind", re.IGNORECASE)
EMAIL = "robin@fisher-design.example"
PASSWORD = "a long enough passphrase"


def in_the_shop(page: Page) -> None:
    """The page is the shop's, and says nothing of the distributor."""
    expect(page).to_have_title(re.compile(rf"(^| · ){re.escape(SHOP_NAME)}$"))
    assert not DISTRIBUTOR.search(page.content()), f"{page.url} names the distributor"


def test_a_customer_signs_up_orders_changes_and_cancels_a_subscription(browsing: Browsing, live_shop: LiveShop) -> None:
    page = browsing.page
    page.goto("/")
    in_the_shop(page)

    # Sign up, and confirm the address by the link in the email, as the mail reader opens it.
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Your name").fill("Robin Fisher")
    page.get_by_label("Organisation").fill("Fisher Design")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    in_the_shop(page)
    (email,) = live_shop.emails_to(EMAIL)
    assert email.sender_name == SHOP_NAME and not DISTRIBUTOR.search(f"{email.subject}\n{email.text_body}")
    link = live_shop.link_in_last_email(EMAIL, "/sign-up/confirm/")
    assert link.startswith(f"{live_shop.url}/"), "the link leads back to the shop"
    page.goto(link)
    in_the_shop(page)
    page.get_by_role("button", name="Confirm and open my account").click()
    expect(page.get_by_role("status")).to_contain_text("Your email is confirmed")

    # Confirming signed the new customer in: the account's page.
    expect(page.get_by_role("heading", name="Fisher Design", level=1)).to_be_visible()
    in_the_shop(page)

    # Browse, compare Microsoft 365's plans and put 3 seats of Business Basic in the cart.
    page.get_by_role("main").get_by_role("link", name="Products").click()  # the account's own links
    expect(page.get_by_role("heading", name="Products", level=1)).to_be_visible()
    in_the_shop(page)
    page.get_by_role("link", name="Microsoft 365", exact=True).click()
    expect(page.get_by_role("heading", name="Microsoft 365", level=1)).to_be_visible()
    in_the_shop(page)
    plan = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Microsoft 365 Business Basic", exact=True))
    plan.get_by_label("Quantity").fill("3")
    plan.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Microsoft 365 Business Basic is in your cart")
    in_the_shop(page)

    # Check out: the tenant's domain prefix this first Microsoft 365 order needs, paid by card.
    page.get_by_role("link", name="Check out").click()
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    in_the_shop(page)
    page.get_by_label("Tenant prefix").fill("fisherdesign")
    page.get_by_label("Card").check()
    page.get_by_role("button", name="Place the order").click()

    # The order's page shows it being set up, then, by itself once the worker has run, ready.
    expect(page.get_by_role("heading", name=re.compile(r"^Order \d+"), level=1)).to_be_visible()
    in_the_shop(page)
    expect(page.get_by_role("status").filter(has_text="We are setting it up now")).to_be_visible()
    assert live_shop.run_worker() == 1
    ready = page.get_by_role("status").filter(has_text="Ready: everything in this order is set up.")
    expect(ready).to_be_visible(timeout=15_000)  # the page reloads itself (its Refresh header)
    page.get_by_role("link", name=re.compile(r"^Subscription \d+$")).click()

    # The subscription is active: 3 seats. Change them to 5.
    expect(page.get_by_role("heading", name=re.compile("^Microsoft 365"), level=1)).to_be_visible()
    in_the_shop(page)
    expect(page.locator(".page-head").get_by_text("Active", exact=True)).to_be_visible()
    details = page.get_by_role("region", name="Details")
    expect(details).to_contain_text("Quantity3")
    page.get_by_label("Change the quantity").fill("5")
    page.get_by_role("button", name="Change quantity").click()
    assert live_shop.run_worker() == 1
    page.reload()
    expect(page.get_by_role("region", name="Details")).to_contain_text("Quantity5")
    expect(page.get_by_role("region", name="History")).to_contain_text("5")

    # Cancel it now: once the worker has ended it at Microsoft, it is cancelled.
    page.get_by_label("Now: the service stops today").check()
    page.get_by_label("Why are you cancelling?").fill("We are moving to another provider.")
    page.get_by_role("button", name="Cancel the subscription").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Cancel Microsoft 365 now\?"), level=1)).to_be_visible()
    page.get_by_role("button", name="Yes, cancel it now").click()  # a destructive action asks first
    assert live_shop.run_worker() == 1
    page.reload()
    expect(page.locator(".page-head").get_by_text("Cancelled", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Cancel the subscription")).to_have_count(0)
    in_the_shop(page)
    assert browsing.errors == [] and browsing.dialogs == []


def test_sign_in_works_with_the_keyboard_alone(browsing: Browsing) -> None:
    page = browsing.page
    page.goto("/sign-in")
    focused: list[str] = []
    for _ in range(30):  # Tab through the page, as a keyboard user does, until the email field
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
        if focused[-1] == "f-email":
            break
    assert focused[0] == "Skip to content", "the first stop skips the navigation"
    assert focused[-1] == "f-email", f"Tab never reached the email field: {focused}"
    page.keyboard.type("owner@harbour.example")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("cascade-demo")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Harbour Dental", level=1)).to_be_visible()
    in_the_shop(page)
