"""Who is signed in on this storefront: its seller's customers, in sessions that work here alone.

The storefront has its own login manager and cookie. A session opened on one storefront is
unknown to every other storefront and to the back office (``resume_session`` checks where it
began), and the account it acts for must still be one its seller sells to.
"""

from __future__ import annotations

from flask import Flask, abort, g
from flask_babel import lazy_gettext
from flask_login import LoginManager, current_user

from core.models.accounts import Account
from core.models.people import Team
from core.permissions import Permission
from core.services.actors import Actor
from core.services.people import teams_buying_from
from core.services.sign_in import resume_session
from storefront.hosts import current_storefront
from web.database import db
from web.sessions import SignedInUser

login_manager = LoginManager()
login_manager.login_view = "shop_account.sign_in"
login_manager.login_message = lazy_gettext("Sign in to continue.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_customer(token: str) -> SignedInUser | None:
    login_session = resume_session(db.session, token, current_storefront())
    return SignedInUser(login_session, token) if login_session else None


def _customer_teams() -> list[Team]:
    """The signed-in person's teams in the accounts that buy from this storefront's seller, read once per request."""
    if "customer_teams" not in g:
        g.customer_teams = teams_buying_from(db.session, current_user.user, current_storefront().account)
    teams: list[Team] = g.customer_teams
    return teams


def customer_accounts() -> list[Account]:
    """The signed-in person's accounts that buy from this storefront's seller, by name."""
    accounts = {team.account_id: team.account for team in _customer_teams()}
    return sorted(accounts.values(), key=lambda account: account.name)


def signed_in_account() -> Account | None:
    """The account the signed-in customer acts for while it still buys from this storefront's seller, else ``None``."""
    account_id = current_user.login_session.account_id
    return next((team.account for team in _customer_teams() if team.account_id == account_id), None)


def customer_account() -> Account:
    """The account the signed-in customer acts for; it must still buy from this storefront's seller."""
    account = signed_in_account()
    if account is None:
        abort(403, "You are no longer a customer of this shop.")
    return account


def current_customer_actor() -> Actor:
    """The signed-in person acting for their customer account, through all their teams in it."""
    account = customer_account()
    return Actor(current_user.user, account, tuple(team for team in _customer_teams() if team.account_id == account.id))


def customer_can(permission: Permission) -> bool:
    """Whether the signed-in customer's teams hold ``permission``; never, for a person whose account no longer
    buys here (the pages that say so must render, navigation and all)."""
    return signed_in_account() is not None and permission in current_customer_actor().permissions


def init_customer_auth(app: Flask) -> None:
    login_manager.init_app(app)
    app.jinja_env.globals.update(customer_can=customer_can, customer_account=customer_account)
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
