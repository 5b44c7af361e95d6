"""Nothing a reseller's storefront serves names the distributor behind it, or the platform.

A crawler starts at the shop's home and follows every link, asset and GET form it finds (in
every language the switcher offers), as a visitor and as a customer who signed up on the shop
and has an order and a subscription; new pages are found as they are added. Every answer
(status line aside) is searched: its headers, its body, the addresses of the assets it uses,
its HTML comments; and so is every email the shop's customer received meanwhile, and the
error pages (unknown page, wrong method, expired form, failed sign-in, closed shop, unknown
shop). The strings searched for come from the platform's data: the distributor's name, slug
and domains (its primary domain and its people's addresses), its storefront's contact details,
the back office's host, the platform operators' domains and the platform's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.links import links
from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan
from core.models.outbox import OutboxEmail
from core.models.people import Membership, Team, User
from core.models.storefronts import Storefront
from core.services.actors import acting_as
from core.services.branding import choose_theme, update_branding
from core.services.orders import LineRequest, place_order
from core.services.outbox import build_message
from plugin_kit.testing import link_in_email, provision_due
from storefront.themes import ThemeRegistry
from tests.core.services.test_branding import GOOD, PNG
from tests.storefront.conftest import BRIGHT

#: The platform's own name, which no shop may show (the rest of the list comes from the data).
PLATFORM_NAME = "Cascade"
#: More pages than this means the crawler is walking an endless space (a calendar, say): a bug.
MAX_PAGES = 400
#: The customer who signs up on the shop during the test.
CUSTOMER = {"name": "Robin Fisher", "company_name": "Fisher Design", "email": "robin@fisher-design.example",
            "password": "a long enough passphrase"}


def forbidden_strings(session: Session, app: Flask, shop: Account) -> set[str]:
    """What would give away who is behind ``shop``: read from the platform's data and settings."""
    distributor = shop
    while distributor.kind is not AccountKind.DISTRIBUTOR:
        assert distributor.parent is not None, f"{shop.name} has no distributor above it"
        distributor = distributor.parent
    people = session.scalars(select(User.email).join(Membership, Membership.user_id == User.id)
                             .join(Team, Team.id == Membership.team_id).where(Team.account_id == distributor.id))
    operators = session.scalars(select(User.email).where(User.platform_operator.is_(True)))
    found = {distributor.name, distributor.slug, PLATFORM_NAME, urlsplit(links.base_url).netloc}
    found |= {email.rpartition("@")[2] for email in (*people, *operators)}
    if distributor.primary_domain:
        found.add(distributor.primary_domain)
    storefront = session.scalar(select(Storefront).where(Storefront.account_id == distributor.id))
    if storefront is not None:
        found |= {value for value in (storefront.display_name, storefront.contact_email, storefront.contact_phone,
                                      urlsplit(storefront.support_url).netloc) if value}
    sender_name, _ = parseaddr(app.config["CASCADE_MAIL_FROM"])
    found |= {sender_name} - {""}
    return found


def leaks(text: str, forbidden: Iterable[str]) -> list[str]:
    lowered = text.lower()
    return sorted(string for string in forbidden if string.lower() in lowered)


@dataclass(frozen=True)
class Answer:
    """One request the crawl made and what came back, as one text to search."""

    method: str
    url: str
    status: int
    text: str


class PageParser(HTMLParser):
    """The addresses a page leads to: links, assets, GET forms with their default values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        #: The language switcher's links (``hreflang``): each changes the session's language.
        self.languages: list[str] = []
        self._form: tuple[str, list[tuple[str, str]]] | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in attributes:
            (self.languages if "hreflang" in attributes else self.links).append(attributes["href"])
        elif tag == "link" and "href" in attributes:
            self.links.append(attributes["href"])
        elif tag in ("img", "script", "source", "iframe", "audio", "video") and "src" in attributes:
            self.links.append(attributes["src"])
        if "srcset" in attributes:
            self.links.extend(part.split()[0] for part in attributes["srcset"].split(",") if part.strip())
        if tag == "form" and attributes.get("method", "get").lower() == "get":
            self._form = (attributes.get("action", ""), [])
        elif self._form is not None and "name" in attributes and "disabled" not in attributes:
            if tag == "input" and (attributes.get("type", "text") not in ("checkbox", "radio") or "checked" in attributes):
                if attributes.get("type") not in ("submit", "button", "image", "file"):
                    self._form[1].append((attributes["name"], attributes.get("value", "")))
            elif tag == "select":
                self._select, self._options = attributes["name"], []
        if tag == "option" and self._select is not None:
            self._options.append((attributes.get("value", ""), "selected" in attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._form is not None and self._select is not None:
            chosen = next((value for value, selected in self._options if selected), None)
            if chosen is None and self._options:
                chosen = self._options[0][0]
            if chosen is not None:
                self._form[1].append((self._select, chosen))
            self._select = None
        elif tag == "form" and self._form is not None:
            action, fields = self._form
            self.links.append(f"{action.split('?')[0] or '?'}?{urlencode(fields)}" if fields else action or "?")
            self._form = None


class Crawler:
    """Walks a storefront with one test client (one browser's cookies), keeping every answer."""

    def __init__(self, client: FlaskClient, base: str = BRIGHT) -> None:
        self.client = client
        self.base = base
        self.origin = urlsplit(base).netloc
        self.answers: list[Answer] = []

    def fetch(self, url: str, method: str = "GET", **options: Any) -> tuple[Answer, Any]:
        parts = urlsplit(urljoin(self.base + "/", url))
        path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        response = self.client.open(path, method=method, base_url=f"{parts.scheme}://{parts.netloc}", **options)
        headers = "\n".join(f"{name}: {value}" for name, value in response.headers)
        # Binary answers (a logo) are searched as the bytes they are, any text in them included.
        body = response.get_data().decode("utf-8" if response.mimetype.startswith(("text/", "image/svg")) else "latin-1",
                                          errors="replace")
        response.close()  # a file it served (a style sheet) is read in full by now
        answer = Answer(method, f"{parts.netloc}{path}", response.status_code, f"{headers}\n\n{body}")
        self.answers.append(answer)
        return answer, response

    def same_shop(self, url: str, page: str) -> str | None:
        """``url`` (found on ``page``) as a path on this shop, or ``None`` when it leads elsewhere."""
        parts = urlsplit(urljoin(f"{self.base}{page}", url))
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != self.origin:
            return None
        return urlunsplit(("", "", parts.path or "/", parts.query, ""))

    def crawl(self, start: str = "/") -> set[str]:
        """Follow everything reachable from ``start`` in this session's language; return the paths fetched."""
        seen, queue = {start}, [start]
        while queue:
            assert len(seen) <= MAX_PAGES, f"more than {MAX_PAGES} pages: {sorted(seen)[:20]}..."
            path = queue.pop(0)
            answer, response = self.fetch(path)
            assert answer.status < 400, f"{path} answered {answer.status}: a link that leads nowhere"
            found = [response.headers["Location"]] if response.status_code in (301, 302, 303, 307, 308) else []
            if response.mimetype == "text/html":
                parser = PageParser()
                parser.feed(response.get_data(as_text=True))
                found += parser.links
            for url in found:
                target = self.same_shop(url, path)
                if target is not None and target not in seen:
                    seen.add(target)
                    queue.append(target)
        return seen

    def crawl_every_language(self) -> dict[str, set[str]]:
        """Crawl once per language the switcher offers (the switch is a link that changes the session)."""
        _, home = self.fetch("/")
        parser = PageParser()
        parser.feed(home.get_data(as_text=True))
        assert parser.languages, "the home offers a choice of languages"
        crawled = {}
        for switch in parser.languages:
            target = self.same_shop(switch, "/")
            assert target is not None, f"the language link {switch} leaves the shop"
            answer, _ = self.fetch(target)
            assert answer.status == 302, f"{target} answered {answer.status}"
            crawled[target] = self.crawl()
        return crawled


def assert_names_nobody(answers: Iterable[Answer], forbidden: set[str]) -> None:
    found = {f"{answer.method} {answer.url} ({answer.status})": leaked
             for answer in answers if (leaked := leaks(f"{answer.url}\n{answer.text}", forbidden))}
    assert found == {}, f"the storefront gives away who is behind it: {found}"


def assert_emails_name_nobody(emails: list[OutboxEmail], app: Flask, forbidden: set[str]) -> None:
    """Every email as the recipient gets it: every header (From, Message-ID and Reply-To included) and body.

    Its addresses are on the shop's subdomain of the platform's mail domain, a neutral relay's
    (``CASCADE_MAIL_DOMAIN``), which names neither the platform nor the distributor.
    """
    assert emails, "the crawl's customer received emails"
    found = {}
    for email in emails:
        message = build_message(email, app.config["CASCADE_MAIL_FROM"], mail_domain=app.config["CASCADE_MAIL_DOMAIN"])
        headers = [f"{name}: {value}" for name, value in message.items()]
        bodies = [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
        if leaked := leaks("\n".join([*headers, *bodies]), forbidden):
            found[email.subject] = leaked
    assert found == {}, f"emails to the shop's customer give away who is behind it: {found}"


@pytest.fixture
def branded(db: Session, shops: dict[str, Account], actor_for: Callable[..., Any]) -> dict[str, Account]:
    """Bright IT's shop with every branding field and a logo, so that every part of its pages shows."""
    update_branding(db, actor=actor_for("bright"), values=GOOD, logo=PNG)
    db.commit()
    return shops


@pytest.fixture
def forbidden(db: Session, app: Flask, branded: dict[str, Account]) -> set[str]:
    strings = forbidden_strings(db, app, branded["bright"])
    assert {"Northwind Distribution", "northwind", "northwind.example", "Cascade"} <= strings  # the list is real
    return strings


def test_the_crawler_finds_links_assets_and_get_forms() -> None:
    parser = PageParser()
    parser.feed('<link rel="stylesheet" href="/theme/a.css"><a href="/x">x</a><a href="/language/fr" hreflang="fr">fr</a>'
                '<img src="/logo?v=1" srcset="/logo?v=2 2x"><form action="/products" method="get">'
                '<input name="q" value="mail"><input type="checkbox" name="monthly" value="1">'
                '<select name="sort"><option value="name">Name</option><option value="price" selected>Price</option></select>'
                '<button>Go</button></form><form method="post" action="/cart"><input name="plan" value="1"></form>')
    assert parser.links == ["/theme/a.css", "/x", "/logo?v=1", "/logo?v=2", "/products?q=mail&sort=price"]
    assert parser.languages == ["/language/fr"]


@pytest.mark.parametrize("theme", sorted(ThemeRegistry().themes))
def test_a_visitor_finds_nothing_that_names_the_distributor(client: FlaskClient, db: Session, forbidden: set[str],
                                                           actor_for: Callable[..., Any], theme: str) -> None:
    choose_theme(db, actor=actor_for("bright"), theme=theme, available=ThemeRegistry().themes)
    db.commit()
    crawler = Crawler(client)
    crawled = crawler.crawl_every_language()
    assert len(crawled) >= 2, "every language was crawled"
    for paths in crawled.values():
        assert {"/", "/sign-in", "/sign-up"} <= paths and any(path.startswith("/theme/") for path in paths)
        assert any(path.startswith("/logo") for path in paths)
    assert_names_nobody(crawler.answers, forbidden)


def test_a_customer_finds_nothing_that_names_the_distributor(
    client: FlaskClient, db: Session, app: Flask, forbidden: set[str], shop_post: Callable[..., Any],
    shop_sign_in: Callable[..., Any], plans: dict[str, Plan],
) -> None:
    crawler = Crawler(client)
    # A visitor signs up on the shop, follows the emailed link, confirms and signs in.
    assert shop_post("/sign-up", CUSTOMER).status_code == 302
    confirm = link_in_email(db, CUSTOMER["email"], "/sign-up/confirm/")
    assert crawler.fetch(confirm)[0].status == 200
    assert shop_post(confirm).status_code == 302
    shop_sign_in(CUSTOMER["email"], CUSTOMER["password"])
    # ... and has an order and a subscription (the order pages are the checkout's to test).
    user = db.scalar(select(User).where(User.email == CUSTOMER["email"]))
    account = db.scalar(select(Account).where(Account.name == CUSTOMER["company_name"]))
    place_order(db, actor=acting_as(db, user, account), payment_method="card", lines=[
        LineRequest(plans["microsoft-365/business-basic"].id, 3, {"tenant_prefix": "fisherdesign"})])
    db.commit()
    assert provision_due(db) >= 1

    crawled = crawler.crawl_every_language()
    for paths in crawled.values():  # the customer's own pages, found by following links
        assert {"/", "/account"} <= paths
        assert any(re.fullmatch(r"/orders/\d+", path) for path in paths), sorted(paths)
        assert any(re.fullmatch(r"/subscriptions/\d+", path) for path in paths), sorted(paths)
    assert_names_nobody(crawler.answers, forbidden)
    assert_emails_name_nobody(list(db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == CUSTOMER["email"]))),
                              app, forbidden)


def test_error_pages_name_nobody(client: FlaskClient, forbidden: set[str], close_bright: Callable[[], None]) -> None:
    crawler = Crawler(client)
    statuses = [
        crawler.fetch("/no-such-page")[0].status,
        crawler.fetch("/", method="PUT")[0].status,
        crawler.fetch("/sign-in", method="POST", data={"email": "a@b.example", "password": "x"})[0].status,  # no token
        crawler.fetch("http://nobody.shop.localhost/")[0].status,
        crawler.fetch("http://corner.shop.localhost/")[0].status,  # Corner Computers, on Basic, has no shop
    ]
    assert statuses == [404, 405, 400, 404, 404]
    form = crawler.fetch("/sign-in")[1].get_data(as_text=True)
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    wrong = crawler.fetch("/sign-in", method="POST", data={"email": "owner@harbour.example", "password": "not it",
                                                            "csrf_token": token})
    assert wrong[0].status == 401
    close_bright()
    assert [crawler.fetch(path)[0].status for path in ("/", "/sign-in", "/no-such-page")] == [404, 404, 404]
    assert crawler.fetch("/theme/components.css")[0].status == 200  # a closed shop's pages still load their style
    assert_names_nobody(crawler.answers, forbidden)


def test_the_shops_style_sheet_carries_none_of_our_notes(client, shops):
    css = client.get("/theme/components.css", base_url=BRIGHT).get_data(as_text=True)
    assert "/*" not in css and ".py" not in css and "--accent" in css
    page = client.get("/", base_url=BRIGHT).get_data(as_text=True)
    assert "/*" not in page
