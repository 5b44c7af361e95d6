"""DNS look-ups the platform makes: the TXT records that prove a seller owns its custom domain."""

from __future__ import annotations

import ipaddress

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
    resolver = dns.resolver.Resolver(configure=not resolver_address)
    if resolver_address:
        host, port = nameserver(resolver_address)
        resolver.nameservers, resolver.port = [host], port
    resolver.lifetime = LIFETIME_SECONDS
    try:
        answer = resolver.resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.Timeout, dns.resolver.NoNameservers) as error:
        raise LookupFailedError(str(error)) from error
    return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]
