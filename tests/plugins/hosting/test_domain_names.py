"""The names the hosting plugin registers: under the extensions on sale, and nothing under them."""

import pytest

from core.domain_names import DomainNameError
from plugins.hosting.domain_names import registrable

TLDS = ("com", "net", "co.uk")


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
