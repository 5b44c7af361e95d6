import pytest

from core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from core.models.accounts import AccountKind
from core.services.account_changes import create_account_below, update_account
from core.services.accounts import get_account, list_accounts
from core.services.audit import audit_events


@pytest.fixture
def admin(db, demo):
    from sqlalchemy import select

    from core.models.people import User

    return db.scalar(select(User).where(User.email == "admin@northwind.example"))


def test_a_direct_customer_is_transferred_to_a_reseller(db, demo, admin):
    solo = update_account(db, viewer=demo["northwind"], account_id=demo["solo"].id, by=admin,
                          changes={"parent_id": demo["bright"].id})
    assert solo.parent is demo["bright"]
    assert solo.path == f"{demo['bright'].path}{solo.id}/"
    assert get_account(db, demo["bright"], solo.id) is solo, "the new seller sees it"
    assert solo.id not in {a.id for a in list_accounts(db, demo["corner"])}
    event = next(e for e in audit_events(db, demo["bright"]) if e.action == "account.changed")
    assert event.changes == {"parent_id": [demo["northwind"].id, demo["bright"].id]}


def test_moving_takes_the_whole_subtree_along(db, demo, admin):
    from core.models.accounts import Account

    # Deeper than the kinds we ship allow, but depth is data: the paths must follow anyway.
    shop = Account(kind=AccountKind.CUSTOMER, name="Branch", slug="branch", parent=demo["solo"],
                   path=f"{demo['solo'].path}999999/")
    db.add(shop)
    db.flush()
    shop.path = f"{demo['solo'].path}{shop.id}/"
    update_account(db, viewer=demo["northwind"], account_id=demo["solo"].id, by=admin,
                   changes={"parent_id": demo["bright"].id})
    db.refresh(shop)
    assert shop.path == f"{demo['bright'].path}{demo['solo'].id}/{shop.id}/"


@pytest.mark.parametrize(
    ("account", "parent", "error"),
    [
        ("bright", "harbour", ValidationError),  # a reseller under a customer
        ("harbour", "maple", ValidationError),  # under a customer
        ("harbour", "harbour", ValidationError),  # under itself: a cycle
        ("harbour", "corner", None),  # allowed: another reseller of Northwind
        ("northwind", "bright", PermissionDeniedError),  # the viewer itself
    ],
)
def test_the_tree_keeps_its_shape(db, demo, admin, account, parent, error):
    call = lambda: update_account(db, viewer=demo["northwind"], account_id=demo[account].id, by=admin,  # noqa: E731
                                  changes={"parent_id": demo[parent].id})
    if error is None:
        assert call().parent is demo[parent]
        return
    before = (demo[account].parent_id, demo[account].path)
    with pytest.raises(error) as caught:
        call()
    if error is ValidationError:
        assert list(caught.value.fields) == ["parent_id"]
    assert (demo[account].parent_id, demo[account].path) == before


def test_a_reseller_cannot_move_its_customer_out_of_its_reach(db, demo, admin):
    with pytest.raises(ValidationError) as caught:
        update_account(db, viewer=demo["bright"], account_id=demo["harbour"].id, by=admin,
                       changes={"parent_id": demo["corner"].id})
    assert caught.value.fields == {"parent_id": [f"No account {demo['corner'].id}."]}


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
