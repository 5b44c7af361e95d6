"""A hosting panel in memory, speaking the API ``HttpHostingPanel`` uses (see ``plugin_kit.simulators``
for what every simulator also does: faults on demand, writes done once per key, state kept)."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from html import escape
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from plugin_kit.simulators import Answer, Refusal, VendorSimulator, json_body, required


@dataclass
class _Account:
    username: str
    domain: str
    package: str
    status: str = "active"
    suspend_reason: str = ""


class PanelSimulator(VendorSimulator):
    kept = ("accounts",)
    vendor = "hosting panel"
    routes = (
        Rule("/accounts", endpoint="create_account", methods=["POST"]),
        Rule("/accounts/<username>", endpoint="account", methods=["GET"]),
        Rule("/accounts/<username>", endpoint="terminate", methods=["DELETE"]),
        Rule("/accounts/<username>/package", endpoint="change_package", methods=["PUT"]),
        Rule("/accounts/<username>/suspend", endpoint="suspend", methods=["POST"]),
        Rule("/accounts/<username>/unsuspend", endpoint="unsuspend", methods=["POST"]),
        Rule("/accounts/<username>/sso", endpoint="sso", methods=["POST"]),
        Rule("/sso/<token>", endpoint="control_panel", methods=["GET"]),
    )

    def __init__(self) -> None:
        super().__init__()
        self.accounts: dict[str, _Account] = {}
        self._sso_tokens: dict[str, str] = {}

    def create_account(self, request: Request) -> Answer:
        username, domain, package = required(json_body(request), "username", "domain", "package")
        if username in self.accounts:
            raise Refusal(409, "username_taken", f"There is an account {username} already.")
        if any(account.domain == domain and account.status != "terminated" for account in self.accounts.values()):
            raise Refusal(409, "domain_taken", f"{domain} is hosted in another account.")
        self.accounts[username] = _Account(username, domain, package)
        return 201, self._dump(username)

    def account(self, request: Request, username: str) -> Answer:
        return 200, self._dump(username)

    def change_package(self, request: Request, username: str) -> Answer:
        (package,) = required(json_body(request), "package")
        self._open(username).package = package
        return 200, self._dump(username)

    def suspend(self, request: Request, username: str) -> Answer:
        account = self._open(username)
        account.status, account.suspend_reason = "suspended", str(json_body(request).get("reason", ""))
        return 200, self._dump(username)

    def unsuspend(self, request: Request, username: str) -> Answer:
        account = self._open(username)
        account.status, account.suspend_reason = "active", ""
        return 200, self._dump(username)

    def terminate(self, request: Request, username: str) -> Answer:
        self._found(username).status = "terminated"
        return 200, self._dump(username)

    def sso(self, request: Request, username: str) -> Answer:
        self._open(username)
        token = secrets.token_urlsafe(16)
        self._sso_tokens[token] = username
        return 200, {"url": f"/sso/{token}"}

    def control_panel(self, request: Request, token: str) -> Answer:
        username = self._sso_tokens.pop(token, None)
        if username is None:
            return Response("<h1>This sign-in link has been used or is not valid.</h1>", 404, mimetype="text/html")
        account = self.accounts[username]
        return Response(f"<h1>Control panel of {escape(account.domain)}</h1><p>Package {escape(account.package)}, "
                        f"{escape(account.status)}.</p>", 200, mimetype="text/html")

    def _found(self, username: str) -> _Account:
        account = self.accounts.get(username)
        if account is None:
            raise Refusal(404, "no_account", f"There is no account {username}.")
        return account

    def _open(self, username: str) -> _Account:
        account = self._found(username)
        if account.status == "terminated":
            raise Refusal(409, "terminated", f"The account {username} is closed.")
        return account

    def _dump(self, username: str) -> dict[str, Any]:
        return asdict(self._found(username))
