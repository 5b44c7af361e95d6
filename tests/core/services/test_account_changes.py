import pytest

from core.errors import ConflictError, NotFoundError, ValidationError
from core.models.accounts import AccountKind
from core.services.account_changes import create_account_below, update_account


@pytest.fixture
def admin(db, demo):
    from sqlalchemy import select

    from core.models.people import User

    return db.scalar(select(User).where(User.email == "admin@northwind.example"))


@pytest.mark.parametrize(("viewer", "account", "parent"), [("northwind", "solo", "bright"), ("bright", "harbour", "corner")])
def test_an_accounts_seller_changes_by_a_transfer_only(db, demo, admin, viewer, account, parent):
    before = (demo[account].parent_id, demo[account].path)
    with pytest.raises(ValidationError) as caught:
        update_account(db, viewer=demo[viewer], account_id=demo[account].id, by=admin,
                       changes={"parent_id": demo[parent].id, "name": "Renamed"})
    assert list(caught.value.fields) == ["parent_id"] and "transfer" in caught.value.fields["parent_id"][0]
    assert (demo[account].parent_id, demo[account].path, demo[account].name != "Renamed") == (*before, True)


def test_changes_outside_the_subtree_are_not_found(db, demo, admin):
    with pytest.raises(NotFoundError):
        update_account(db, viewer=demo["bright"], account_id=demo["maple"].id + 1000, by=admin, changes={})
    with pytest.raises(NotFoundError):
        update_account(db, viewer=demo["bright"], account_id=demo["corner"].id, by=admin, changes={"name": "X"})


def test_a_reseller_keeps_reselling_and_unknown_fields_are_refused(db, demo, admin):
    with pytest.raises(ConflictError):
        update_account(db, viewer=demo["northwind"], account_id=demo["bright"].id, by=admin,
                       changes={"reselling_enabled": False})
    with pytest.raises(ValidationError) as caught:
        update_account(db, viewer=demo["northwind"], account_id=demo["bright"].id, by=admin,
                       changes={"slug": "new", "name": " "})
    assert set(caught.value.fields) == {"slug", "name"}
    assert demo["bright"].name == "Bright IT"


def test_opening_accounts_below_checks_where(db, demo, admin):
    with pytest.raises(ValidationError) as caught:
        create_account_below(db, viewer=demo["bright"], by=admin, kind=AccountKind.CUSTOMER, name="X",
                             slug="x-corp", parent_id=demo["corner"].id)
    assert "parent_id" in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        create_account_below(db, viewer=demo["northwind"], by=admin, kind=AccountKind.DISTRIBUTOR, name="X",
                             slug="x-corp")
    assert "kind" in caught.value.fields
