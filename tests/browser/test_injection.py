"""Script, HTML and CSS injection attempts in a seller's branding, rendered by a real browser.

Each attempt goes into every branding field through the service the back office uses. A field
whose shape it does not fit (a colour, a phone number, an http(s) link) refuses it there and
keeps its value; the free-text fields (the shop's name, the welcome text) and a link that
is a valid address store it. Then Chromium loads the shop's pages in each theme, and nothing
of it may act: no script runs (every script in a payload sets ``window.__pwned``, most open a
dialog too), no element it carries exists, the page's style is the one it had before, and the stored text
reads back exactly as it was typed.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.errors import ValidationError
from core.models.accounts import Account
from core.models.people import User
from core.services.actors import Actor, acting_as
from core.services.branding import BRANDING_FIELDS, choose_theme, update_branding
from storefront.themes import ThemeRegistry
from tests.browser.conftest import Browsing, LiveShop
from tests.core.services.test_branding import GOOD
from web.database import db as database

#: Each attempt, at most 80 characters so that the shop's name takes it too. Every script sets
#: ``window.__pwned``; every element carries ``data-pwned``; every style paints the page red.
ATTACKS = {
    "script element": "<script>window.__pwned='script';alert('script')</script>",
    "attribute break-out": "\"'><img src=x data-pwned onerror=\"window.__pwned='img';alert('img')\">",
    "svg with a handler": "<svg data-pwned onload=\"window.__pwned='svg';alert('svg')\"></svg>",
    "title and style break-out": "</title></style><script>window.__pwned='out';alert('out')</script>",
    "iframe document": "<iframe data-pwned srcdoc=\"<script>parent.__pwned='frame'</script>\">",
    "style element": "</style><style data-pwned>body{background:#ff0000!important}</style>",
    "CSS declarations": "#000000; } body { background: #ff0000 !important; } a {",
    "javascript link": "javascript:window.__pwned='url';alert('url')",
    "link that breaks out": "https://help.example/\"><script>window.__pwned='href'</script>",
    "markdown link": "[Help](javascript:window.__pwned='md') ![x](x\" onerror=\"window.__pwned=1)",
    "template syntax": "{{ 7 * 7 }} {% if true %}yes{% endif %} ${7*7} #{7*7}",
}
THEMES = sorted(ThemeRegistry().themes)
#: A page of each kind: the home, the catalog, a form, an error.
PAGES = ("/", "/products", "/sign-in", "/no-such-page")

#: What the page says about itself, in one call: anything a payload could have changed.
INSPECT = """() => {
  const all = [...document.querySelectorAll('*')];
  const frames = [...document.querySelectorAll('iframe')];
  return {
    pwned: typeof window.__pwned === 'undefined' ? null : String(window.__pwned),
    scripts: document.scripts.length,
    styles: document.querySelectorAll('style').length,
    marked: document.querySelectorAll('[data-pwned]').length,
    frames: frames.length,
    handlers: all.flatMap(e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name)),
    scriptLinks: [...document.querySelectorAll('[href], [src], [action]')]
      .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action'))
      .filter(url => /^\\s*(javascript|data|vbscript):/i.test(url)),
    background: getComputedStyle(document.body).backgroundColor,
    primary: getComputedStyle(document.documentElement).getPropertyValue('--shop-primary').trim(),
    accent: getComputedStyle(document.documentElement).getPropertyValue('--shop-accent').trim(),
    linkColour: probeLinkColour(),
  };
  function probeLinkColour() {  // a link of the test's own: how the page's styles paint links
    const probe = document.createElement('a');
    probe.href = '#probe';
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  }
}"""


def inspect(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(INSPECT)
    return found


def _bright_owner() -> Actor:
    session = database.session
    owner = session.scalar(select(User).where(User.email == "owner@bright.example"))
    return acting_as(session, owner, session.scalar(select(Account).where(Account.slug == "bright")))


def dress(live_shop: LiveShop, theme: str) -> None:
    """Bright IT's shop in ``theme``, with every branding field filled in, as its seller would."""
    with live_shop.app.app_context():
        actor = _bright_owner()
        choose_theme(database.session, actor=actor, theme=theme, available=THEMES)
        update_branding(database.session, actor=actor, values=GOOD)
        database.session.commit()


def attempt(live_shop: LiveShop, attack: str) -> set[str]:
    """Try ``attack`` in each branding field in turn, as the seller saving its form; return the fields that stored it."""
    stored = set()
    with live_shop.app.app_context():
        session, actor = database.session, _bright_owner()
        for name in BRANDING_FIELDS:
            try:
                update_branding(session, actor=actor, values={name: attack})
            except ValidationError as refused:
                session.rollback()
                assert list(refused.fields) == [name], "a refusal names the field at fault"
            else:
                session.commit()
                stored.add(name)
    return stored


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("attack", list(ATTACKS.values()), ids=list(ATTACKS))
def test_an_injection_attempt_in_the_branding_renders_as_inert_text(browsing: Browsing, live_shop: LiveShop,
                                                                    theme: str, attack: str) -> None:
    page = browsing.page
    dress(live_shop, theme)
    before = {}
    for path in PAGES:
        page.goto(path)
        before[path] = inspect(page)
    branded = live_shop.storefront()

    stored = attempt(live_shop, attack)
    assert {"display_name", "welcome_text"} <= stored, "the free-text fields take any text"
    assert not stored & {"primary_colour", "accent_colour", "contact_phone"}, "shaped fields refuse markup"
    after = live_shop.storefront()
    for name in set(BRANDING_FIELDS) - stored:
        assert after[name] == branded[name], f"{name} refused the attempt and kept its value"

    for path in PAGES:
        page.goto(path)
        found = inspect(page)
        assert found["pwned"] is None, f"{path}: a script ran"
        assert browsing.dialogs == [] and browsing.errors == [], (path, browsing.dialogs, browsing.errors)
        assert (found["scripts"], found["marked"], found["frames"]) == (0, 0, 0), (path, found)
        assert found["handlers"] == [] and found["scriptLinks"] == [], (path, found)
        assert found["styles"] == before[path]["styles"], f"{path}: no style element was added"
        for style in ("background", "primary", "accent", "linkColour"):
            assert found[style] == before[path][style], f"{path}: the attempt changed the page's {style}"
        # The shop's name is the attempt, shown as the text it is, wherever the name goes.
        expect(page).to_have_title(_title_of(path, attack))
        expect(page.locator("body")).to_contain_text(attack)
        if path == "/":
            expect(page.get_by_role("heading", level=1)).to_have_text(attack)
            expect(page.get_by_role("heading", name=re.compile(r"^(Products|What we offer)$"))).to_be_visible()
            assert page.locator(".welcome").inner_text() == attack
            if "support_url" in stored:  # the footer's link: the address as given, in one attribute
                support = page.get_by_role("link", name="Support")
                assert support.get_attribute("href") == attack
                support.hover()
                support.focus()
    assert [line for line in browsing.console if "pwned" in line] == []


def _title_of(path: str, shop_name: str) -> str:
    return {"/": shop_name, "/products": f"Products · {shop_name}", "/sign-in": f"Sign in · {shop_name}",
            "/no-such-page": "Page not found"}[path]
