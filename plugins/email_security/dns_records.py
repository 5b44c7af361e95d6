"""The DNS records a protected domain publishes, and what a look-up of them says about it.

For mail to reach the email security service first, a domain's MX records name the service's
mail hosts, and only them (another MX host lets mail go round the filtering); for mail sent
through the service to pass, its SPF record (one TXT record starting ``v=spf1``) includes the
service. ``classify`` turns what the DNS answered into the domain's standing, with the reason;
``look_up`` asks a DNS server (the platform's ``CASCADE_DNS_RESOLVER``, else the system's) and
must be called with no database transaction open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from core.dns import mx_hosts, txt_records
from plugins.email_security.connector import MxRecord
from plugins.email_security.models import DnsStatus


class Reason(StrEnum):
    """Why a check came to its status."""

    NO_MX = "no_mx"
    MX_ELSEWHERE = "mx_elsewhere"
    MX_MIXED = "mx_mixed"
    NO_SPF = "no_spf"
    SPF_TWICE = "spf_twice"
    SPF_WITHOUT_SERVICE = "spf_without_service"
    OK = "ok"


@dataclass(frozen=True)
class Records:
    """What the DNS holds for one domain: its MX hosts and its TXT texts."""

    mx_hosts: tuple[str, ...]
    txt: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    status: DnsStatus
    reason: Reason
    #: The hosts receiving the domain's mail besides the service.
    other_hosts: tuple[str, ...] = ()


#: Asks the DNS about a domain; raises ``core.dns.LookupFailedError`` when the DNS cannot be asked.
Lookup = Callable[[str], Records]


def spf_record(spf_include: str) -> str:
    """The SPF record a protected domain publishes (as its TXT record)."""
    return f"v=spf1 include:{spf_include} ~all"


def classify(records: Records, mx_records: Sequence[MxRecord], spf_include: str) -> Finding:
    """Where a domain stands, from its records and the service's MX hosts and SPF include."""
    service_hosts = {record.host.lower() for record in mx_records}
    hosts = {host.lower().rstrip(".") for host in records.mx_hosts}
    others = tuple(sorted(hosts - service_hosts))
    if not hosts:
        return Finding(DnsStatus.PENDING, Reason.NO_MX)
    if not hosts & service_hosts:
        return Finding(DnsStatus.PENDING, Reason.MX_ELSEWHERE, others)
    if others:
        return Finding(DnsStatus.MISCONFIGURED, Reason.MX_MIXED, others)
    spf = [text for text in records.txt if text.strip().lower().startswith("v=spf1")]
    if not spf:
        return Finding(DnsStatus.MISCONFIGURED, Reason.NO_SPF)
    if len(spf) > 1:
        return Finding(DnsStatus.MISCONFIGURED, Reason.SPF_TWICE)
    if f"include:{spf_include.lower()}" not in spf[0].lower().split():
        return Finding(DnsStatus.MISCONFIGURED, Reason.SPF_WITHOUT_SERVICE)
    return Finding(DnsStatus.PROTECTED, Reason.OK)


def look_up(resolver_address: str = "") -> Lookup:
    """A lookup asking the DNS server at ``resolver_address`` (``ip[:port]``), or the system's."""

    def records(name: str) -> Records:
        return Records(mx_hosts=tuple(mx_hosts(name, resolver_address)), txt=tuple(txt_records(name, resolver_address)))

    return records

