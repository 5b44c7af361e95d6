"""Every page and API route the plugin adds, walked as other tenants: another customer's account, with
the real names of its domains, users, add-ons and archived messages, answers as a missing one does
(404), shows nothing of it and changes nothing, at the service or in the database."""

import re

import pytest
from sqlalchemy import func, select

from core.models.provisioning import ProvisioningRequest
from core.services.product_users import create_product_user
from plugin_kit.testing import BRIGHT, form_token
from plugins.email_security.models import ProtectedDomain

MISSING_ID = 987_654_321
FORM = {"domain": "harbour-new.example", "on": "yes", "count": "1", "payment_method": "card", "users": "1",
        "display_name": "Intruder", "user_principal_name": "intruder@harbour-dental.example", "protected": "yes"}
#: Bodies their operations accept, so that only tenancy can refuse them.
JSON = {"add_email_security_domain": {"domain": "harbour-new.example"},
        "set_email_security_services": {"services": ["encryption"]}}


@pytest.fixture
def harbours(db, shops, account, actor_for, service):
    """Harbour Dental's account, with an extra domain, a user and its archive: what the walkers reach for."""
    subscription = account("harbour", "harbour-dental.example", 3, "filtering-archiving",
                           extra_domains=["harbour-smiles.example"])
    user = create_product_user(db, actor_for("harbour"), subscription.id, display_name="Dr Harbour",
                               user_principal_name="doctor@harbour-dental.example").user
    db.commit()
    message = service.accounts()["harbour-dental.example"]["archive"][0]
    return {"subscription_id": subscription.id, "domain": "harbour-smiles.example", "service": "encryption",
            "message_id": message["id"], "user_id": user.id, "action": "delete"}


def _routes(app, prefix: str, endpoints: tuple[str, ...]):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(endpoints) and rule.rule.startswith(prefix):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _url(rule, values):
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda found: str(values[found.group(1)]), rule.rule)


def _snapshot(db, service):
    db.expire_all()
    return (service.accounts().get("harbour-dental.example"),
            db.execute(select(ProtectedDomain.name, ProtectedDomain.owner_id, ProtectedDomain.dns_status)
                       .order_by(ProtectedDomain.name)).all(),
            db.scalar(select(func.count()).select_from(ProvisioningRequest)))


def _walk(routes, send, harbours, db, service):
    """Send each route with Harbour Dental's ids, then with a missing account's: the same answer, never a success."""
    before = _snapshot(db, service)
    walked = 0
    for rule, method in routes:
        url = _url(rule, harbours)
        foreign = send(rule, method, url)
        missing = send(rule, method, _url(rule, {**harbours, "subscription_id": MISSING_ID}))
        body = foreign.get_data(as_text=True).replace(url, "")  # a page may link to itself: the walker's own words
        assert foreign.status_code == missing.status_code == 404, f"{method} {rule.rule}: {foreign.status_code}"
        assert "Harbour" not in body and "harbour-" not in body, f"{method} {rule.rule} shows Harbour Dental's data"
        walked += 1
    assert _snapshot(db, service) == before
    return walked


def test_another_customer_reaches_no_page_of_the_account_on_the_storefront(app, client, db, harbours, shop_sign_in,
                                                                          service):
    shop_sign_in("owner@maple.example")
    token = form_token(client, BRIGHT)

    def send(rule, method, url):
        data = {**FORM, "csrf_token": token} if method == "POST" else None
        return client.open(url, method=method, data=data, base_url=BRIGHT)

    storefront = app.wsgi_app.storefronts
    assert _walk(_routes(storefront, "/email-security", ("email_security.",)), send, harbours, db, service) == 14


def test_another_reseller_reaches_no_back_office_page_of_the_account(app, client, db, harbours, login_as, service):
    login_as("owner@corner.example")  # customers never reach the back office: they serve themselves on their shop

    def send(rule, method, url):
        data = {**FORM, "csrf_token": form_token(client)} if method == "POST" else None
        return client.open(url, method=method, data=data)

    assert _walk(_routes(app, "/bss/email-security/<", ("email_security.",)), send, harbours, db, service) == 9


@pytest.mark.parametrize("slug", ["corner", "maple"])
def test_another_tenant_reaches_no_api_route_of_the_account(app, db, harbours, api_as, service, slug):
    caller = api_as(slug)

    def send(rule, method, url):
        body = JSON.get(rule.endpoint.partition(".")[2])
        return caller.open(method, url, **({"json": body} if body is not None else {}))

    assert _walk(_routes(app, "/api/v1", ("email_security_api.",)), send, harbours, db, service) == 7


def test_an_extra_domains_subscription_is_not_an_account_even_to_its_owner(db, harbours, order_account, api_as,
                                                                          client, shop_sign_in):
    order = order_account("maple", "maple-bakery.example", 2, extra_domains=["maple-cakes.example"])
    extra = order.lines[1].subscription
    assert api_as("maple").get(f"/api/v1/subscriptions/{extra.id}/email-security").status_code == 404
    shop_sign_in("owner@maple.example")
    assert client.get(f"/email-security/{extra.id}", base_url=BRIGHT).status_code == 404
