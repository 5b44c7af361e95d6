import re

import pytest
from sqlalchemy import func, select

from core.models.accounts import AccountKind
from core.models.charges import Charge
from plugin_kit.testing import main_of, post_form, text_of
from tests.bss.backoffice.conftest import PASSWORD, sign_out


def test_a_distributor_sees_its_whole_tree(client, demo, login_as):
    login_as("admin@northwind.example")
    page = client.get("/bss/accounts").get_data(as_text=True)
    for name in ("Bright IT", "Corner Computers", "Harbour Dental", "Maple Bakery", "Solo Consulting", "Atlas Legal"):
        assert name in page


def test_a_reseller_sees_only_its_own_customers(client, demo, login_as):
    login_as("owner@bright.example")
    page = main_of(client.get("/bss/accounts"))  # the header wears Northwind's brand: Bright IT buys from it
    assert "Harbour Dental" in page and "Maple Bakery" in page
    for hidden in ("Corner Computers", "Solo Consulting", "Atlas Legal", "Northwind"):
        assert hidden not in page


def test_another_tenants_account_answers_404(client, demo, login_as):
    login_as("owner@bright.example")
    assert client.get(f"/bss/accounts/{demo['harbour'].id}").status_code == 200
    for other in ("corner", "northwind", "solo"):
        response = client.get(f"/bss/accounts/{demo[other].id}", headers={"Accept": "text/html"})
        assert response.status_code == 404
        assert demo[other].name not in main_of(response)


def test_search_and_kind_filter(client, demo, login_as):
    login_as("admin@northwind.example")
    page = client.get("/bss/accounts?q=bakery").get_data(as_text=True)
    assert "Maple Bakery" in page and "Harbour Dental" not in page
    page = client.get("/bss/accounts?kind=reseller").get_data(as_text=True)
    assert "Bright IT" in page and "Maple Bakery" not in page
    assert client.get("/bss/accounts?kind=emperor").status_code == 422


def test_thousands_of_accounts_page_fifty_at_a_time(client, demo, login_as, make_account):
    for n in range(60):
        make_account(AccountKind.CUSTOMER, parent=demo["corner"], name=f"Corner client {n:02d}")
    login_as("owner@corner.example")
    first = client.get("/bss/accounts").get_data(as_text=True)
    assert first.count("Corner client") == 50
    next_link = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_link).get_data(as_text=True)
    assert second.count("Corner client") == 10
    assert 'rel="next"' not in second


def test_signed_out_visitors_are_sent_to_sign_in(client, demo):
    response = client.get("/bss/accounts")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/bss/login")


def test_a_reseller_opens_a_customer_account(client, demo, login_as, db):
    from sqlalchemy import select

    from core.models.accounts import Account

    login_as("owner@bright.example")
    form = client.get("/bss/accounts").get_data(as_text=True).split('id="open-account"')[1]
    assert '<option value="customer"' in form and '<option value="reseller"' not in form
    response = post_form(client, "/bss/accounts", {"kind": "customer", "name": "Quay Cafe", "slug": "quay",
                                                   "primary_domain": "quay-cafe.example"})
    assert response.status_code == 302
    quay = db.scalar(select(Account).where(Account.slug == "quay"))
    assert quay.parent_id == demo["bright"].id and quay.kind is AccountKind.CUSTOMER
    assert "Quay Cafe" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_opening_an_account_with_a_taken_domain_names_the_field(client, demo, login_as, db):
    from sqlalchemy import func, select

    from core.models.accounts import Account

    login_as("owner@bright.example")
    before = db.scalar(select(func.count()).select_from(Account))
    response = post_form(client, "/bss/accounts", {"kind": "customer", "name": "Copycat", "slug": "copycat",
                                                   "primary_domain": "maple-bakery.example"})
    assert response.status_code == 422
    assert "already belongs to another account" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Account)) == before


def test_a_distributor_enables_reselling_on_a_direct_customer(client, demo, login_as, db):
    login_as("admin@northwind.example")
    solo = demo["solo"]
    response = post_form(client, f"/bss/accounts/{solo.id}", {"name": "Solo Consulting Ltd",
                                                              "primary_domain": "solo-consulting.example",
                                                              "reselling_enabled": "on"})
    assert response.status_code == 302
    db.refresh(solo)
    assert solo.reselling_enabled and solo.name == "Solo Consulting Ltd"


def test_editing_another_tenants_account_is_404_and_changes_nothing(client, demo, login_as, db):
    login_as("owner@bright.example")
    corner = demo["corner"]
    response = post_form(client, f"/bss/accounts/{corner.id}", {"name": "Hijacked"})
    assert response.status_code == 404
    db.refresh(corner)
    assert corner.name == "Corner Computers"


def test_a_distributor_moves_a_direct_customer_by_a_transfer_not_by_editing_it(client, demo, login_as, db):
    login_as("admin@northwind.example")
    solo = demo["solo"]
    page = client.get(f"/bss/accounts/{solo.id}").get_data(as_text=True)
    assert 'id="parent_id"' not in page and "Move to a reseller" in page
    response = post_form(client, f"/bss/accounts/{solo.id}", {"name": solo.name, "primary_domain": solo.primary_domain,
                                                              "parent_id": demo["bright"].id})
    assert response.status_code == 302
    db.refresh(solo)
    assert solo.parent_id == demo["northwind"].id  # a form field that is no longer there changes nothing


def test_a_seller_adds_a_charge_to_its_customers_next_invoice_and_a_bad_one_changes_nothing(client, db, demo, login_as,
                                                                                            post):
    login_as("owner@bright.example")
    url = f"/bss/accounts/{demo['harbour'].id}"
    assert 'value="EUR"' in client.get(url).get_data(as_text=True)  # the currency of its price list
    added = post(f"{url}/charges", {"kind": "fee", "description": "On-site setup", "quantity": "2",
                                    "unit_price": "45", "currency": "EUR"})
    assert added.status_code == 302
    page = text_of(client.get(url))
    assert "Charged Harbour Dental 90.00 EUR: on its next invoice." in page
    assert "On-site setup one-off fee" not in page and "On-site setup Fee 2 €90.00" in page
    refused = post(f"{url}/charges", {"kind": "fee", "description": " ", "quantity": "x", "unit_price": "0",
                                      "currency": "EUR"})
    assert refused.status_code == 422
    text = text_of(refused)
    assert "Nothing was charged:" in text and "Quantity: Give a whole number" in text and "Unit price: Give an amount" in text
    assert db.scalar(select(func.count()).select_from(Charge).where(Charge.recipient_id == demo["harbour"].id)) == 1


def test_only_its_seller_charges_an_account_by_hand(client, demo, login_as, post):
    login_as("admin@northwind.example")
    url = f"/bss/accounts/{demo['harbour'].id}"
    assert "Add a charge or a credit" not in client.get(url).get_data(as_text=True)  # Bright IT's customer
    assert post(f"{url}/charges", {"description": "x", "unit_price": "1", "currency": "EUR",
                                   "quantity": "1"}).status_code == 404


#: Northwind's accounts below it, by name.
NORTHWIND_TREE = ("Atlas Legal", "Bright IT", "Corner Computers", "Harbour Dental", "Maple Bakery", "Solo Consulting")


def _names_listed(client, **query) -> list[str]:
    """The names of Northwind's tree, in the order the accounts list shows them."""
    response = client.get("/bss/accounts", query_string=query)
    assert response.status_code == 200
    rows = main_of(response).split(" Opened ")[1].split(" Open an account")[0]
    return sorted((name for name in NORTHWIND_TREE if name in rows), key=rows.index)


def test_the_list_sorts_by_name_both_ways_and_keeps_its_filter_in_its_links(client, demo, login_as):
    login_as("admin@northwind.example")
    assert _names_listed(client) == list(NORTHWIND_TREE)
    assert _names_listed(client, sort="name", dir="desc") == list(reversed(NORTHWIND_TREE))
    assert _names_listed(client, kind="reseller", dir="desc") == ["Corner Computers", "Bright IT"]
    html = client.get("/bss/accounts?kind=reseller").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html and 'href="/bss/accounts?kind=reseller&amp;sort=name&amp;dir=desc"' in html


@pytest.mark.parametrize("query", [{"sort": "password_hash"}, {"dir": "up"}, {"page": "-1"}, {"page": "abc"},
                                   {"page": "99999999999999999999"}])
def test_a_list_asked_what_it_cannot_read_shows_a_page_all_the_same(client, demo, login_as, query):
    login_as("admin@northwind.example")
    assert "Bright IT" in main_of(client.get("/bss/accounts", query_string=query))


def test_pages_say_where_they_are_and_go_back_and_forth(client, demo, login_as, make_account):
    for n in range(55):
        make_account(AccountKind.CUSTOMER, parent=demo["corner"], name=f"Corner client {n:02d}")
    login_as("owner@corner.example")
    first = client.get("/bss/accounts?q=client")
    assert "1–50 of 55" in main_of(first) and 'rel="prev"' not in first.get_data(as_text=True)
    second = client.get("/bss/accounts?q=client&page=2")
    assert "51–55 of 55" in main_of(second) and "Corner client 54" in main_of(second)
    assert 'rel="prev" href="/bss/accounts?q=client"' in second.get_data(as_text=True)


def test_an_account_s_page_shows_what_it_runs_and_what_can_be_done_for_it(client, demo, login_as, shops):
    login_as("admin@northwind.example")
    bright = demo["bright"]
    page = client.get(f"/bss/accounts/{bright.id}")
    html, text = page.get_data(as_text=True), main_of(page)
    assert f'href="/bss/orders/new?account_id={bright.id}"' in html
    assert f'href="/bss/accounts?parent={bright.id}#open-account"' in html
    assert "Plan and features Reseller plan Standard Active Storefront of its own" in text
    assert "Upgrade its plan" not in text  # Standard is the best there is
    for heading in ("People", "Subscriptions", "Latest orders", "Latest invoices", "Open support requests"):
        assert heading in text
    assert "owner@bright.example" in text


def test_a_customer_opened_from_its_seller_s_page_goes_below_that_seller(client, db, demo, login_as, post):
    login_as("admin@northwind.example")
    form = client.get(f"/bss/accounts?parent={demo['corner'].id}").get_data(as_text=True).split('id="open-account"')[1]
    assert f'name="parent_id" value="{demo["corner"].id}"' in form and '<option value="reseller"' not in form
    response = post("/bss/accounts", {"kind": "customer", "name": "Dock Deli", "slug": "dock-deli",
                                      "parent_id": str(demo["corner"].id)})
    assert response.status_code == 302
    from core.models.accounts import Account
    assert db.scalar(select(Account).where(Account.slug == "dock-deli")).parent_id == demo["corner"].id


def test_a_reseller_on_basic_is_offered_the_next_plan_by_its_distributor_and_by_itself(client, demo, login_as, shops):
    login_as("admin@northwind.example")
    corner = demo["corner"]
    html = client.get(f"/bss/accounts/{corner.id}").get_data(as_text=True)
    upgrade = re.search(r'href="([^"]+)">Upgrade its plan', html).group(1).replace("&amp;", "&")
    assert upgrade.startswith(f"/bss/orders/new?account_id={corner.id}&plan_id=")
    assert "Free" in main_of(client.get(upgrade))  # the order form, the plan above Basic chosen
    sign_out(client)
    login_as("owner@corner.example")
    assert 'href="/bss/storefront#plans">Upgrade your plan' in client.get(f"/bss/accounts/{corner.id}").get_data(as_text=True)


def test_someone_who_may_only_buy_sees_an_account_without_its_invoices_or_its_forms(client, demo, login_as, buyer):
    login_as(buyer, PASSWORD)
    page = client.get(f"/bss/accounts/{demo['harbour'].id}")
    assert page.status_code == 200
    text = main_of(page)
    assert "Place an order for it" in text and "Subscriptions" in text
    for hidden in ("Latest invoices", "Edit", "Add a charge or a credit", "Add a customer"):
        assert hidden not in text
