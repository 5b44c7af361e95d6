"""Demo activity: orders and subscriptions at different points of their life, and support requests,
to try the back office's day with (``cascade demo load`` adds them after ``load_demo``); plugins add theirs
through the ``load_demo_activity`` hook, with ``demo_order``.

Kept apart from the demo accounts so that tests start from a tree with no orders in it.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models.accounts import Account
from core.models.catalog import Plan, Product
from core.models.people import User
from core.plugins import pm
from core.services.actors import Actor, acting_as
from core.services.branding import update_branding
from core.services.orders import (
    LineRequest,
    grant_starter_plans,
    place_order,
    set_payment_confirmation,
)
from core.services.provisioning import provision_pending_now
from core.services.tickets import add_message, escalate_ticket, get_ticket, open_ticket, thread


def load_demo_activity(session: Session) -> None:
    """Both demo resellers start on their starter plan and Bright IT confirms bank transfers by
    hand; the plugins add their orders (Bright IT on the Standard reseller plan, Microsoft 365 for
    Harbour Dental and Atlas Legal, domains and hosting, ...); then Bright IT takes cards on the
    spot from then on (the test card processor's, where installed), and its storefront wears its
    colours."""
    accounts = {account.slug: account for account in session.scalars(select(Account))}
    bright = accounts["bright"]
    bright_owner = acting_as(session, demo_user(session, bright), bright)
    for reseller in (bright, accounts["corner"]):
        grant_starter_plans(session, reseller)
    provision_pending_now(session)
    set_payment_confirmation(session, actor=bright_owner, methods=["bank_transfer"])
    pm.hook.load_demo_activity(session=session, accounts=accounts)
    set_payment_confirmation(session, actor=bright_owner, methods=["bank_transfer", "card"])
    update_branding(session, actor=bright_owner, values={
        "primary_colour": "#0f7b6c", "accent_colour": "#e3f4f1",
        "contact_email": "help@bright-it.example", "contact_phone": "+44 20 7946 0321",
        "support_url": "https://bright-it.example/support",
        "welcome_text": "IT for small businesses, looked after by people you know.\n"
                        "Order here, and we set it up the same day.",
    })
    _load_demo_tickets(session, accounts)


def _load_demo_tickets(session: Session, accounts: Mapping[str, Account]) -> None:
    """Support requests at each stage: answered, waiting for a first answer, escalated to Northwind."""
    def actor(slug: str) -> Actor:
        return acting_as(session, demo_user(session, accounts[slug]), accounts[slug])

    mailbox = open_ticket(session, actor=actor("harbour"), subject="A shared mailbox for reception",
                          body="Could reception have one mailbox that both of our receptionists read?")
    add_message(session, actor=actor("bright"), ticket_id=mailbox.id,
                body="Yes: a shared mailbox needs no licence. Which address would you like, reception@?")
    open_ticket(session, actor=actor("maple"), subject="Our invoices should go to accounts@",
                body="Please send our invoices to accounts@maple-bakery.example from next month.")
    bounces = open_ticket(session, actor=actor("harbour"), subject="Emails to some clinics bounce",
                          body="Since Monday, our emails to two partner clinics come back undelivered.")
    escalate_ticket(session, actor=actor("bright"), ticket_id=bounces.id, copy_message_ids=[
        message.id for message in thread(session, get_ticket(session, actor("bright"), bounces.id))],
        body="Harbour Dental's mail to two domains bounces; their DNS looks right from here. Can you check the relay?")
    open_ticket(session, actor=actor("solo"), subject="When does our subscription renew?",
                body="We would like to add seats before the renewal: when is it?")


def demo_user(session: Session, account: Account) -> User:
    """The demo person who owns ``account`` (Northwind's administrator for the distributor)."""
    email = "admin@northwind.example" if account.slug == "northwind" else f"owner@{account.slug}.example"
    return session.scalars(select(User).where(User.email == email)).one()


def demo_order(session: Session, accounts: Mapping[str, Account], slug: str, plan: str, quantity: int, method: str, *,
               by: str | None = None, payer: str = "owner", params: Mapping[str, str] | None = None) -> None:
    """Order ``plan`` (``<product key>/<plan code>``) for the demo account ``slug``, as its owner or
    as the owner of ``by``, and provision it at once. It commits as a request and the worker do,
    so that no vendor is asked with a transaction open (``place_order``, ``provision_pending_now``)."""
    buyer = accounts[by or slug]
    product_key, code = plan.split("/")
    chosen = session.scalars(select(Plan).join(Product).where(Product.key == product_key, Plan.code == code)).one()
    actor = acting_as(session, demo_user(session, buyer), buyer)
    place_order(session, actor=actor, owner_id=accounts[slug].id, payer=payer, payment_method=method,
                lines=[LineRequest(chosen.id, quantity, dict(params or {}))])
    provision_pending_now(session)
