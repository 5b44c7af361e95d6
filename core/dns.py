"""DNS look-ups the platform makes: TXT records (a seller proving it owns its custom domain) and MX
records (where a domain's mail goes, for the plugins that protect it)."""

from __future__ import annotations

import ipaddress
from typing import Any

import dns.exception
import dns.resolver

#: How long one look-up may take, retries included.
LIFETIME_SECONDS = 5.0


class LookupFailedError(Exception):
    """The DNS could not be asked (timeout, no server): it says nothing about the record itself."""


def nameserver(address: str) -> tuple[str, int]:
    """``host[:port]`` (an IP address; IPv6 in brackets with a port) as ``(ip, port)``; ``ValueError`` naming the fault."""
    host, port = address, "53"
    if address.startswith("["):
        host, _, rest = address[1:].partition("]")
        port = rest.removeprefix(":") or "53"
    elif address.count(":") == 1:
        host, port = address.split(":")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"{address!r}: give the DNS server as an IP address, with :port if not 53") from None
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{address!r}: the port must be a number from 1 to 65535")
    return host, int(port)


def txt_records(name: str, resolver_address: str = "") -> list[str]:
    """The texts of ``name``'s TXT records (none when the name or the record does not exist)."""
    return [b"".join(record.strings).decode("utf-8", "replace") for record in _answer(name, "TXT", resolver_address)]


def mx_hosts(name: str, resolver_address: str = "") -> list[str]:
    """The hosts of ``name``'s MX records, by preference (none when the name or the record does not exist)."""
    found = sorted(_answer(name, "MX", resolver_address), key=lambda record: record.preference)
    return [record.exchange.to_text().rstrip(".").lower() for record in found]


def _answer(name: str, record_type: str, resolver_address: str) -> list[Any]:
    """``name``'s records of ``record_type``, asking the server at ``resolver_address`` (``ip[:port]``)
    or the system's; ``LookupFailedError`` when the DNS could not be asked."""
    resolver = dns.resolver.Resolver(configure=not resolver_address)
    if resolver_address:
        host, port = nameserver(resolver_address)
        resolver.nameservers, resolver.port = [host], port
    resolver.lifetime = LIFETIME_SECONDS
    try:
        return list(resolver.resolve(name, record_type))
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.Timeout, dns.resolver.NoNameservers) as error:
        raise LookupFailedError(str(error)) from error
