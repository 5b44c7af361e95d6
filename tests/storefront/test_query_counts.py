"""Every storefront page answers in a few SQL statements, as many with many rows (plans, orders, subscriptions,
invoices, tickets) as with one: a page that queried once per row would fail here first."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.models.invoices import Invoice
from core.models.orders import Order
from core.models.subscriptions import Subscription
from core.models.support import Ticket
from core.services.billing_run import run_billing
from core.services.tickets import open_ticket
from tests.storefront.conftest import BRIGHT

#: What a visitor's pages may send at most, rendered (a kept page sends one statement: see test_page_cache).
VISITOR_PAGES = {"/": 3, "/products": 3, "/products/fake-product": 3, "/cart": 3, "/sign-in": 2, "/sign-up": 2,
                 "/password/forgot": 2}
#: What a signed-in customer's pages may send at most; ``{order}`` and the like stand for one of its own.
CUSTOMER_PAGES = {
    "/": 5, "/products": 5, "/products/fake-product": 6, "/cart": 7, "/account": 7,
    "/orders": 9, "/orders/{order}": 11, "/subscriptions": 7, "/subscriptions/{subscription}": 19,
    "/invoices": 10, "/invoices/{invoice}": 10, "/support": 7, "/support/{ticket}": 14, "/organisation": 12,
    "/transfers/new": 5,
}
def _counted(client, statements, pages) -> dict[str, int]:
    counts = {}
    for page in pages:
        client.get(page, base_url=BRIGHT)  # a first visit may fill what pages keep (the catalog's prices)
        client.application.wsgi_app.storefronts.extensions["page_cache"].clear()  # but the page itself is rendered
        statements.clear()
        answer = client.get(page, base_url=BRIGHT)
        assert answer.status_code == 200, (page, answer.status_code)
        counts[page] = len(statements)
    return counts


def _harbours_things(db, subscribe, actor_for, when: date) -> None:
    """An order and a subscription of Harbour Dental's, a support request, and an invoice billed on ``when``."""
    subscribe("harbour", quantity=2)
    open_ticket(db, actor=actor_for("harbour"), subject=f"A question of {when}", body="Please call me.", attachments=[])
    db.commit()
    run_billing(db, when)
    db.commit()


def _own(db, shops, path: str) -> str:
    harbour = shops["harbour"].id
    latest = {
        "order": db.scalar(select(Order.id).where(Order.owner_id == harbour).order_by(Order.id.desc())),
        "subscription": db.scalar(select(Subscription.id).where(Subscription.owner_id == harbour)
                                  .order_by(Subscription.id.desc())),
        "invoice": db.scalar(select(Invoice.id).where(Invoice.recipient_id == harbour).order_by(Invoice.id.desc())),
        "ticket": db.scalar(select(Ticket.id).where(Ticket.requester_id == harbour).order_by(Ticket.id.desc())),
    }
    return path.format(**latest)


def test_a_visitors_pages_take_a_few_statements(client, shops, fake_catalog, statements):
    counts = _counted(client, statements, VISITOR_PAGES)
    over = {page: count for page, count in counts.items() if count > VISITOR_PAGES[page]}
    assert not over, f"more statements than allowed (allowed: {VISITOR_PAGES}): {over}"


def test_a_customers_pages_take_a_few_statements_however_many_rows_it_has(
        frozen_clock, client, db, shops, fake_catalog, subscribe, actor_for, shop_sign_in, statements):
    _harbours_things(db, subscribe, actor_for, date(2026, 4, 1))
    shop_sign_in()
    pages = {_own(db, shops, path): path for path in CUSTOMER_PAGES}
    few = _counted(client, statements, pages)
    over = {page: count for page, count in few.items() if count > CUSTOMER_PAGES[pages[page]]}
    assert not over, f"more statements than allowed (allowed: {CUSTOMER_PAGES}): {over}"

    for when in (date(2026, 5, 1), date(2026, 6, 1)):
        _harbours_things(db, subscribe, actor_for, when)
    many = _counted(client, statements, pages)
    assert many == few
