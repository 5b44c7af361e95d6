"""No tenant ever reaches another's data: every back-office and API route, every role.

The routes are read from the app's URL map, so a route added later is walked too; a route
whose id parameter this file does not know fails the test until it is added to ``FOREIGN``.
For each role and route, an id belonging to another tenant must answer exactly as an id that
does not exist, must not show that tenant's names, and must change nothing. Every sibling tenant
has an order, a subscription, the manual task its activation waits for and an invoice, and writes are sent
with bodies their services accept, so that only tenancy can refuse them.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from core.models.accounts import Account, AccountKind
from core.models.api_keys import ApiKey
from core.models.audit import AuditEvent
from core.models.catalog import Plan, Product
from core.models.event_hubs import EventHub
from core.models.invitations import Invitation
from core.models.invoices import Invoice
from core.models.orders import Order, Payment
from core.models.people import Membership, Team, User
from core.models.prices import PriceEntry, PriceList, PriceListKind
from core.models.provisioning import ManualTask, ProvisioningRequest
from core.models.subscriptions import Subscription, SubscriptionEvent
from core.models.support import Ticket, TicketAttachment, TicketDesk, TicketMessage
from core.models.transfers import Transfer
from core.product_lifecycle import LifecycleAction, ManualStep, Result
from core.services.accounts import create_account
from core.services.actors import acting_as
from core.services.api_keys import create_api_key
from core.services.event_hubs import ORDERING, register_hub
from core.services.orders import LineRequest, place_order
from core.services.people import add_member, create_user, owner_team
from core.services.price_lists import create_price_list, set_product_offered
from core.services.ticket_files import UploadedFile
from core.services.tickets import open_ticket
from core.services.transfers import start_transfer
from plugin_kit.testing import form_token, post_form, provision_due
from plugins.hosting.models import Website, WebsiteStatus

MISSING_ID = 987_654_321
PASSWORD = "cascade-demo"

#: Which sibling tenant each role must never reach.
ROLES = {
    "distributor admin": ("admin@northwind.example", "southwind"),
    "reseller admin": ("owner@bright.example", "corner"),
    "reseller staff (support only)": ("desk@bright.example", "corner"),
    "customer admin": ("owner@harbour.example", "maple"),
    "customer member without purchase": ("clerk@harbour.example", "maple"),
    "anonymous": (None, "corner"),
}


#: The sibling tenants, and the account of each that buys the fake product (itself or below it).
BUYERS = {"corner": "corner", "maple": "maple", "southwind": "southern"}


@pytest.fixture
def world(db, demo, fake_catalog, fake_plugin, reseller_plan):
    """The demo platform (both resellers on Standard, which has the API), a second distributor,
    narrow teams for the staff roles, and an order of each sibling tenant whose subscription's
    activation waits for a person's task, and a support ticket it asked its seller, with a file."""
    for reseller in ("bright", "corner"):
        reseller_plan(reseller, "standard")
    southwind = create_account(db, kind=AccountKind.DISTRIBUTOR, name="Southwind Distribution", slug="southwind")
    southern = create_account(db, kind=AccountKind.RESELLER, name="Southern Resale", slug="southern", parent=southwind,
                              reselling_enabled=True)
    set_product_offered(db, distributor=southwind, product=fake_catalog["small"].product, offered=True, by=None)
    create_price_list(db, seller=southwind, by=None, kind=PriceListKind.WHOLESALE, name="Southwind wholesale",
                      currency="EUR", markup_percent=15)
    create_user(db, email="owner@southern.example", name="Southern owner", password=PASSWORD)
    add_member(db, owner_team(db, southern), db.scalar(select(User).where(User.email == "owner@southern.example")))
    boss = create_user(db, email="boss@southwind.example", name="Boss", password=PASSWORD)
    add_member(db, owner_team(db, southwind), boss)
    for slug, email, permissions in (("bright", "desk@bright.example", ["support"]),
                                     ("harbour", "clerk@harbour.example", ["view_billing"])):
        team = Team(account=demo[slug], name="Narrow", permissions=permissions)
        db.add(team)
        add_member(db, team, create_user(db, email=email, name=email, password=PASSWORD))
    accounts = {account.slug: account for account in db.scalars(select(Account))}
    for slug in ("corner", "maple", "southwind"):
        owner = db.scalar(select(User).join(Membership).join(Team).where(Team.account_id == accounts[slug].id))
        create_api_key(db, user=owner, team=owner_team(db, accounts[slug]), name=f"{slug} key")
        db.add(PriceList(seller=accounts[slug], kind=PriceListKind.RETAIL, name=f"{slug} prices", currency="EUR",
                         audience="buyer:999999", markup_percent=10))
        db.add(Invitation(team=owner_team(db, accounts[slug]), email=f"new@{slug}.example", token_hash=f"{slug:x<64}"[:64],
                          expires_at=db.scalar(select(func.max(Account.created_at))).replace(year=2099)))
    for buyer_slug in BUYERS.values():
        fake_plugin.vendor.answer(LifecycleAction.ACTIVATE, Result.manual(ManualStep(key="confirm", title="Confirm it")))
        buyer = accounts[buyer_slug]
        owner = db.scalar(select(User).join(Membership).where(Membership.team_id == owner_team(db, buyer).id))
        place_order(db, actor=acting_as(db, owner, buyer), lines=[LineRequest(fake_catalog["small"].id)],
                    payment_method="on_account")
        open_ticket(db, actor=acting_as(db, owner, buyer), subject="Help", body="Please.",
                    attachments=[UploadedFile("notes.txt", b"Some notes\n")])
    db.commit()
    provision_due(db)
    assert db.scalar(select(func.count()).select_from(ManualTask)) == len(BUYERS)
    for buyer_slug in BUYERS.values():  # a site of each sibling, on its subscription
        subscription = db.scalar(select(Subscription).where(Subscription.owner_id == accounts[buyer_slug].id)
                                 .order_by(Subscription.id.desc()))
        db.add(Website(account=accounts[buyer_slug], subscription=subscription, domain=f"www.{buyer_slug}.example",
                       status=WebsiteStatus.TRIAL, end_reason=""))
        buyer = accounts[buyer_slug]  # and an invoice its seller sent it
        db.add(Invoice(issuer=buyer.parent, recipient=buyer, number=f"{buyer_slug}-1", currency="EUR",
                       period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), issued_on=date(2026, 4, 1),
                       due_on=date(2026, 4, 15), tax_name="Tax", tax_rate=0, subtotal_amount=10, tax_amount=0,
                       total_amount=10))
    for buyer_slug in BUYERS.values():  # and a transfer under way: its seller releasing it (or a client of its)
        buyer = accounts[buyer_slug]
        customer = buyer if buyer.kind is AccountKind.CUSTOMER else create_account(
            db, kind=AccountKind.CUSTOMER, name=f"{buyer.name} client", slug=f"{buyer_slug}-client", parent=buyer,
            primary_domain=f"{buyer_slug}-client.example")
        seller_owner = db.scalar(select(User).join(Membership).where(Membership.team_id == owner_team(db, customer.parent).id))
        start_transfer(db, actor=acting_as(db, seller_owner, customer.parent), account_id=customer.id, release=True)
        register_hub(db, buyer, api=ORDERING, callback=f"https://{buyer_slug}.example/events", query=None,
                     event_types=(), by=None)  # and a TMF listener of its own
    db.commit()
    return accounts


def _foreign_ids(db, account: Account) -> dict[str, int]:
    team = owner_team(db, account)
    mine = select(Account.id).where(Account.path.startswith(account.path))
    # The sibling's subscription whose activation waits for a task (not its reseller plan).
    subscription_id = db.scalar(select(Subscription.id).join(ProvisioningRequest).join(ManualTask)
                                .where(Subscription.owner_id.in_(mine)))
    plan = db.scalar(select(Plan.id).order_by(Plan.id))
    return {
        "account_id": account.id,
        "team_id": team.id,
        "membership_id": db.scalar(select(Membership.id).where(Membership.team_id == team.id)),
        "api_key_id": db.scalar(select(ApiKey.id).where(ApiKey.team_id == team.id)),
        "invitation_id": db.scalar(select(Invitation.id).where(Invitation.team_id == team.id)),
        "price_list_id": db.scalar(select(PriceList.id).where(PriceList.seller_id == account.id)),
        "order_id": db.scalar(select(Order.id).where(Order.owner_id.in_(mine)).order_by(Order.id.desc())),
        "subscription_id": subscription_id,
        "website_id": db.scalar(select(Website.id).where(Website.account_id.in_(mine))),
        "invoice_id": db.scalar(select(Invoice.id).where(Invoice.recipient_id.in_(mine))),
        "task_id": db.scalar(select(ManualTask.id).join(ProvisioningRequest)
                             .where(ProvisioningRequest.subscription_id == subscription_id)),
        "ticket_id": db.scalar(select(Ticket.id).where(Ticket.requester_id.in_(mine))),
        "transfer_id": db.scalar(select(Transfer.id).where(Transfer.account_id.in_(mine))),
        "hub_id": db.scalar(select(EventHub.id).where(EventHub.account_id.in_(mine))),
        # The sibling's own catalog (TMF620): an offering and a price of it, named as the catalog names them.
        "offering_id": f"{account.id}-{plan}",
        "price_id": f"{account.id}-{plan}-price",
        "attachment_id": db.scalar(select(TicketAttachment.id).join(TicketMessage).join(Ticket)
                                   .where(Ticket.requester_id.in_(mine))),
        # The catalog is shared: a plan or product id names nobody's data, so both runs use real ones.
        "plan_id": plan,
        "product_id": db.scalar(select(Product.id).order_by(Product.id)),
    }


#: Parameters that name an object by id; ``FOREIGN`` maps each to the sibling tenant's object.
FOREIGN = {"account_id", "team_id", "membership_id", "api_key_id", "invitation_id", "price_list_id", "order_id",
           "subscription_id", "task_id", "website_id", "invoice_id",
           "ticket_id", "attachment_id", "transfer_id", "offering_id", "price_id", "hub_id", "id"}
#: Parameters naming shared catalog rows: the same real id in both runs.
SHARED = {"plan_id", "product_id"}
ID_ALIASES = {"id": "account_id"}
#: Other path parameters: a value the route acts on, so that only tenancy can refuse it.
WORDS = {"action": "cancel"}
#: API writes whose body must be one their operation accepts, so that the service is reached.
API_BODIES = {
    "api.create_order": lambda ids: {"account_id": str(ids["account_id"]), "payment_method": "card",
                                     "lines": [{"plan_id": str(ids["plan_id"])}]},
    "api.confirm_order_payment": lambda ids: {"method": "on_account", "reference": "HIJACK", "amount": "1000"},
    "api.cancel_unpaid_order": lambda ids: {"reason": "Hijacked"},
    "api.subscription_change": lambda ids: {"quantity": 3},
    "api.subscription_suspend": lambda ids: {"note": "Hijacked"},
    "api.subscription_resume": lambda ids: {"note": "Hijacked"},
    "api.subscription_cancel": lambda ids: {"when": "now", "note": "Hijacked"},
    "api.subscription_terminate": lambda ids: {"note": "Hijacked"},
    "api.mark_task_done": lambda ids: {"note": "Hijacked"},
    "tmf_ordering.create_product_order": lambda ids: {
        "relatedParty": [{"id": str(ids["account_id"]), "role": "customer"}],
        "productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": ids["offering_id"]}}]},
    "tmf_ordering.cancel_product_order": lambda ids: {"productOrder": {"id": str(ids["order_id"])}},
    "tmf_inventory.patch_product": lambda ids: {"productCharacteristic": [{"name": "quantity", "value": 3}]},
    "tmf_catalog.change_product_offering": lambda ids: {"lifecycleStatus": "Retired"},
    "tmf_catalog.change_product_offering_price": lambda ids: {"price": {"unit": "EUR", "value": 1}},
    "tmf_catalog.create_product_offering": lambda ids: {"name": "Hijacked", "productSpecification": {
        "id": str(ids["product_id"])}},
    "tmf_ordering.patch_product_order": lambda ids: {"state": "cancelled", "cancellationReason": "Hijacked"},
    "tmf_inventory.create_product": lambda ids: {
        "productOffering": {"id": ids["offering_id"]}, "relatedParty": [{"id": str(ids["account_id"]), "role": "customer"}]},
}


def _snapshot(db, sibling: Account):
    """Everything of the sibling tenant's that a request could change, as comparable data."""
    db.expire_all()
    mine = select(Account.id).where(Account.path.startswith(sibling.path))
    teams = select(Team.id).where(Team.account_id.in_(mine))
    subscriptions = select(Subscription.id).where(Subscription.owner_id.in_(mine))
    return {
        "accounts": db.execute(select(Account.id, Account.name, Account.parent_id, Account.reselling_enabled,
                                      Account.primary_domain, Account.tier).where(Account.id.in_(mine))).all(),
        "teams": db.execute(select(Team.id, Team.name, Team.permissions, Team.payment_methods,
                                   Team.receives_renewal_reminders).where(Team.id.in_(teams))).all(),
        "memberships": db.execute(select(Membership.id, Membership.user_id).where(Membership.team_id.in_(teams))).all(),
        "api_keys": db.execute(select(ApiKey.id, ApiKey.revoked_at).where(ApiKey.team_id.in_(teams))).all(),
        "invitations": db.execute(select(Invitation.id, Invitation.accepted_at, Invitation.revoked_at)
                                  .where(Invitation.team_id.in_(teams))).all(),
        "people": db.execute(select(User.id, User.password_hash, User.active)
                             .where(User.id.in_(select(Membership.user_id).where(Membership.team_id.in_(teams))))).all(),
        "audit": db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.account_id.in_(mine))),
        "price_lists": db.execute(select(PriceList.id, PriceList.name, PriceList.markup_percent)
                                  .where(PriceList.seller_id.in_(mine))).all(),
        "prices": db.execute(select(PriceEntry.id, PriceEntry.unit_price, PriceEntry.setup_fee)
                             .join(PriceList).where(PriceList.seller_id.in_(mine))).all(),
        "orders": db.execute(select(Order.id, Order.status, Order.payment_method).where(Order.owner_id.in_(mine))).all(),
        "payments": db.scalar(select(func.count()).select_from(Payment).join(Order).where(Order.owner_id.in_(mine))),
        "subscriptions": db.execute(select(Subscription.id, Subscription.status, Subscription.plan_id,
                                           Subscription.quantity, Subscription.cancel_at, Subscription.suspend_reason,
                                           Subscription.scheduled_plan_id).where(Subscription.id.in_(subscriptions))).all(),
        "subscription_events": db.scalar(select(func.count()).select_from(SubscriptionEvent)
                                         .where(SubscriptionEvent.subscription_id.in_(subscriptions))),
        "provisioning": db.execute(select(ProvisioningRequest.id, ProvisioningRequest.status)
                                   .where(ProvisioningRequest.subscription_id.in_(subscriptions))).all(),
        "websites": db.execute(select(Website.id, Website.status, Website.live_at).where(Website.account_id.in_(mine))).all(),
        "tasks": db.execute(select(ManualTask.id, ManualTask.status, ManualTask.note).join(ProvisioningRequest)
                            .where(ProvisioningRequest.subscription_id.in_(subscriptions))).all(),
        "tickets": db.execute(select(Ticket.id, Ticket.upstream_id, Ticket.upstream_writes_to_customer, TicketDesk.status,
                                     TicketDesk.priority, TicketDesk.assignee_id).join(TicketDesk)
                              .where(Ticket.requester_id.in_(mine))).all(),
        "transfers": db.execute(select(Transfer.id, Transfer.status, Transfer.consented_at, Transfer.accepted_at)
                                .where(Transfer.account_id.in_(mine))).all(),
        "hubs": db.execute(select(EventHub.id, EventHub.callback).where(EventHub.account_id.in_(mine))).all(),
        "ticket_messages": db.scalar(select(func.count()).select_from(TicketMessage).join(Ticket)
                                     .where(Ticket.requester_id.in_(mine))),
    }


#: The packages whose routes the walk covers: Cascade's own and its shipped plugins'. A plugin
#: installed beside them (the example plugin) proves its own tenancy in its own tests.
SHIPPED = ("bss", "web", "plugins")


def _routes(app):
    for rule in app.url_map.iter_rules():
        if app.view_functions[rule.endpoint].__module__.split(".")[0] not in SHIPPED:
            continue
        # Signing in and out would change who walks; they are tested on their own.
        if rule.rule.startswith(("/bss", "/api/v1", "/tmf-api")) and rule.rule not in ("/bss/login", "/bss/logout"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _url(rule, ids: dict[str, int]) -> str:
    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        if converter == "int" or name in FOREIGN:
            assert name in FOREIGN | SHARED, f"{rule.rule}: add the id parameter {name!r} to FOREIGN or SHARED"
            return str(ids[ID_ALIASES.get(name, name)])
        return WORDS.get(name, "not-a-real-token-0123456789")

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, rule.rule)


def _request(client, rule, method, url, ids, bearer):
    fields = {"name": "Hijacked", "account_id": ids["account_id"], "team_id": ids["team_id"],
              "parent_id": ids["account_id"], "email": "intruder@example.com", "quantity": 3, "when": "now",
              "note": "Hijacked", "method": "on_account", "reference": "HIJACK", "amount": "1000"}
    if url.startswith(("/api/", "/tmf-api/")):
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        json = API_BODIES.get(rule.endpoint, lambda ids: {"name": "Hijacked", "parent_id": str(ids["account_id"])})(ids)
        body = {"json": json} if method in ("POST", "PATCH", "PUT") else {}
        return client.open(url, method=method, headers=headers, **body)
    data = {**fields, "csrf_token": form_token(client)} if method != "GET" else None
    return client.open(url, method=method, data=data)


@pytest.mark.parametrize("role", list(ROLES))
def test_no_route_reaches_a_sibling_tenant(app, client, db, world, role):
    email, sibling_slug = ROLES[role]
    sibling = world[sibling_slug]
    foreign = _foreign_ids(db, sibling)
    assert None not in foreign.values(), f"{sibling.name} lacks something to reach for: {foreign}"
    missing = {name: foreign[name] if name in SHARED else MISSING_ID for name in foreign}
    secret = None
    if email:
        signed_in = post_form(client, "/bss/login", {"email": email, "password": PASSWORD})
        user = db.scalar(select(User).where(User.email == email))
        team = db.scalar(select(Team).join(Membership).where(Membership.user_id == user.id))
        # A customer's people are refused by the back office (they serve themselves on their shop): the API remains.
        assert signed_in.status_code == (403 if team.account.kind is AccountKind.CUSTOMER else 302), role
        secret = create_api_key(db, user=user, team=team, name="walker").secret
        db.commit()
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200, role
    names = {sibling.name, *(child.name for child in world.values() if child.path.startswith(sibling.path))}
    before = _snapshot(db, sibling)
    walked = 0
    for rule, method in _routes(app):
        foreign_answer = _request(client, rule, method, _url(rule, foreign), foreign, secret)
        body = foreign_answer.get_data(as_text=True)
        leaked = [name for name in names if name in body]
        assert not leaked, f"{role}: {method} {rule.rule} shows {leaked}"
        if any(f"<{p}" in rule.rule or f":{p}>" in rule.rule for p in FOREIGN):
            missing_answer = _request(client, rule, method, _url(rule, missing), missing, secret)
            assert foreign_answer.status_code == missing_answer.status_code, (
                f"{role}: {method} {rule.rule} answers {foreign_answer.status_code} for another tenant's id "
                f"but {missing_answer.status_code} for a missing one"
            )
            assert foreign_answer.status_code not in (200, 201, 204), f"{role}: {method} {rule.rule} succeeded"
        walked += 1
    assert walked > 20
    assert _snapshot(db, sibling) == before, f"{role}: something of {sibling.name} changed"
