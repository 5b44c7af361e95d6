"""Domain names as people type them: IDNA2008, label and length rules."""

import pytest

from core.domain_names import DomainNameError, to_ascii, to_unicode


@pytest.mark.parametrize(("typed", "stored"), [
    ("Example.COM", "example.com"),
    ("  shop.example.com. ", "shop.example.com"),
    ("bücher.de", "xn--bcher-kva.de"),
    ("xn--bcher-kva.de", "xn--bcher-kva.de"),
    ("straße.com", "xn--strae-oqa.com"),  # IDNA2008 keeps the sharp s (IDNA 2003 made it "ss")
    ("BÜCHER。de", "xn--bcher-kva.de"),  # mapped as browsers map it (UTS #46)
])
def test_names_are_kept_in_their_lower_case_ascii_form(typed, stored):
    assert to_ascii(typed) == stored


def test_an_internationalised_name_reads_as_it_was_written():
    assert to_unicode(to_ascii("Bücher.de")) == "bücher.de"


@pytest.mark.parametrize(("typed", "because"), [
    ("", "Give a domain name"),
    ("https://example.com/", "more than a name"),
    ("me@example.com", "more than a name"),
    ("example", "has no extension"),
    ("a..com", "two dots in a row"),
    ("-shop.com", "cannot start or end with a hyphen"),
    ("shop-.com", "cannot start or end with a hyphen"),
    ("ab--cd.com", "third and fourth place"),
    ("shop_online.com", "only letters, digits and hyphens"),
    ("xn--abc-.com", "not a valid internationalised"),
    (f"{'a' * 64}.com", "longer than 63 characters"),
    (".".join(["a" * 60] * 5), "at most 253 characters"),
    ("💩.la", "IDNA2008"),
    ("xn--ls8h.la", "not a valid internationalised"),  # the same emoji, in its xn-- form
    ("☃.example", "no symbols or emoji"),
])
def test_what_is_not_a_name_is_refused_with_the_reason(typed, because):
    with pytest.raises(DomainNameError, match=because):
        to_ascii(typed)
