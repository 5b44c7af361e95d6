"""A distributor chooses what is on sale down its tree: products it offers, plans it hides."""

import pytest
from sqlalchemy import select

from core.models.audit import AuditEvent
from core.models.catalog import Product
from core.models.people import Team
from core.services.demo import DEMO_PASSWORD
from core.services.people import add_member, create_user
from core.services.pricing import resolve_prices
from tests.bss.backoffice.conftest import PASSWORD


def _product(db, key):
    return db.scalar(select(Product).where(Product.key == key))


def test_a_distributor_sees_every_product_and_plan_and_what_is_on_sale(client, db, demo, login_as, plans, post):
    login_as("admin@northwind.example")
    post(f"/bss/catalog/products/{_product(db, 'domain-name').id}/withdraw")
    post(f"/bss/catalog/plans/{plans['microsoft-365/business-premium'].id}/hide")
    response = client.get("/bss/catalog")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for plan in plans.values():
        assert plan.product.name in page and plan.name in page
    assert "Domain name <span class=\"muted\">(not on sale)" in page
    assert "Web hosting <span class=\"muted\">(on sale)" in page
    assert 'aria-label="Show Microsoft 365 Business Premium (Microsoft 365)"' in page
    assert 'aria-label="Hide Microsoft 365 Business Basic (Microsoft 365)"' in page
    assert "Offer Domain name" in page and "Withdraw Web hosting" in page
    assert "€18.70" in page, "the distributor sees the vendor's cost"


def test_withdrawing_and_offering_a_product_changes_what_buyers_can_buy(client, db, demo, login_as, plans, post):
    login_as("admin@northwind.example")
    domains, registration = _product(db, "domain-name"), plans["domain-name/com"]
    response = post(f"/bss/catalog/products/{domains.id}/withdraw")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/bss/catalog#product-{domains.id}"
    assert "Domain name is withdrawn from sale." in client.get("/bss/catalog").get_data(as_text=True)
    assert registration.id not in resolve_prices(db, demo["solo"])
    assert registration.id not in resolve_prices(db, demo["harbour"])
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "catalog.product_withdrawn"))
    assert event.actor_id is not None and event.account_id == demo["northwind"].id

    post(f"/bss/catalog/products/{domains.id}/offer")
    assert registration.id in resolve_prices(db, demo["solo"])


def test_hiding_and_showing_a_plan_changes_what_buyers_can_buy(client, db, demo, login_as, plans, post):
    login_as("admin@northwind.example")
    premium = plans["microsoft-365/business-premium"]
    response = post(f"/bss/catalog/plans/{premium.id}/hide")
    assert response.headers["Location"] == f"/bss/catalog#product-{premium.product_id}"
    assert premium.id not in resolve_prices(db, demo["harbour"])
    assert premium.id not in resolve_prices(db, demo["bright"])
    assert plans["microsoft-365/business-basic"].id in resolve_prices(db, demo["harbour"])

    post(f"/bss/catalog/plans/{premium.id}/show")
    assert premium.id in resolve_prices(db, demo["harbour"])
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("catalog.plan_%"),
                                                         AuditEvent.actor_id.is_not(None))).all()
    assert sorted(actions) == ["catalog.plan_hidden", "catalog.plan_shown"]


def test_an_unknown_product_or_plan_answers_404(client, demo, login_as, post):
    login_as("admin@northwind.example")
    assert post("/bss/catalog/products/987654/withdraw").status_code == 404
    assert post("/bss/catalog/plans/987654/hide").status_code == 404


@pytest.fixture
def northwind_clerk(db, demo):
    """Someone at Northwind who manages accounts but not prices."""
    team = Team(account=demo["northwind"], name="Accounts", permissions=["manage_accounts"])
    db.add(team)
    add_member(db, team, create_user(db, email="clerk@northwind.example", name="Clerk", password=PASSWORD))
    db.commit()


@pytest.mark.usefixtures("northwind_clerk")
@pytest.mark.parametrize(("who", "password"), [("clerk@northwind.example", PASSWORD),
                                               ("owner@bright.example", DEMO_PASSWORD)])
def test_only_a_distributor_with_manage_prices_reaches_the_catalog(client, db, demo, login_as, plans, post,
                                                                   who, password):
    login_as(who, password)
    premium, domains = plans["microsoft-365/business-premium"], _product(db, "domain-name")
    assert client.get("/bss/catalog").status_code == 403
    assert post(f"/bss/catalog/products/{domains.id}/withdraw").status_code == 403
    assert post(f"/bss/catalog/plans/{premium.id}/hide").status_code == 403
    assert {premium.id, plans["domain-name/com"].id} <= set(resolve_prices(db, demo["harbour"]))
    by_people = select(AuditEvent).where(AuditEvent.action.like("catalog.%"), AuditEvent.actor_id.is_not(None))
    assert db.scalar(by_people) is None
