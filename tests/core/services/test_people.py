import pytest

from core.errors import PermissionDeniedError, ValidationError
from core.models.accounts import AccountKind
from core.models.people import Team
from core.permissions import Permission
from core.services.audit import audit_events
from core.services.people import accounts_of, add_member, create_user, owner_team, permissions_in, require_permission


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "OWNER@bright.example"}, "email"),
        ({"name": " "}, "name"),
        ({"password": "short"}, "password"),
    ],
)
def test_bad_people_are_refused_naming_the_field(db, demo, values, field):
    with pytest.raises(ValidationError) as caught:
        create_user(db, **{"email": "new@example.com", "name": "New", **values})
    assert field in caught.value.fields


def test_every_account_has_an_owner_team_with_every_permission(db, make_account):
    account = make_account(AccountKind.RESELLER)
    team = owner_team(db, account)
    assert team.is_owner and set(team.permissions) == {p.value for p in Permission}
    assert team.receives_renewal_reminders


def test_permissions_are_the_union_of_ones_teams_in_that_account(db, demo):
    bright = demo["bright"]
    staff = Team(account=bright, name="Support desk", permissions=["support", "renew"])
    db.add(staff)
    user = create_user(db, email="desk@bright.example", name="Desk", password="long enough pw")
    add_member(db, staff, user)
    assert permissions_in(db, user, bright) == {Permission.SUPPORT, Permission.RENEW}
    assert permissions_in(db, user, demo["harbour"]) == frozenset()
    with pytest.raises(PermissionDeniedError, match="purchase"):
        require_permission(db, user, bright, Permission.PURCHASE)
    require_permission(db, user, bright, Permission.RENEW)


def test_one_person_in_two_accounts(db, demo):
    from sqlalchemy import select

    from core.models.people import User

    sam = db.scalar(select(User).where(User.email == "sam@books.example"))
    assert [account.slug for account in accounts_of(db, sam)] == ["harbour", "maple"]


def test_changes_are_audited_and_readable_only_down_the_tree(db, demo):
    bright_events = audit_events(db, demo["bright"])
    assert {(event.action, event.account_id) for event in bright_events} >= {
        ("account.created", demo["harbour"].id),
        ("membership.created", demo["bright"].id),
    }
    seen = {event.account_id for event in bright_events}
    assert demo["corner"].id not in seen and demo["northwind"].id not in seen
    assert {event.account_id for event in audit_events(db, demo["northwind"])} >= {demo["corner"].id, demo["harbour"].id}
