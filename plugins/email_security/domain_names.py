"""Domain names as customers type them: checked, registrable, and kept in their ASCII (IDNA) form.

An email security account is keyed by a domain a customer owns: ``example.com``, never a name
under one (``www.example.com``). ``bücher.de`` is kept as ``xn--bcher-kva.de``, what DNS and the
vendor use, and shown back as people write it (``to_unicode``). Labels follow the host name rules
(RFC 1035, RFC 5891): 1 to 63 letters, digits or hyphens in ASCII form, no hyphen first or last,
``--`` in third and fourth place only for an ``xn--`` label; the whole name at most 253 characters.
Internationalised labels are converted by the ``idna`` package (IDNA 2008, UTS 46) when it is
installed, else by the standard library's IDNA 2003 codec.
"""

from __future__ import annotations

import re
from encodings import idna as idna2003

try:
    import idna as idna2008
except ImportError:  # pragma: no cover - the platform installs it, a bare environment may not
    idna2008 = None

MAX_NAME_LENGTH = 253
MAX_LABEL_LENGTH = 63

_LABEL = re.compile(r"^[a-z0-9-]+$")
_NOT_A_NAME = re.compile(r"[\s/:@\\?#,;]")
#: Public suffixes of two labels: a name registered under one has three (``example.co.uk``).
SECOND_LEVEL_SUFFIXES = frozenset({
    "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "ac.uk", "gov.uk",
    "com.au", "net.au", "org.au", "co.nz", "org.nz", "co.za", "co.jp", "or.jp", "ne.jp",
    "com.br", "com.mx", "com.ar", "com.tr", "co.in", "co.il", "com.sg", "com.hk", "com.cn",
})


class DomainNameError(ValueError):
    """The text is not a domain a customer could own; the message says why, for the person who typed it."""


def registrable(value: str) -> str:
    """Check ``value`` as a domain of its own (``example.com``, ``bücher.de``); return its ASCII form."""
    name = to_ascii(value)
    labels = name.split(".")
    suffix_labels = 2 if ".".join(labels[-2:]) in SECOND_LEVEL_SUFFIXES else 1
    if len(labels) <= suffix_labels:
        raise DomainNameError(f"{to_unicode(name)} is an extension, not a domain: give the whole name, "
                              f"such as example.{to_unicode(name)}.")
    if len(labels) > suffix_labels + 1:
        own = ".".join(labels[-(suffix_labels + 1):])
        raise DomainNameError(f"{to_unicode(name)} is a name under {to_unicode(own)}: give the domain itself, "
                              f"{to_unicode(own)}.")
    return name


def to_ascii(value: str) -> str:
    """Check ``value`` as a host name and return its lower-case ASCII form."""
    name = value.strip().removesuffix(".")
    if not name:
        raise DomainNameError("Give a domain name, such as example.com.")
    if _NOT_A_NAME.search(name):
        raise DomainNameError(f"Give the name alone, such as example.com: {value.strip()[:80]!r} is more than a name.")
    if idna2008 is not None:  # mapped as browsers map it: "BÜCHER。de" is "bücher.de", and "ß" stays "ß"
        try:
            name = idna2008.uts46_remap(name, std3_rules=False, transitional=False).removesuffix(".")
        except (UnicodeError, ValueError):
            raise DomainNameError(f"{name[:80]} cannot be written as an internationalised name (IDNA).") from None
    labels = [_label(label) for label in name.split(".")]
    if len(labels) < 2:
        raise DomainNameError(f"{name[:80]} has no extension: give the whole name, such as {name[:60]}.com.")
    top = labels[-1]
    if not (top.isalpha() or top.startswith("xn--")):
        raise DomainNameError(f"{top} is not an extension: an extension has letters only, such as .com.")
    ascii_name = ".".join(labels)
    if len(ascii_name) > MAX_NAME_LENGTH:
        raise DomainNameError(f"A domain name has at most {MAX_NAME_LENGTH} characters (in IDNA form); this one has "
                              f"{len(ascii_name)}.")
    return ascii_name


def to_unicode(name: str) -> str:
    """The name as people write it: ``xn--bcher-kva.de`` is ``bücher.de``."""
    return ".".join(_unicode_label(label) if label.startswith("xn--") else label for label in name.split("."))


def _unicode_label(label: str) -> str:
    try:
        if idna2008 is not None:
            return idna2008.decode(label)
        return idna2003.ToUnicode(label)
    except (UnicodeError, ValueError):
        return label


def _label(label: str) -> str:
    if not label:
        raise DomainNameError("A domain name cannot have two dots in a row, or start with a dot.")
    shown = label[:70]
    if label.isascii():
        ascii_label = label.lower()
        if ascii_label.startswith("xn--") and _unicode_label(ascii_label) == ascii_label:
            raise DomainNameError(f"{shown} is not a valid internationalised (xn--) label.")
    else:
        try:
            ascii_label = (idna2008.alabel(label).decode("ascii") if idna2008 is not None
                           else idna2003.ToASCII(label).decode("ascii")).lower()
        except (UnicodeError, ValueError):
            raise DomainNameError(f"{shown} cannot be written as an internationalised name (IDNA).") from None
    if len(ascii_label) > MAX_LABEL_LENGTH:
        raise DomainNameError(f"{shown} is longer than {MAX_LABEL_LENGTH} characters (in IDNA form): each part between "
                              "dots must be shorter.")
    if not _LABEL.match(ascii_label):
        raise DomainNameError(f"{shown} may hold only letters, digits and hyphens.")
    if ascii_label.startswith("-") or ascii_label.endswith("-"):
        raise DomainNameError(f"{shown} cannot start or end with a hyphen.")
    if ascii_label[2:4] == "--" and not ascii_label.startswith("xn--"):
        raise DomainNameError(f"{shown} cannot have two hyphens in third and fourth place.")
    return ascii_label
