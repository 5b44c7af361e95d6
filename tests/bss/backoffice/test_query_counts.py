"""Every back-office list page answers in a few SQL statements, as many with many rows as with a few: a page
that queried once per account, order, subscription, invoice or ticket listed would fail here first."""

from __future__ import annotations

from datetime import date

import pytest

from core.models.accounts import AccountKind
from core.services.billing_run import run_billing
from core.services.orders import LineRequest, place_order
from core.services.tickets import open_ticket
from plugin_kit.testing import provision_due

#: What each list page may send at most, for the distributor's admin who sees the whole tree: the session, the
#: acting account and its teams, the navigation's three counts, and the page's own few.
DISTRIBUTOR_PAGES = {
    "/bss/": 16, "/bss/accounts": 12, "/bss/orders": 16, "/bss/orders?q=customer&sort=account&page=1": 16,
    "/bss/subscriptions": 13, "/bss/subscriptions?q=customer&sort=what&page=1": 13, "/bss/invoices": 15,
    "/bss/invoices?q=bright&sort=to&page=1": 15, "/bss/tickets": 14, "/bss/tickets?q=question&sort=assignee&page=1": 14,
    "/bss/tickets/requests": 11, "/bss/transfers": 11, "/bss/audit": 12, "/bss/prices": 15,
    "/bss/catalog": 15, "/bss/tasks": 12, "/bss/teams": 14, "/bss/api-keys": 13, "/bss/revenue": 13,
    "/bss/payments/settings": 11,
}
#: The platform operator's list of distributors.
OPERATOR_PAGES = {"/bss/platform/distributors": 4}
#: The same for a reseller, with its storefront's page.
RESELLER_PAGES = {
    "/bss/": 17, "/bss/accounts": 12, "/bss/orders": 16, "/bss/orders?q=customer&sort=account&page=1": 16,
    "/bss/subscriptions": 13, "/bss/subscriptions?q=customer&sort=what&page=1": 13, "/bss/invoices": 15,
    "/bss/invoices?q=bright&sort=to&page=1": 15, "/bss/tickets": 16, "/bss/tickets?q=question&sort=assignee&page=1": 16,
    "/bss/tickets/requests": 11, "/bss/tickets/requests?q=question&sort=status": 11, "/bss/audit": 12, "/bss/prices": 14,
    "/bss/storefront": 22,
}
def _counted(client, statements, pages) -> dict[str, int]:
    counts = {}
    for page in pages:
        client.get(page)
        statements.clear()
        answer = client.get(page)
        assert answer.status_code == 200, (page, answer.status_code)
        counts[page] = len(statements)
    return counts


def _customers_things(db, shops, make_account, actor_for, fake_catalog, when: date) -> None:
    """Two new customers of Bright IT with an order and a subscription each, a support request of each of its
    demo customers and of Bright IT itself, everyone's invoices of ``when``, and a new distributor: new rows, and new
    accounts behind them."""
    make_account(AccountKind.DISTRIBUTOR, name=f"Distributor of {when}")
    for n in (1, 2):
        customer = make_account(AccountKind.CUSTOMER, shops["bright"], name=f"Customer {n} of {when}")
        place_order(db, actor=actor_for("bright"), owner_id=customer.id, payment_method="on_account",
                    lines=[LineRequest(fake_catalog["small"].id)])
    for customer in ("harbour", "maple", "bright"):
        open_ticket(db, actor=actor_for(customer), subject=f"A question of {when}", body="Please call me.", attachments=[])
    db.commit()
    provision_due(db)
    run_billing(db, when)
    db.commit()


@pytest.mark.parametrize(("email", "pages"), [
    ("admin@northwind.example", DISTRIBUTOR_PAGES), ("owner@bright.example", RESELLER_PAGES),
    ("operator@cascade.example", OPERATOR_PAGES),
], ids=["distributor", "reseller", "operator"])
def test_list_pages_take_a_few_statements_however_many_rows_they_list(
        frozen_clock, client, db, shops, fake_catalog, make_account, actor_for, login_as, statements, email, pages):
    _customers_things(db, shops, make_account, actor_for, fake_catalog, date(2026, 4, 1))
    login_as(email)
    few = _counted(client, statements, pages)
    over = {page: count for page, count in few.items() if count > pages[page]}
    assert not over, f"more statements than allowed (allowed: {pages}): {over}"

    for when in (date(2026, 5, 1), date(2026, 6, 1)):
        _customers_things(db, shops, make_account, actor_for, fake_catalog, when)
    many = _counted(client, statements, pages)
    grown = {page: (few[page], count) for page, count in many.items() if count != few[page]}
    assert not grown, f"statements that grew with the rows listed (before, after): {grown}"


#: What an account's page may send at most: the frame's as above, the account, its plan, people, subscriptions,
#: orders, invoices, open tickets (and their desks), and the seller's forms (price list, charges, resellers it may
#: move to).
ACCOUNT_PAGES = {("admin@northwind.example", "bright"): 31, ("owner@bright.example", "harbour"): 22}


@pytest.mark.parametrize(("email", "slug"), list(ACCOUNT_PAGES), ids=["distributor", "reseller"])
def test_an_account_s_page_takes_a_few_statements_however_much_it_bought(
        frozen_clock, client, db, shops, fake_catalog, make_account, actor_for, login_as, statements, email, slug):
    path, allowed = f"/bss/accounts/{shops[slug].id}", ACCOUNT_PAGES[(email, slug)]
    _customers_things(db, shops, make_account, actor_for, fake_catalog, date(2026, 4, 1))
    login_as(email)
    few = _counted(client, statements, [path])[path]
    assert few <= allowed, f"{few} statements, {allowed} allowed"
    for when in (date(2026, 5, 1), date(2026, 6, 1)):
        _customers_things(db, shops, make_account, actor_for, fake_catalog, when)
    assert _counted(client, statements, [path])[path] == few
