"""The domain an email security account is keyed by: one a customer owns, in its ASCII (IDNA2008) form.

``example.com`` or ``bücher.de`` (kept as ``xn--bcher-kva.de``), never a name under one
(``www.example.com``) nor an extension alone. Names are checked and converted by
``core.domain_names``; what this adds is the rule of a domain of one's own.
"""

from __future__ import annotations

from core.domain_names import DomainNameError, to_ascii, to_unicode
from plugins.email_security.texts import said

__all__ = ["DomainNameError", "registrable", "to_ascii", "to_unicode"]

#: Public suffixes of two labels: a name registered under one has three (``example.co.uk``).
SECOND_LEVEL_SUFFIXES = frozenset({
    "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "ac.uk", "gov.uk",
    "com.au", "net.au", "org.au", "co.nz", "org.nz", "co.za", "co.jp", "or.jp", "ne.jp",
    "com.br", "com.mx", "com.ar", "com.tr", "co.in", "co.il", "com.sg", "com.hk", "com.cn",
})


def registrable(value: str) -> str:
    """Check ``value`` as a domain of its own (``example.com``, ``bücher.de``); return its ASCII form."""
    name = to_ascii(value)
    labels = name.split(".")
    suffix_labels = 2 if ".".join(labels[-2:]) in SECOND_LEVEL_SUFFIXES else 1
    if len(labels) <= suffix_labels:
        raise DomainNameError(said("%(name)s is an extension, not a domain: give the whole name, "
                                  "such as example.%(name)s.", name=to_unicode(name)))
    if len(labels) > suffix_labels + 1:
        own = ".".join(labels[-(suffix_labels + 1):])
        raise DomainNameError(said("%(name)s is a name under %(domain)s: give the domain itself, %(domain)s.",
                                  name=to_unicode(name), domain=to_unicode(own)))
    return name
