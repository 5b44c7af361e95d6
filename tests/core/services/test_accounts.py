import pytest

from core.errors import ValidationError
from core.models.accounts import AccountKind
from core.services.accounts import create_account


def test_a_tree_of_distributor_reseller_customer(db, make_account):
    distributor = make_account(AccountKind.DISTRIBUTOR, tier="diamond", addons=["b", "a", "a"])
    reseller = make_account(AccountKind.RESELLER, parent=distributor)
    customer = make_account(AccountKind.CUSTOMER, parent=reseller, primary_domain="Example.COM")
    assert customer.parent is reseller and reseller.parent is distributor
    assert distributor.children == [reseller]
    assert distributor.addons == ["a", "b"]
    assert customer.primary_domain == "example.com"


@pytest.mark.parametrize(
    ("kind", "parent_kind", "field"),
    [
        (AccountKind.DISTRIBUTOR, AccountKind.DISTRIBUTOR, "parent_id"),
        (AccountKind.RESELLER, AccountKind.RESELLER, "parent_id"),
        (AccountKind.CUSTOMER, AccountKind.CUSTOMER, "parent_id"),
    ],
)
def test_accounts_only_go_where_the_tree_allows(db, make_account, kind, parent_kind, field):
    parent = make_account(parent_kind)
    with pytest.raises(ValidationError) as caught:
        create_account(db, kind=kind, name="X", slug="x-misplaced", parent=parent, reselling_enabled=True)
    assert field in caught.value.fields


def test_only_reselling_accounts_are_resellers(db, make_account):
    with pytest.raises(ValidationError) as caught:
        make_account(AccountKind.RESELLER, reselling_enabled=False)
    assert list(caught.value.fields) == ["reselling_enabled"]


def test_slugs_and_domains_are_unique_across_the_platform(db, make_account):
    make_account(slug="taken", primary_domain="taken.example")
    with pytest.raises(ValidationError) as caught:
        make_account(slug="Taken", primary_domain="TAKEN.example")
    assert "'taken' is already taken" in caught.value.fields["slug"][0]
    assert "taken.example" in caught.value.fields["primary_domain"][0]


@pytest.mark.parametrize(("field", "value"), [("slug", "-bad"), ("slug", "has space"), ("primary_domain", "nodot"), ("name", "  ")])
def test_malformed_values_name_their_field(db, make_account, field, value):
    with pytest.raises(ValidationError) as caught:
        make_account(**{field: value})
    assert field in caught.value.fields
