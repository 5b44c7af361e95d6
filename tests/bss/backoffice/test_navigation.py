"""The back office's navigation: its entries grouped by task, the plugins' among them, the page a person is on marked."""

from __future__ import annotations

import re

from flask import Flask

from bss.backoffice.navigation import CORE_NAV
from web.pages import Section


def _groups(html: str) -> dict[str, list[str]]:
    """The navigation's groups as a reader meets them: each heading, and the links under it (not the signed-in
    person's own, below the groups)."""
    nav = html.split('<nav class="sidebar"')[1].split("</nav>")[0].split('<div class="person">')[0]
    groups: dict[str, list[str]] = {}
    for part in re.split(r"<h2 [^>]*>", nav)[1:]:
        heading, links = part.split("</h2>", 1)
        labels = (re.sub(r"<[^>]+>", "", link) for link in re.findall(r"<a [^>]*>(.*?)</a>", links, re.S))
        groups[heading] = [re.sub(r"\s+\d+$", "", label.strip()) for label in labels]  # without its count
    return groups


def test_a_distributor_s_navigation_is_grouped_by_task_with_the_plugins_entries_in_their_group(client, demo, login_as):
    login_as("admin@northwind.example")
    groups = _groups(client.get("/bss/").get_data(as_text=True))
    assert list(groups) == ["Sell", "Customers", "Catalog", "Billing", "Support", "Settings"]
    assert groups["Sell"][:2] == ["Orders", "Subscriptions"] and {"Websites", "Domains"} <= set(groups["Sell"])
    assert groups["Customers"] == ["Accounts", "Transfers"]
    assert groups["Catalog"] == ["Catalog", "Prices"]
    assert groups["Billing"] == ["Invoices", "Revenue", "Payment settings"]
    assert groups["Support"][:2] == ["Support", "Tasks"]
    assert groups["Settings"] == ["Storefront", "Teams", "Audit log", "API keys"]


def test_the_page_a_person_is_on_is_marked_and_so_is_its_list_on_an_entry_s_page(client, demo, login_as):
    login_as("admin@northwind.example")
    html = client.get("/bss/accounts").get_data(as_text=True)
    assert re.search(r'<a href="/bss/accounts"[^>]*aria-current="page"', html)
    assert html.count("aria-current=") == 1
    html = client.get(f"/bss/accounts/{demo['bright'].id}").get_data(as_text=True)
    assert re.search(r'<a href="/bss/accounts"[^>]*aria-current="true"', html)


def test_the_navigation_is_in_the_reader_s_language(client, demo, login_as):
    login_as("admin@northwind.example")
    html = client.get("/bss/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="fr">' in html and list(_groups(html).values())[0][:1] == ["Commandes"]


def test_a_platform_operator_finds_the_distributors_under_settings(client, demo, login_as):
    login_as("operator@cascade.example")
    assert _groups(client.get("/bss/platform/distributors").get_data(as_text=True)) == {"Settings": ["Distributors"]}


def test_every_core_entry_has_a_group_and_a_page(app: Flask):
    assert {entry.section for entry in CORE_NAV} == set(Section)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not [entry.endpoint for entry in CORE_NAV if entry.endpoint not in endpoints]
