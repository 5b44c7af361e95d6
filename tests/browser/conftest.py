"""Real headless Chromium against the real web app, served by gunicorn as in production.

The browser is Debian's ``chromium`` driven by Playwright's Python package (never a browser
Playwright downloads). Where it is not installed the browser tests are skipped and say why,
unless ``CASCADE_REQUIRE_BROWSER=1`` (CI sets it): then they fail.

The web server is a ``gunicorn`` process on the test database, so the demo it serves is
committed for real, once for the whole package, and removed afterwards; each test's own rows
(sign-ups, orders, sessions) are removed after that test. Nothing consumes what the web
process publishes to the broker: the test carries out provisioning itself, when it chooses,
with the worker's own task (``provision_due``). That keeps the journey real (the same code as
the worker, on what the web process committed) and deterministic: the test sees the order
in progress, lets the "worker" run, then sees the subscription active, with no timing to
guess. Emails are read from the outbox table, where the web process wrote them.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Playwright, sync_playwright
from sqlalchemy import Engine, create_engine, make_url, select
from sqlalchemy.orm import Session, sessionmaker

from core.db import make_engine
from core.models.accounts import Account
from core.models.catalog import Plan
from core.models.outbox import OutboxEmail
from core.models.people import User
from core.models.storefronts import Storefront
from core.services.actors import acting_as
from core.services.demo import has_data, load_demo
from core.services.orders import LineRequest, place_order
from plugin_kit.simulators import local_simulators
from plugin_kit.testing import free_port, provision_due, purge
from tests.processes import cascade_env, rows_removed_afterwards, start_logged, stop, wait_until
from web.database import db as database

#: Debian's package puts it here; Playwright drives it as it is.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: What SERVICES.md says this Chromium needs in a container, and nothing that calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
#: Set in CI: a missing Chromium fails the suite instead of skipping the browser tests.
REQUIRE_VARIABLE = "CASCADE_REQUIRE_BROWSER"
#: How long a step may wait for the page (ms); a real failure shows in seconds, not the default 30.
STEP_TIMEOUT_MS = 10_000
#: The storefront fields the package's tests may change, put back after each test.
BRANDING = ("display_name", "sender_name", "primary_colour", "accent_colour", "contact_email", "contact_phone",
            "support_url", "welcome_text", "theme")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep the browser tests together in one process under pytest-xdist (``--dist loadgroup``):
    they share one web server, started once."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("browser"))


def reader_engine(url: str) -> Engine:
    """An engine that reads without holding SQLite's write lock (Cascade's begins every transaction
    IMMEDIATE), so that the worker's task, in a session of its own, can write meanwhile."""
    return create_engine(url) if make_url(url).get_backend_name() == "sqlite" else make_engine(url)


@dataclass(frozen=True)
class LiveShop:
    """The demo served by a real web server: Bright IT's storefront answers at ``url``."""

    app: Flask
    port: int
    reader: sessionmaker[Session]

    @property
    def url(self) -> str:
        """Bright IT's storefront; Chromium resolves ``*.localhost`` to loopback."""
        return f"http://bright.shop.localhost:{self.port}"

    @property
    def backoffice_url(self) -> str:
        """The back office (``CASCADE_BASE_URL``)."""
        return f"http://127.0.0.1:{self.port}"

    def run_worker(self) -> int:
        """Carry out every provisioning request that is due, with the worker's task; return how many ran."""
        return run_worker(self.app, self.reader)

    def emails_to(self, address: str) -> list[OutboxEmail]:
        """Every email the platform wrote to ``address``, oldest first."""
        with self.reader() as session:
            return list(session.scalars(
                select(OutboxEmail).where(OutboxEmail.to_address == address).order_by(OutboxEmail.id)))

    def link_in_last_email(self, address: str, path: str) -> str:
        """The absolute link under ``path`` in the newest email to ``address``, as a mail reader shows it."""
        emails = self.emails_to(address)
        assert emails, f"no email was written to {address}"
        found = re.search(rf"https?://\S*{re.escape(path)}\S*", emails[-1].text_body)
        assert found, f"no link to {path} in the email {emails[-1].subject!r}"
        return found.group(0)

    def storefront(self) -> dict[str, Any]:
        """The branding fields of Bright IT's storefront, as stored."""
        with self.app.app_context():
            storefront = _bright_storefront()
            return {name: getattr(storefront, name) for name in BRANDING}

    def set_storefront(self, values: dict[str, Any]) -> None:
        """Write Bright IT's storefront fields directly (to put back what a test changed through the services)."""
        with self.app.app_context():
            storefront = _bright_storefront()
            for name, value in values.items():
                setattr(storefront, name, value)
            database.session.commit()


def run_worker(app: Flask, reader: sessionmaker[Session]) -> int:
    """``provision_due`` reading through ``reader``; the task writes in the app's sessions."""
    with app.app_context(), reader() as session:
        return provision_due(session)


def _bright_storefront() -> Storefront:
    storefront = database.session.scalar(select(Storefront).join(Storefront.account).where(Account.slug == "bright"))
    assert storefront is not None, "Bright IT has no storefront"
    return storefront


def _chromium_missing(reason: str) -> None:
    message = f"{reason}; install it with `apt-get install chromium` to run the browser tests"
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{REQUIRE_VARIABLE}=1 but {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).is_file():
        _chromium_missing(f"Chromium is not installed ({CHROMIUM} is missing)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Headless Chromium; Playwright gives it a fresh profile (user-data dir) of its own, deleted at close."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


def _order_reseller_plan(session: Session, accounts: dict[str, Account], slug: str, code: str) -> None:
    """Northwind activates a reseller plan for ``slug``, as from its back office."""
    plan = session.scalar(select(Plan).where(Plan.code == code, Plan.product.has(key="reseller-plan")))
    admin = session.scalar(select(User).where(User.email == "admin@northwind.example"))
    place_order(session, actor=acting_as(session, admin, accounts["northwind"]), owner_id=accounts[slug].id,
                payment_method="on_account", lines=[LineRequest(plan.id)])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):  # busy: ask again
        return False


@pytest.fixture(scope="package")
def live_server(app: Flask, test_settings: dict[str, Any], tmp_path_factory: pytest.TempPathFactory,
              simulators: dict[str, Any]) -> Iterator[LiveShop]:
    """The demo (Bright IT on Standard, Corner Computers on Basic), committed, served by gunicorn.

    gunicorn runs as the README shows it, with several processes and threads, so that the
    browser's parallel requests (page, style sheet, icon) meet a real server.
    """
    directory = tmp_path_factory.mktemp("live-shop")
    reader = reader_engine(test_settings["database_url"])
    purge(app)  # messages other tests' commits left on the broker
    with rows_removed_afterwards(database.state(app).engine):
        with app.app_context():
            session = database.session
            assert not has_data(session), "the test database holds committed accounts: an earlier test left them"
            load_demo(session)
            accounts = {account.slug: account for account in session.scalars(select(Account))}
            _order_reseller_plan(session, accounts, "bright", "standard")
            _order_reseller_plan(session, accounts, "corner", "basic")
            session.commit()
        run_worker(app, sessionmaker(reader))
        port = free_port()
        # The back office where the browser reaches it: its pages frame and link the shops on this port.
        env = cascade_env(directory / "instance", env="testing", database_url=test_settings["database_url"],
                          broker_url=test_settings["broker_url"], base_url=f"http://127.0.0.1:{port}")
        # The vendors' simulators the session serves: orders check their parameters with the vendor.
        env |= {simulator.url_setting: os.environ[simulator.url_setting] for simulator in local_simulators().values()}
        log = directory / "gunicorn.log"
        server = start_logged("--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}", "bss:create_app()",
                              env=env, log=log, program=(sys.executable, "-m", "gunicorn"))
        try:
            wait_until(lambda: server.poll() is not None or _answers(f"http://127.0.0.1:{port}/healthz"), 60,
                       lambda: f"the web server never answered:\n{log.read_text()}")
            assert server.poll() is None, log.read_text()
            yield LiveShop(app=app, port=port, reader=sessionmaker(reader))
        finally:
            assert stop(server) == 0, log.read_text()
            purge(app)  # what the web process published and no worker took
            reader.dispose()


@pytest.fixture
def live_shop(live_server: LiveShop) -> Iterator[LiveShop]:
    """The live shop for one test: the rows it adds are removed after it, Bright IT's branding put back."""
    branding = live_server.storefront()
    with rows_removed_afterwards(database.state(live_server.app).engine):
        yield live_server
    live_server.set_storefront(branding)


@dataclass
class Browsing:
    """A page in a fresh browser context, and what it did that a person would not see."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def browsing(browser: Browser, live_shop: LiveShop) -> Iterator[Browsing]:
    """A new browser context (no cookies, no storage) on Bright IT's shop, recording dialogs, console and errors.

    A dialog is dismissed as soon as it opens (a script that could open one ran); a test
    asserts on the lists it cares about.
    """
    context = browser.new_context(base_url=live_shop.url, locale="en-GB")
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    browsing = Browsing(page)

    def on_dialog(dialog: Dialog) -> None:
        browsing.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        browsing.console.append(f"{message.type}: {message.text}")

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda error: browsing.errors.append(str(error)))
    try:
        yield browsing
    finally:
        context.close()
