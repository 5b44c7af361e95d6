"""Domain names as people type them, checked as IDNA2008 and turned into the ASCII form DNS uses.

``bücher.de`` becomes ``xn--bcher-kva.de``; that form is what Cascade stores (an account's primary
domain, a shop's own domain, a website or a registration a plugin orders), and ``to_unicode``
gives the name back as people write it. Names are mapped as browsers map them (UTS #46,
non-transitional: ``BÜCHER。de`` is ``bücher.de`` and ``ß`` stays ``ß``), then each label must be
IDNA2008: an emoji or a symbol is no part of a domain name, in either form (``💩.la`` and
``xn--ls8h.la`` alike). The labels follow the host name rules (RFC 1035, RFC 5891): 1 to 63
letters, digits or hyphens in ASCII form, no hyphen first or last, ``--`` in third and fourth
place only for an ``xn--`` label, an extension of letters only, and the whole name at most 253
characters.
"""

from __future__ import annotations

import re

import idna

from core.languages import quoted, say

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
        raise DomainNameError(say("Give a domain name, such as example.com."))
    if _NOT_A_NAME.search(name):
        raise DomainNameError(say("Give the name alone, such as example.com: %(value)s is more than a name.",
                                   value=quoted(value.strip())))
    try:
        name = idna.uts46_remap(name, std3_rules=False, transitional=False).removesuffix(".")
    except idna.IDNAError:
        raise DomainNameError(say("%(name)s cannot be written as an internationalised name (IDNA2008).", name=name)) from None
    labels = [_label(label) for label in name.split(".")]
    if len(labels) < 2:
        raise DomainNameError(say("%(name)s has no extension: give the whole name, such as %(name)s.com.", name=name))
    if not (labels[-1].isalpha() or labels[-1].startswith("xn--")):
        raise DomainNameError(say("%(label)s is not an extension: an extension has letters only, such as .com.",
                                   label=labels[-1]))
    ascii_name = ".".join(labels)
    if len(ascii_name) > MAX_NAME_LENGTH:
        raise DomainNameError(say("A domain name has at most %(most)s characters (in IDNA form); this one has %(count)s.",
                                   most=MAX_NAME_LENGTH, count=len(ascii_name)))
    return ascii_name


def to_unicode(name: str) -> str:
    """The name as people write it: ``xn--bcher-kva.de`` is ``bücher.de``."""
    return ".".join(_unicode_label(label) for label in name.split("."))


def _unicode_label(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        return idna.ulabel(label)
    except idna.IDNAError:
        return label  # stored before IDNA2008 was checked: shown as it is kept


def _label(label: str) -> str:
    if not label:
        raise DomainNameError(say("A domain name cannot have two dots in a row, or start with a dot."))
    if label.isascii():
        ascii_label = label.lower()
        if ascii_label.startswith("xn--"):
            try:
                idna.ulabel(ascii_label)
            except idna.IDNAError:
                raise DomainNameError(say("%(label)s is not a valid internationalised (xn--) label.", label=label)) from None
    else:
        try:
            ascii_label = idna.alabel(label).decode("ascii")
        except idna.IDNAError:
            raise DomainNameError(say("%(label)s cannot be written as an internationalised name (IDNA2008): use letters, "
                                      "digits and hyphens, no symbols or emoji.", label=label)) from None
    if len(ascii_label) > MAX_LABEL_LENGTH:
        raise DomainNameError(say("%(label)s is longer than %(most)s characters (in IDNA form): each part between dots must "
                                  "be shorter.", label=label, most=MAX_LABEL_LENGTH))
    if not _LABEL.match(ascii_label):
        raise DomainNameError(say("%(label)s may hold only letters, digits and hyphens.", label=label))
    if ascii_label.startswith("-") or ascii_label.endswith("-"):
        raise DomainNameError(say("%(label)s cannot start or end with a hyphen.", label=label))
    if ascii_label[2:4] == "--" and not ascii_label.startswith("xn--"):
        raise DomainNameError(say("%(label)s cannot have two hyphens in third and fourth place.", label=label))
    return ascii_label
