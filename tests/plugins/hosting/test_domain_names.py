"""Domain names as people type them: IDNA form, label and length rules, the extensions on sale."""

import pytest

from plugins.hosting.domain_names import DomainNameError, registrable, to_ascii, to_unicode

TLDS = ("com", "net", "co.uk")


@pytest.mark.parametrize(("typed", "stored"), [
    ("Example.COM", "example.com"),
    ("  shop.example.com. ", "shop.example.com"),
    ("bücher.de", "xn--bcher-kva.de"),
    ("xn--bcher-kva.de", "xn--bcher-kva.de"),
    ("straße.com", "strasse.com"),  # IDNA 2003 maps the sharp s
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
])
def test_what_is_not_a_name_is_refused_with_the_reason(typed, because):
    with pytest.raises(DomainNameError, match=because):
        to_ascii(typed)


def test_a_name_is_registered_under_its_own_plan_and_nowhere_else():
    assert registrable("shop.co.uk", "co.uk", TLDS) == "shop.co.uk"
    with pytest.raises(DomainNameError, match="is a .net name: order it on the .net plan"):
        registrable("shop.net", "com", TLDS)
    with pytest.raises(DomainNameError, match="choose one of .co.uk, .com, .net"):
        registrable("shop.xyz", "com", TLDS)


def test_only_a_registrable_name_is_registered_not_one_under_it():
    with pytest.raises(DomainNameError, match="a name under example.com: register example.com itself"):
        registrable("www.example.com", "com", TLDS)
    with pytest.raises(DomainNameError, match="register shop.co.uk itself"):
        registrable("www.shop.co.uk", "co.uk", TLDS)
