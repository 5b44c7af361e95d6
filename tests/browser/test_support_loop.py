"""A support request's whole loop in a real browser: the customer asks on its shop, the reseller escalates
in its back office, the distributor answers the reseller, the reseller answers its customer; then the
distributor, allowed by the reseller, writes in the customer's thread. The customer's pages and emails
name its reseller only, all along."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from core.services.demo import DEMO_PASSWORD
from tests.browser.conftest import STEP_TIMEOUT_MS, Browsing, LiveShop

DISTRIBUTOR = re.compile("northwind", re.IGNORECASE)
SUBJECT = "Emails to clinics bounce"


@pytest.fixture
def staff(browser: Browser, live_shop: LiveShop) -> Iterator[dict[str, Page]]:
    """Bright IT's and Northwind's owners, each signed in to the back office in a browser of their own."""
    contexts, pages = [], {}
    for slug, email in (("bright", "owner@bright.example"), ("northwind", "admin@northwind.example")):
        context = browser.new_context(base_url=live_shop.backoffice_url, locale="en-GB")
        context.set_default_timeout(STEP_TIMEOUT_MS)
        page = context.new_page()
        page.goto("/bss/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("link", name=re.compile("^Support"))).to_be_visible()
        contexts.append(context)
        pages[slug] = page
    yield pages
    for context in contexts:
        context.close()


def names_nobody_above(page: Page) -> None:
    assert not DISTRIBUTOR.search(page.content()), f"{page.url} names the distributor"


def open_ticket_page(page: Page) -> None:
    """From anywhere in the back office: Support, then the request."""
    page.get_by_role("link", name=re.compile("^Support")).click()
    page.get_by_role("row").filter(has_text=SUBJECT).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)


def author_of(page: Page, text: str) -> str:
    """Who a message of the customer's thread is from, as the page shows it."""
    return page.get_by_role("listitem").filter(has_text=text).locator("strong").first.inner_text()


def reply(page: Page, thread: str, text: str) -> None:
    form = page.locator("form").filter(has=page.get_by_role("button", name="Send", exact=True))
    thread_choice = form.get_by_role("radio", name=thread, exact=True)
    if thread_choice.count():
        thread_choice.check()
    form.get_by_label("Message").fill(text)
    form.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text(text)).to_be_visible()


def test_customer_reseller_distributor_reseller_customer(browsing: Browsing, live_shop: LiveShop,
                                                         staff: dict[str, Page]) -> None:
    customer, bright, northwind = browsing.page, staff["bright"], staff["northwind"]

    # The customer asks its shop.
    customer.goto("/sign-in")
    customer.get_by_label("Email").fill("owner@harbour.example")
    customer.get_by_label("Password").fill(DEMO_PASSWORD)
    customer.get_by_role("button", name="Sign in").click()
    customer.get_by_role("link", name="Support").first.click()
    customer.get_by_role("link", name="New request").click()
    customer.get_by_label("Subject").fill(SUBJECT)
    customer.get_by_label("Message").fill("Since Monday, our emails to two partner clinics come back.")
    customer.get_by_role("button", name="Send the request").click()
    expect(customer.get_by_role("heading", name=SUBJECT, level=1)).to_be_visible()
    names_nobody_above(customer)

    # The reseller escalates it, with the customer's message.
    open_ticket_page(bright)
    escalation = bright.locator("form").filter(has=bright.get_by_role("button", name="Escalate"))
    escalation.get_by_role("checkbox").first.check()
    escalation.get_by_label("Message").fill("Their DNS looks right from here: can you check the relay?")
    escalation.get_by_role("button", name="Escalate").click()
    expect(bright.get_by_role("status")).to_contain_text("escalated")

    # The distributor reads the upstream thread only, and answers the reseller.
    open_ticket_page(northwind)
    expect(northwind.get_by_text("Their DNS looks right from here")).to_be_visible()
    reply(northwind, "Upstream", "The relay had a stale block list: cleared.")

    # The reseller answers its customer, in its own words.
    open_ticket_page(bright)
    expect(bright.get_by_text("The relay had a stale block list")).to_be_visible()
    reply(bright, "Customer", "Fixed: your emails go out again. Sorry for the trouble!")

    customer.reload()
    expect(customer.get_by_text("Fixed: your emails go out again.")).to_be_visible()
    expect(customer.get_by_text("The relay had a stale block list")).to_have_count(0)
    names_nobody_above(customer)

    # Allowed by the reseller, the distributor writes to the customer, which reads it from its shop.
    bright.get_by_role("button", name=re.compile("^Let Northwind Distribution write to the customer")).click()
    northwind.reload()
    reply(northwind, "Customer", "We have also added your partners to our allow list.")
    customer.reload()
    expect(customer.get_by_text("added your partners to our allow list")).to_be_visible()
    assert author_of(customer, "added your partners to our allow list") == author_of(customer, "Fixed: your emails")
    names_nobody_above(customer)

    emails = live_shop.emails_to("owner@harbour.example")
    assert len(emails) >= 2, [email.subject for email in emails]
    for email in emails:
        assert not DISTRIBUTOR.search(f"{email.sender_name}\n{email.subject}\n{email.text_body}\n{email.html_body}"), \
            email.subject
    assert browsing.errors == [] and browsing.dialogs == []
