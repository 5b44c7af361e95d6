"""The domain an account is keyed by: one the customer owns, checked and kept in its IDNA2008 ASCII form."""

import pytest

from plugins.email_security.domain_names import DomainNameError, registrable, to_unicode


@pytest.mark.parametrize(("typed", "kept"), [
    ("Example.COM.", "example.com"),
    ("bücher.de", "xn--bcher-kva.de"),
    ("BÜCHER。de", "xn--bcher-kva.de"),  # mapped as browsers map it
    ("Straße.de", "xn--strae-oqa.de"),  # IDNA2008 keeps the ß (IDNA2003 made it "strasse.de")
    ("maple-bakery.co.uk", "maple-bakery.co.uk"),
])
def test_a_domain_is_kept_in_its_ascii_form_and_shown_as_typed(typed, kept):
    assert registrable(typed) == kept
    assert to_unicode(kept) == typed.lower().replace("。", ".").removesuffix(".")


@pytest.mark.parametrize(("typed", "problem"), [
    ("www.example.com", "www.example.com is a name under example.com: give the domain itself, example.com."),
    ("shop.maple.co.uk", "shop.maple.co.uk is a name under maple.co.uk: give the domain itself, maple.co.uk."),
    ("co.uk", "co.uk is an extension, not a domain: give the whole name, such as example.co.uk."),
    ("example", "example has no extension: give the whole name, such as example.com."),
    ("https://example.com", "Give the name alone, such as example.com: 'https://example.com' is more than a name."),
    ("💩.la", "💩 cannot be written as an internationalised name (IDNA2008): use letters, digits and hyphens, "
              "no symbols or emoji."),
    ("xn--ls8h.la", "xn--ls8h is not a valid internationalised (xn--) label."),
    ("-maple.com", "-maple cannot start or end with a hyphen."),
    ("ma--ple.com", "ma--ple cannot have two hyphens in third and fourth place."),
    ("maple.123", "123 is not an extension: an extension has letters only, such as .com."),
])
def test_what_is_not_a_domain_of_ones_own_is_refused_saying_why(typed, problem):
    with pytest.raises(DomainNameError) as refused:
        registrable(typed)
    assert str(refused.value) == problem
