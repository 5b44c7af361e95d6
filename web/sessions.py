"""The person behind a browser session, the same in the back office and on a storefront."""

from __future__ import annotations

from flask_login import UserMixin

from core.models.people import LoginSession, User


class SignedInUser(UserMixin):
    """The person behind a browser session; its id is the session's token, not the user's id."""

    def __init__(self, login_session: LoginSession, token: str) -> None:
        self.login_session = login_session
        self.token = token

    @property
    def user(self) -> User:
        return self.login_session.user

    def get_id(self) -> str:
        return self.token
