"""The hosting-panel connector: what Cascade asks of the panel that runs the customers' sites.

``HostingPanel`` is the interface; ``HttpHostingPanel`` speaks the JSON API that the local
simulator (``panel_simulator``) serves. An adapter for a real panel (cPanel, Plesk, ...)
implements the same six methods and is handed to ``WebHosting(panel=...)``.

One panel account holds one hosting subscription: its package is the plan's code, its primary
domain the site's address. Every write carries the provisioning request's idempotency key.
A call that fails raises ``plugin_kit.vendor_http.VendorError``, ``retryable`` when trying again
later may help (an adapter raises it too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urljoin

from plugin_kit.vendor_http import VendorClient, segment
from plugins.hosting.settings import hosting_settings


@dataclass(frozen=True)
class PanelAccount:
    username: str
    domain: str
    package: str
    #: ``active``, ``suspended`` or ``terminated``.
    status: str


class HostingPanel(Protocol):
    """A hosting panel, as Cascade uses it."""

    def create_account(self, *, username: str, domain: str, package: str, key: str) -> PanelAccount:
        """Open an account on ``package`` with ``domain`` as its primary site."""

    def change_package(self, username: str, package: str, *, key: str) -> PanelAccount:
        """Move the account to another package (its sites and storage limits)."""

    def suspend(self, username: str, *, reason: str, key: str) -> PanelAccount:
        """Take the account's sites offline, keeping everything."""

    def unsuspend(self, username: str, *, key: str) -> PanelAccount:
        """Bring a suspended account's sites back."""

    def terminate(self, username: str, *, key: str) -> None:
        """Close the account and delete its sites (closing one already closed is fine)."""

    def sso_link(self, username: str) -> str:
        """A one-time link that signs its follower into the account's control panel."""


class HttpHostingPanel:
    """The panel's JSON API over HTTP."""

    def __init__(self, base_url: str, timeout: float) -> None:
        self.api = VendorClient("hosting panel", base_url, timeout=timeout)

    def create_account(self, *, username: str, domain: str, package: str, key: str) -> PanelAccount:
        return _account(self.api.call("POST", "/accounts", {"username": username, "domain": domain, "package": package},
                                      key=key))

    def change_package(self, username: str, package: str, *, key: str) -> PanelAccount:
        return _account(self.api.call("PUT", f"/accounts/{segment(username)}/package", {"package": package}, key=key))

    def suspend(self, username: str, *, reason: str, key: str) -> PanelAccount:
        return _account(self.api.call("POST", f"/accounts/{segment(username)}/suspend", {"reason": reason}, key=key))

    def unsuspend(self, username: str, *, key: str) -> PanelAccount:
        return _account(self.api.call("POST", f"/accounts/{segment(username)}/unsuspend", {}, key=key))

    def terminate(self, username: str, *, key: str) -> None:
        self.api.call("DELETE", f"/accounts/{segment(username)}", key=key)

    def sso_link(self, username: str) -> str:
        link = str(self.api.call("POST", f"/accounts/{segment(username)}/sso", {})["url"])
        return urljoin(f"{self.api.base_url}/", link)  # a panel may answer a path on its own host


def http_panel() -> HttpHostingPanel:
    """The panel ``CASCADE_HOSTING_PANEL_URL`` names."""
    settings = hosting_settings()
    return HttpHostingPanel(settings.panel_url, settings.vendor_timeout)


def _account(data: dict[str, Any]) -> PanelAccount:
    return PanelAccount(username=data["username"], domain=data["domain"], package=data["package"], status=data["status"])
