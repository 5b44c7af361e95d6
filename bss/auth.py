"""Who is signed in: Flask-Login over revocable ``LoginSession`` rows, and the acting account."""

from __future__ import annotations

from flask import Flask, abort, g
from flask_babel import gettext
from flask_login import LoginManager, current_user

from core.models.accounts import Account
from core.permissions import Permission
from core.services.actors import Actor, acting_as
from core.services.manual_tasks import count_open_tasks
from core.services.people import accounts_of
from core.services.sign_in import resume_session
from web.database import db
from web.sessions import SignedInUser

login_manager = LoginManager()
login_manager.login_view = "backoffice.login"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_signed_in_user(token: str) -> SignedInUser | None:
    login_session = resume_session(db.session, token)
    return SignedInUser(login_session, token) if login_session else None


def init_auth(app: Flask) -> None:
    login_manager.init_app(app)
    app.jinja_env.globals.update(can=can, acting_account=acting_account, open_task_count=open_task_count)
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")


def acting_account() -> Account:
    """The account the signed-in person is acting for; a person with no account has nothing here."""
    if "acting_account" not in g:
        account_id = current_user.login_session.account_id
        account = db.session.get(Account, account_id) if account_id is not None else None
        # Belonging is checked on every request, not only when the session chose the account.
        if account is None or account not in accounts_of(db.session, current_user.user, staff=True):
            abort(403, gettext("You are not a member of any account yet."))
        g.acting_account = account
    return g.acting_account


def current_actor() -> Actor:
    """The signed-in person acting for the acting account, through all their teams in it."""
    if "actor" not in g:
        g.actor = acting_as(db.session, current_user.user, acting_account())
    return g.actor


def can(permission: Permission) -> bool:
    """Whether the signed-in person may do ``permission`` in the account they act for."""
    return permission in current_actor().permissions  # read once per request, however many times a page asks


def open_task_count() -> int:
    """How many tasks wait on the signed-in person's teams' lists (for the navigation)."""
    return count_open_tasks(db.session, current_actor())
