"""The names the hosting plugin registers: a domain name under one of the extensions on sale.

Names are checked and kept in their ASCII (IDNA2008) form by ``core.domain_names``.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.domain_names import DomainNameError, to_ascii, to_unicode


def registrable(value: str, tld: str, tlds: Iterable[str]) -> str:
    """Check ``value`` as a name to register under ``tld`` (one of ``tlds``); return its ASCII form."""
    name = to_ascii(value)
    offered = sorted(tlds, key=len, reverse=True)
    found = next((other for other in offered if name.endswith(f".{other}")), None)
    if found is None:
        listed = ", ".join(f".{other}" for other in sorted(offered))
        raise DomainNameError(f"{to_unicode(name)} is not under an extension registered here: choose one of {listed}.")
    if found != tld:
        raise DomainNameError(f"{to_unicode(name)} is a .{found} name: order it on the .{found} plan.")
    if name.count(".") != tld.count(".") + 1:
        under = name.split(".", name.count(".") - tld.count(".") - 1)[-1]
        raise DomainNameError(f"{to_unicode(name)} is a name under {to_unicode(under)}: register {to_unicode(under)} itself.")
    return name
