"""Demo activity: orders and subscriptions at different points of their life, to try the back
office's day with (``cascade demo load`` adds them after ``load_demo``).

Kept apart from the demo accounts so that tests start from a tree with no orders in it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock, utcnow
from core.models.accounts import Account
from core.models.catalog import Plan
from core.models.people import User
from core.services.actors import acting_as
from core.services.branding import update_branding
from core.services.orders import LineRequest, grant_starter_plans, place_order, set_payment_confirmation
from core.services.provisioning import provision_pending_now


def load_demo_activity(session: Session) -> None:
    """Bright IT is on the Standard reseller plan (its storefront is live, in its colours) and
    Corner Computers on Basic; Harbour Dental and Atlas Legal use Microsoft 365; Bright IT registered Harbour's
    domain eleven months ago, so it is due for renewal; Maple Bakery's hosting order waits for
    Bright IT to confirm its bank transfer."""
    accounts = {account.slug: account for account in session.scalars(select(Account))}
    plans = {f"{plan.product.key}/{plan.code}": plan for plan in session.scalars(select(Plan))}

    def order(slug: str, plan: str, quantity: int, method: str, *, by: str | None = None, payer: str = "owner",
              params: dict[str, str] | None = None) -> None:
        buyer = accounts[by or slug]
        email = "admin@northwind.example" if buyer.slug == "northwind" else f"owner@{buyer.slug}.example"
        user = session.scalars(select(User).where(User.email == email)).one()
        place_order(session, actor=acting_as(session, user, buyer), owner_id=accounts[slug].id,
                    payer=payer, payment_method=method,
                    lines=[LineRequest(plans[plan].id, quantity, params or {})])
        provision_pending_now(session)

    for reseller in (accounts["bright"], accounts["corner"]):
        grant_starter_plans(session, reseller)  # both start on Basic
    provision_pending_now(session)
    order("bright", "reseller-plan/standard", 1, "on_account", by="northwind")  # Northwind activates Standard
    bright_owner = session.scalars(select(User).where(User.email == "owner@bright.example")).one()
    update_branding(session, actor=acting_as(session, bright_owner, accounts["bright"]), values={
        "primary_colour": "#0f7b6c", "accent_colour": "#e3f4f1",
        "contact_email": "help@bright-it.example", "contact_phone": "+44 20 7946 0321",
        "support_url": "https://bright-it.example/support",
        "welcome_text": "IT for small businesses, looked after by people you know.\n"
                        "Order here, and we set it up the same day.",
    })
    set_payment_confirmation(session, actor=acting_as(session, bright_owner, accounts["bright"]), methods=["bank_transfer"])
    with clock.frozen(utcnow() - timedelta(days=340)):
        order("harbour", "domain-name/com", 1, "on_account", by="bright", payer="buyer",
              params={"domain_name": "harbour-dental.com"})
    with clock.frozen(utcnow() - timedelta(days=45)):
        # Each gets its tenant at the vendor (the Microsoft 365 simulator, in the demo).
        order("harbour", "microsoft-365/business-basic", 8, "card", params={"tenant_prefix": "harbourdental"})
        order("atlas", "microsoft-365/business-standard", 3, "card", params={"tenant_prefix": "atlaslegal"})
    order("maple", "web-hosting/starter", 1, "bank_transfer", params={"domain": "maple-bakery.example"})

