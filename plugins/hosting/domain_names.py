"""Domain names as people type them, checked and turned into the ASCII (IDNA) form registries use.

``bücher.de`` becomes ``xn--bcher-kva.de``; that form is what Cascade stores and sends to the
panel and the registrar, and ``to_unicode`` gives the name back as people write it. The labels
follow the host name rules (RFC 1035, RFC 5891): 1 to 63 letters, digits or hyphens in ASCII
form, no hyphen first or last, ``--`` in third and fourth place only for an ``xn--`` label, and
the whole name at most 253 characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from encodings import idna

MAX_NAME_LENGTH = 253
MAX_LABEL_LENGTH = 63

_LABEL = re.compile(r"^[a-z0-9-]+$")
_NOT_A_NAME = re.compile(r"[\s/:@\\?#]")


class DomainNameError(ValueError):
    """The text is not a domain name; the message says why, in words for the person who typed it."""


def to_ascii(value: str) -> str:
    """Check ``value`` as a host name (``www.example.com``) and return its lower-case ASCII form."""
    name = value.strip().removesuffix(".")
    if not name:
        raise DomainNameError("Give a domain name, such as example.com.")
    if _NOT_A_NAME.search(name):
        raise DomainNameError(f"Give the name alone, such as example.com: {value.strip()!r} is more than a name.")
    labels = [_label(label) for label in name.split(".")]
    if len(labels) < 2:
        raise DomainNameError(f"{name} has no extension: give the whole name, such as {name}.com.")
    ascii_name = ".".join(labels)
    if len(ascii_name) > MAX_NAME_LENGTH:
        raise DomainNameError(f"A domain name has at most {MAX_NAME_LENGTH} characters (in IDNA form); this one has "
                              f"{len(ascii_name)}.")
    return ascii_name


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


def to_unicode(name: str) -> str:
    """The name as people write it: ``xn--bcher-kva.de`` is ``bücher.de``."""
    return ".".join(idna.ToUnicode(label) if label.startswith("xn--") else label for label in name.split("."))


def _label(label: str) -> str:
    if not label:
        raise DomainNameError("A domain name cannot have two dots in a row, or start with a dot.")
    if label.isascii():
        ascii_label = label.lower()
        if ascii_label.startswith("xn--"):
            try:
                idna.ToUnicode(ascii_label)
            except UnicodeError:
                raise DomainNameError(f"{label} is not a valid internationalised (xn--) label.") from None
    else:
        try:
            ascii_label = idna.ToASCII(label).decode("ascii").lower()
        except UnicodeError:
            raise DomainNameError(f"{label} cannot be written as an internationalised name (IDNA).") from None
    if len(ascii_label) > MAX_LABEL_LENGTH:
        raise DomainNameError(f"{label} is longer than {MAX_LABEL_LENGTH} characters (in IDNA form): each part between "
                              "dots must be shorter.")
    if not _LABEL.match(ascii_label):
        raise DomainNameError(f"{label} may hold only letters, digits and hyphens.")
    if ascii_label.startswith("-") or ascii_label.endswith("-"):
        raise DomainNameError(f"{label} cannot start or end with a hyphen.")
    if ascii_label[2:4] == "--" and not ascii_label.startswith("xn--"):
        raise DomainNameError(f"{label} cannot have two hyphens in third and fourth place.")
    return ascii_label
