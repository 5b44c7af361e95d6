"""The account's pages: on the storefront for its customer (domains, extra domains, services, archive),
in the back office for its reseller acting on the customer's behalf, and the distributor's totals."""

from sqlalchemy import select

from core.models.audit import AuditEvent
from core.models.orders import Order, OrderStatus
from plugin_kit.testing import BRIGHT, provision_due, text_of
from plugins.email_security.models import ProtectedDomain


def test_the_subscription_page_links_to_the_accounts_pages(db, shops, account, client, shop_sign_in):
    subscription = account("maple", "maple-bakery.example", 2, "filtering-archiving")
    shop_sign_in("owner@maple.example")
    page = client.get(f"/subscriptions/{subscription.id}", base_url=BRIGHT).get_data(as_text=True)
    for path in ("", "/users", "/archive"):
        assert f'href="/email-security/{subscription.id}{path}"' in page


def test_a_customer_adds_an_extra_domain_once_it_has_bought_one_and_removes_it(
        db, shops, account, client, shop_sign_in, shop_post, service):
    subscription = account("maple", "maple-bakery.example", 2)
    shop_sign_in("owner@maple.example")
    page = text_of(client.get(f"/email-security/{subscription.id}", base_url=BRIGHT))
    assert "0 of 0 extra domains are free." in page and "Every extra domain is in use" in page
    refused = shop_post(f"/email-security/{subscription.id}/domains", {"domain": "maple-cakes.example"})
    assert refused.status_code == 409
    assert "The account has 0 extra domains and uses them all. Add an extra domain to the account first." in text_of(refused)
    assert db.scalars(select(ProtectedDomain.name)).all() == ["maple-bakery.example"]

    bought = shop_post(f"/email-security/{subscription.id}/extra-domains", {"count": "1", "payment_method": "card"})
    order = db.scalar(select(Order).order_by(Order.id.desc()))
    assert bought.status_code == 303 and bought.location == f"/orders/{order.id}"
    assert order.status is not OrderStatus.AWAITING_PAYMENT
    provision_due(db)
    bad = shop_post(f"/email-security/{subscription.id}/domains", {"domain": "www.maple-cakes.example"})
    assert bad.status_code == 422 and "give the domain itself, maple-cakes.example" in text_of(bad)
    added = shop_post(f"/email-security/{subscription.id}/domains", {"domain": "Maple-Cakes.example"})
    assert added.status_code == 303
    page = text_of(client.get(added.location, base_url=BRIGHT))
    assert "maple-cakes.example is added: publish its MX records, then check the DNS." in page
    assert "0 of 1 extra domains are free." in page
    assert [domain["name"] for domain in service.accounts()["maple-bakery.example"]["domains"]] == [
        "maple-bakery.example", "maple-cakes.example"]

    removed = shop_post(f"/email-security/{subscription.id}/domains/maple-cakes.example/remove")
    assert removed.status_code == 303
    assert "1 of 1 extra domains are free." in text_of(client.get(removed.location, base_url=BRIGHT))
    assert [domain["name"] for domain in service.accounts()["maple-bakery.example"]["domains"]] == ["maple-bakery.example"]
    assert db.scalars(select(ProtectedDomain.name)).all() == ["maple-bakery.example"]
    assert shop_post(f"/email-security/{subscription.id}/domains/maple-bakery.example/remove").status_code == 409


def test_a_customer_searches_its_archive_and_restores_a_message(db, shops, account, client, shop_sign_in, shop_post,
                                                                 service):
    subscription = account("maple", "maple-bakery.example", 2, "filtering-archiving")
    service.deliver("orders@maple-bakery.example", "Wedding cake for Saturday", sender="bride@party.example")
    shop_sign_in("owner@maple.example")
    found = client.get(f"/email-security/{subscription.id}/archive?q=wedding", base_url=BRIGHT)
    assert "bride@party.example orders@maple-bakery.example Wedding cake for Saturday" in text_of(found)
    assert "Invoice 1042" not in text_of(found)
    (message,) = [m for m in service.accounts()["maple-bakery.example"]["archive"] if m["subject"].startswith("Wedding")]

    restored = shop_post(f"/email-security/{subscription.id}/archive/{message['id']}/restore")
    assert restored.status_code == 303
    assert "“Wedding cake for Saturday” is delivered to orders@maple-bakery.example again." in text_of(
        client.get(restored.location, base_url=BRIGHT))
    (message,) = [m for m in service.accounts()["maple-bakery.example"]["archive"] if m["subject"].startswith("Wedding")]
    assert message["restores"] == 1
    assert db.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "email_security.message_restored"
    assert shop_post(f"/email-security/{subscription.id}/archive/msg-nothing/restore").status_code == 404


def test_an_account_without_archiving_says_so_on_its_archive_page(db, shops, account, client, shop_sign_in):
    subscription = account("maple", "maple-bakery.example", 2)
    shop_sign_in("owner@maple.example")
    page = client.get(f"/email-security/{subscription.id}/archive", base_url=BRIGHT)
    assert page.status_code == 409
    assert "The account does not have archiving: switch it on to keep and restore its mail." in text_of(page)


def test_the_storefront_pages_name_neither_the_distributor_nor_the_platform(db, shops, account, client, shop_sign_in):
    subscription = account("maple", "maple-bakery.example", 2, "filtering-archiving")
    shop_sign_in("owner@maple.example")
    for path in ("", "/users", "/archive"):
        page = client.get(f"/email-security/{subscription.id}{path}", base_url=BRIGHT).get_data(as_text=True)
        assert "Northwind" not in page and "Cascade" not in page and "cascade" not in page.lower()


def test_the_reseller_manages_its_customers_account_in_the_back_office(db, shops, account, client, login_as, post,
                                                                      service):
    subscription = account("maple", "maple-bakery.example", 2)
    login_as("owner@bright.example")
    listing = text_of(client.get("/bss/email-security/"))
    assert "maple-bakery.example Maple Bakery Filtering 2 Active" in listing
    assert "Maple Bakery customer 1 2 0" in listing  # its accounts below each account it sells to

    switched = post(f"/bss/email-security/{subscription.id}/services/encryption", {"on": "yes"})
    assert switched.status_code == 303
    provision_due(db)
    assert service.accounts()["maple-bakery.example"]["services"] == ["filtering", "encryption"]

    bought = post(f"/bss/email-security/{subscription.id}/extra-domains", {"count": "2", "payment_method": "on_account"})
    assert bought.status_code == 303 and bought.location.startswith("/bss/orders/")
    provision_due(db)
    assert post(f"/bss/email-security/{subscription.id}/domains", {"domain": "maple-pies.example"}).status_code == 303
    page = text_of(client.get(f"/bss/email-security/{subscription.id}"))
    assert "maple-pies.example" in page and "1 of 2 extra domains free." in page
    assert "Encryption: on" in page


def test_the_distributor_sees_its_totals_per_reseller(db, shops, account, client, login_as):
    account("maple", "maple-bakery.example", 6, extra_domains=["maple-cakes.example"])
    account("harbour", "harbour-dental.example", 4)
    login_as("admin@northwind.example")
    listing = text_of(client.get("/bss/email-security/"))
    assert "Bright IT reseller 2 10 1" in listing
    assert "In all 2 10 1" in listing


def test_a_customer_orders_an_account_with_an_extra_domain_at_the_checkout(
        db, shops, security_plans, client, shop_sign_in, add_to_cart, check_out, service):
    shop_sign_in("owner@maple.example")
    assert add_to_cart(security_plans["filtering-archiving"], 5).status_code == 303
    assert add_to_cart(security_plans["extra-domain"], 1).status_code == 303
    form = text_of(client.get("/checkout", base_url=BRIGHT))
    assert "Your domain" in form and "Extra domains (optional)" in form and "Your account's domain" in form
    assert "Services" not in form  # the plan chosen is the services

    refused = check_out("card", {"lines.0.params.domain": "www.maple-bakery.example",
                                 "lines.1.params.domain": "maple-bakery.example"})
    assert refused.status_code == 422
    assert "give the domain itself, maple-bakery.example" in text_of(refused)
    placed = check_out("card", {"lines.0.params.domain": "maple-bakery.example",
                                "lines.0.params.extra_domains": "maple-cakes.example",
                                "lines.1.params.domain": "maple-bakery.example"})
    assert placed.status_code == 303, text_of(placed)
    provision_due(db)
    held = service.accounts()["maple-bakery.example"]
    assert (held["user_limit"], held["services"], [domain["name"] for domain in held["domains"]]) == (
        5, ["filtering", "archiving"], ["maple-bakery.example", "maple-cakes.example"])
