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


def test_paths_follow_the_tree(db, make_account):
    distributor = make_account(AccountKind.DISTRIBUTOR)
    reseller = make_account(AccountKind.RESELLER, parent=distributor)
    customer = make_account(AccountKind.CUSTOMER, parent=reseller)
    assert customer.path == f"/{distributor.id}/{reseller.id}/{customer.id}/"


def test_an_account_outside_the_viewers_subtree_is_not_found(db, demo):
    from core.errors import NotFoundError
    from core.services.accounts import get_account

    assert get_account(db, demo["bright"], demo["harbour"].id) is demo["harbour"]
    assert get_account(db, demo["bright"], demo["bright"].id) is demo["bright"]
    for other in ("corner", "northwind", "solo"):
        with pytest.raises(NotFoundError):
            get_account(db, demo["bright"], demo[other].id)


def test_listing_searches_filters_and_pages_within_the_subtree(db, demo, make_account):
    from core.services.accounts import list_accounts

    assert [a.slug for a in list_accounts(db, demo["bright"])] == ["harbour", "maple"]
    assert [a.slug for a in list_accounts(db, demo["northwind"], kind=AccountKind.RESELLER)] == ["bright", "corner"]
    assert [a.slug for a in list_accounts(db, demo["northwind"], search="MAPLE-bak")] == ["maple"]
    assert list_accounts(db, demo["corner"], search="maple") == []
    for n in range(7):
        make_account(AccountKind.CUSTOMER, parent=demo["corner"], name=f"Shop {n}")
    first = list_accounts(db, demo["corner"], limit=5)
    rest = list_accounts(db, demo["corner"], after_id=first[-1].id, limit=5)
    assert len(first) == 5 and len(rest) == 2
    assert not {a.id for a in first} & {a.id for a in rest}


def test_a_search_for_like_wildcards_matches_them_literally(db, demo):
    from core.services.accounts import list_accounts

    assert list_accounts(db, demo["northwind"], search="%") == []
