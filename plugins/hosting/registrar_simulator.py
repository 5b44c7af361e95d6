"""A domain registrar in memory, speaking the API ``HttpRegistrar`` uses (see ``plugin_kit.simulators``
for what every simulator also does: faults on demand, writes done once per key, state kept).

Time is Cascade's clock, so a test that freezes and moves it sees names expire, go into
redemption and be released. ``POST /_simulator/registered-elsewhere`` with ``{"name",
"auth_code"}`` stands for a name held at another registrar, to be transferred in with that code;
a registration or a transfer may name its ``nameservers`` (else the registrar's own); a transfer
completes ``TRANSFER_TIME`` after it was asked for. ``GET /whois/<name>`` answers what a WHOIS
look-up would show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from core.clock import add_months, utcnow
from plugin_kit.simulators import Answer, Refusal, VendorSimulator, json_body, required
from plugins.hosting.registrar import GRACE_PERIOD, REDEMPTION_PERIOD

TRANSFER_TIME = timedelta(minutes=5)
DEFAULT_NAMESERVERS = ("ns1.registrar.example", "ns2.registrar.example")
MAX_YEARS = 10


@dataclass
class _Domain:
    name: str
    expires_at: datetime
    registrant: dict[str, str]
    technical: dict[str, str]
    nameservers: list[str]
    #: While a transfer in is under way: when the other registrar lets go.
    transfer_completes_at: datetime | None = None

    def status(self, now: datetime) -> str:
        if self.transfer_completes_at is not None and now < self.transfer_completes_at:
            return "pending_transfer"
        if now < self.expires_at:
            return "active"
        if now < self.expires_at + GRACE_PERIOD:
            return "expired"
        if now < self.expires_at + GRACE_PERIOD + REDEMPTION_PERIOD:
            return "redemption"
        return "released"


class RegistrarSimulator(VendorSimulator):
    kept = ("domains", "elsewhere")
    vendor = "registrar"
    routes = (
        Rule("/domains", endpoint="register", methods=["POST"]),
        Rule("/domains/<name>", endpoint="info", methods=["GET"]),
        Rule("/domains/<name>/availability", endpoint="availability", methods=["GET"]),
        Rule("/domains/<name>/renew", endpoint="renew", methods=["POST"]),
        Rule("/domains/<name>/transfer", endpoint="transfer", methods=["POST"]),
        Rule("/domains/<name>/nameservers", endpoint="nameservers", methods=["PUT"]),
        Rule("/whois/<name>", endpoint="whois", methods=["GET"]),
        Rule("/_simulator/registered-elsewhere", endpoint="registered_elsewhere", methods=["POST"]),
    )

    def __init__(self) -> None:
        super().__init__()
        self.domains: dict[str, _Domain] = {}
        #: Names held at other registrars, with the auth code that releases each.
        self.elsewhere: dict[str, str] = {}

    def availability(self, request: Request, name: str) -> Answer:
        return 200, {"name": name, "available": self._held(name) is None and name not in self.elsewhere}

    def register(self, request: Request) -> Answer:
        body = json_body(request)
        name, registrant, technical = required(body, "name", "registrant", "technical")
        years, nameservers = self._years(body), self._nameservers(body)
        if self._held(name) is not None or name in self.elsewhere:
            raise Refusal(409, "unavailable", f"{name} is registered already.")
        self.domains[name] = _Domain(name, add_months(utcnow(), 12 * years), registrant, technical, nameservers)
        return 201, self._dump(name)

    def renew(self, request: Request, name: str) -> Answer:
        body = json_body(request)
        domain = self._found(name)
        if domain.status(utcnow()) == "pending_transfer":
            raise Refusal(409, "pending_transfer", f"{name} is being transferred: renew it once that is done.")
        domain.expires_at = add_months(domain.expires_at, 12 * self._years(body))
        return 200, self._dump(name)

    def transfer(self, request: Request, name: str) -> Answer:
        body = json_body(request)
        auth_code, registrant, technical = required(body, "auth_code", "registrant", "technical")
        nameservers = self._nameservers(body)
        if name not in self.elsewhere:
            raise Refusal(409, "not_transferable", f"{name} is not held at another registrar.")
        if auth_code != self.elsewhere[name]:
            raise Refusal(422, "auth_code", f"The auth code for {name} is not right.")
        del self.elsewhere[name]
        now = utcnow()
        # A transfer adds a year to what was left, as registries do.
        self.domains[name] = _Domain(name, add_months(now, 12), registrant, technical, nameservers,
                                     transfer_completes_at=now + TRANSFER_TIME)
        return 202, self._dump(name)

    def info(self, request: Request, name: str) -> Answer:
        self._found(name)
        return 200, self._dump(name)

    def nameservers(self, request: Request, name: str) -> Answer:
        body = json_body(request)
        required(body, "nameservers")
        self._found(name).nameservers = self._nameservers(body)
        return 200, self._dump(name)

    def whois(self, request: Request, name: str) -> Answer:
        domain = self._found(name)
        return 200, {"name": name, "registrar": "Simulated Registrar", "status": domain.status(utcnow()),
                     "expires_at": domain.expires_at.isoformat(), "registrant": {"name": domain.registrant["name"]},
                     "technical": {"name": domain.technical["name"]}, "nameservers": domain.nameservers}

    def registered_elsewhere(self, request: Request) -> Answer:
        name, auth_code = required(json_body(request), "name", "auth_code")
        self.elsewhere[name] = auth_code
        return 200, {"name": name}

    def _held(self, name: str) -> _Domain | None:
        """The name if this registrar holds it (a released name is free again)."""
        domain = self.domains.get(name)
        if domain is not None and domain.status(utcnow()) == "released":
            del self.domains[name]
            return None
        return domain

    def _found(self, name: str) -> _Domain:
        domain = self._held(name)
        if domain is None:
            raise Refusal(404, "no_domain", f"{name} is not registered here.")
        return domain

    def _nameservers(self, body: dict[str, Any]) -> list[str]:
        """The body's ``nameservers``, 2 to 13 of them; the registrar's own when it names none."""
        nameservers = body.get("nameservers", list(DEFAULT_NAMESERVERS))
        if not isinstance(nameservers, list) or not 2 <= len(nameservers) <= 13:
            raise Refusal(422, "invalid", "Give between 2 and 13 nameservers.")
        return [str(server) for server in nameservers]

    def _years(self, body: dict[str, Any]) -> int:
        years = body.get("years", 1)
        if not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
            raise Refusal(422, "invalid", f"years is a whole number from 1 to {MAX_YEARS}.")
        return years

    def _dump(self, name: str) -> dict[str, Any]:
        domain = self.domains[name]
        return {"name": name, "status": domain.status(utcnow()), "expires_at": domain.expires_at.isoformat(),
                "registrant": domain.registrant, "technical": domain.technical, "nameservers": domain.nameservers}
