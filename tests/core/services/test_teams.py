import pytest
from sqlalchemy import func, select

from core.errors import NotFoundError, PermissionDeniedError, ValidationError
from core.models.api_keys import ApiKey
from core.models.audit import AuditEvent
from core.models.invitations import Invitation
from core.models.people import Membership, Team, User
from core.models.storefronts import Storefront
from core.permissions import Permission
from core.services.api_keys import authenticate_api_key, create_api_key
from core.services.invitations import invite_person
from core.services.people import add_member, create_user, owner_team, permissions_in
from core.services.sign_in import resume_session, sign_in
from core.services.teams import create_team, delete_team, get_team, list_teams, remove_member, update_team

PASSWORD = "a long enough password"


def _user(db, email):
    return db.scalar(select(User).where(User.email == email))


@pytest.fixture
def owner(db, demo):
    return _user(db, "owner@bright.example")


@pytest.fixture
def buyer(db, demo):
    """Someone in Bright IT who may buy but not manage teams."""
    team = create_team(
        db, account=demo["bright"], by=_user(db, "owner@bright.example"), name="Buyers",
        permissions=["purchase"], payment_methods=["card"], receives_renewal_reminders=False,
    )
    user = create_user(db, email="buyer@bright.example", name="Buyer", password=PASSWORD)
    add_member(db, team, user)
    db.commit()
    return user


def _create(db, account, by, **values):
    values = {
        "name": "Support desk",
        "permissions": ["support", "renew"],
        "payment_methods": ["card"],
        "receives_renewal_reminders": True,
        **values,
    }
    return create_team(db, account=account, by=by, **values)


def _events(db, action):
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_an_admin_creates_a_team_and_its_members_get_its_permissions(db, demo, owner):
    team = _create(db, demo["bright"], owner, name="  Support desk ", permissions=["support", "renew", "support"])
    newcomer = create_user(db, email="desk@bright.example", name="Desk", password=PASSWORD)
    add_member(db, team, newcomer)
    assert team.name == "Support desk"
    assert team.permissions == ["renew", "support"]
    assert permissions_in(db, newcomer, demo["bright"]) == {Permission.SUPPORT, Permission.RENEW}
    assert [t.name for t in list_teams(db, account=demo["bright"], by=owner)] == ["Owners", "Support desk"]
    (event,) = _events(db, "team.created")
    assert event.actor_id == owner.id and event.account_id == demo["bright"].id
    assert event.changes["permissions"] == ["renew", "support"]


def test_team_names_are_unique_within_an_account_only(db, demo, owner):
    _create(db, demo["bright"], owner)
    with pytest.raises(ValidationError) as caught:
        _create(db, demo["bright"], owner, name="SUPPORT DESK")
    assert "name" in caught.value.fields
    harbour_owner = _user(db, "owner@harbour.example")
    assert _create(db, demo["harbour"], harbour_owner).account_id == demo["harbour"].id


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"permissions": ["support", "launch_missiles"]}, "permissions"),
        ({"payment_methods": ["card", "seashells"]}, "payment_methods"),
        ({"name": " "}, "name"),
        ({"name": "x" * 101}, "name"),
    ],
)
def test_bad_team_settings_are_refused_naming_the_field_and_nothing_is_made(db, demo, owner, values, field):
    with pytest.raises(ValidationError) as caught:
        _create(db, demo["bright"], owner, **values)
    assert list(caught.value.fields) == [field]
    assert db.scalar(select(func.count()).select_from(Team).where(Team.account_id == demo["bright"].id)) == 1


def test_editing_a_team_records_each_change_with_before_and_after(db, demo, owner):
    team = _create(db, demo["bright"], owner)
    update_team(
        db, account=demo["bright"], team_id=team.id, by=owner,
        permissions=["support", "renew", "view_billing"], payment_methods=["card"], receives_renewal_reminders=False,
    )
    assert team.permissions == ["renew", "support", "view_billing"]
    assert team.receives_renewal_reminders is False
    (event,) = _events(db, "team.changed")
    assert event.changes == {
        "permissions": [["renew", "support"], ["renew", "support", "view_billing"]],
        "receives_renewal_reminders": [True, False],
    }


def test_an_unknown_permission_changes_nothing(db, demo, owner):
    team = _create(db, demo["bright"], owner)
    with pytest.raises(ValidationError) as caught:
        update_team(
            db, account=demo["bright"], team_id=team.id, by=owner,
            permissions=["support", "root"], payment_methods=["seashells"], receives_renewal_reminders=False,
        )
    assert set(caught.value.fields) == {"permissions", "payment_methods"}
    assert "root" in caught.value.fields["permissions"][0]
    assert team.permissions == ["renew", "support"] and team.receives_renewal_reminders is True
    assert _events(db, "team.changed") == []


def test_the_owner_team_keeps_every_permission_but_may_change_how_it_pays(db, demo, owner):
    owners = owner_team(db, demo["bright"])
    with pytest.raises(ValidationError) as caught:
        update_team(
            db, account=demo["bright"], team_id=owners.id, by=owner,
            permissions=["purchase"], payment_methods=["card"], receives_renewal_reminders=True,
        )
    assert "permissions" in caught.value.fields
    assert set(owners.permissions) == {p.value for p in Permission}
    update_team(
        db, account=demo["bright"], team_id=owners.id, by=owner,
        permissions=list(Permission), payment_methods=["on_account"], receives_renewal_reminders=True,
    )
    assert owners.payment_methods == ["on_account"]


def test_teams_of_another_account_are_not_found(db, demo, owner):
    corner_team = owner_team(db, demo["corner"])
    with pytest.raises(NotFoundError):
        get_team(db, account=demo["bright"], team_id=corner_team.id, by=owner)
    for attempt in (
        lambda: update_team(db, account=demo["bright"], team_id=corner_team.id, by=owner,
                            permissions=[], payment_methods=[], receives_renewal_reminders=False),
        lambda: delete_team(db, account=demo["bright"], team_id=corner_team.id, by=owner),
        lambda: remove_member(db, account=demo["bright"], team_id=corner_team.id,
                              membership_id=corner_team.memberships[0].id, by=owner),
    ):
        with pytest.raises(NotFoundError):
            attempt()
    assert len(corner_team.memberships) == 1


def test_a_membership_of_another_team_is_not_found(db, demo, owner, buyer):
    owners = owner_team(db, demo["bright"])
    buyers_membership = db.scalar(select(Membership).where(Membership.user_id == buyer.id))
    with pytest.raises(NotFoundError):
        remove_member(db, account=demo["bright"], team_id=owners.id, membership_id=buyers_membership.id, by=owner)


def test_people_without_manage_team_are_refused_everything(db, demo, buyer):
    bright, owners = demo["bright"], owner_team(db, demo["bright"])
    attempts = (
        lambda: list_teams(db, account=bright, by=buyer),
        lambda: get_team(db, account=bright, team_id=owners.id, by=buyer),
        lambda: _create(db, bright, buyer, name="Mine"),
        lambda: update_team(db, account=bright, team_id=owners.id, by=buyer,
                            permissions=list(Permission), payment_methods=[], receives_renewal_reminders=False),
        lambda: remove_member(db, account=bright, team_id=owners.id, membership_id=owners.memberships[0].id, by=buyer),
        lambda: delete_team(db, account=bright, team_id=owners.id, by=buyer),
    )
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError):
            attempt()
    assert {t.name for t in db.scalars(select(Team).where(Team.account_id == bright.id))} == {"Owners", "Buyers"}
    assert len(owners.memberships) == 1 and owners.payment_methods


def test_the_last_owner_cannot_be_removed(db, demo, owner):
    owners = owner_team(db, demo["bright"])
    (only,) = owners.memberships
    with pytest.raises(ValidationError) as caught:
        remove_member(db, account=demo["bright"], team_id=owners.id, membership_id=only.id, by=owner)
    assert "membership" in caught.value.fields
    assert db.get(Membership, only.id) is not None


def test_an_owner_can_be_removed_while_another_active_owner_remains(db, demo, owner):
    owners = owner_team(db, demo["bright"])
    second = create_user(db, email="second@bright.example", name="Second", password=PASSWORD)
    add_member(db, owners, second)
    second.active = False
    first_membership = owners.memberships[0]
    with pytest.raises(ValidationError):  # a disabled person cannot run the account
        remove_member(db, account=demo["bright"], team_id=owners.id, membership_id=first_membership.id, by=owner)
    second.active = True
    removed = remove_member(
        db, account=demo["bright"], team_id=owners.id, membership_id=first_membership.id, by=second
    )
    assert removed.user == owner
    assert permissions_in(db, owner, demo["bright"]) == frozenset()
    (event,) = _events(db, "membership.removed")
    assert event.changes == {"team": "Owners", "email": "owner@bright.example"}


def test_someone_removed_from_an_account_no_longer_acts_for_it(db, shops):
    demo = shops
    sam = _user(db, "sam@books.example")
    harbour_owner = _user(db, "owner@harbour.example")
    bright_shop = db.scalar(select(Storefront).where(Storefront.account_id == demo["bright"].id))
    signed_in = sign_in(db, email="sam@books.example", password="cascade-demo", storefront=bright_shop)
    assert signed_in.login_session.account_id == demo["harbour"].id
    owners = owner_team(db, demo["harbour"])
    sams = next(m for m in owners.memberships if m.user_id == sam.id)
    remove_member(db, account=demo["harbour"], team_id=owners.id, membership_id=sams.id, by=harbour_owner)
    db.commit()
    assert resume_session(db, signed_in.token, bright_shop).account_id == demo["maple"].id


def test_deleting_a_team_takes_its_members_invitations_and_keys_with_it(db, demo, owner, buyer):
    buyers = db.scalar(select(Team).where(Team.name == "Buyers"))
    key = create_api_key(db, user=buyer, team=buyers, name="Shop script")
    invite_person(db, account=demo["bright"], team_id=buyers.id, email="new@bright.example", by=owner,
                  link_for=lambda token: f"https://bss.example/{token}")
    delete_team(db, account=demo["bright"], team_id=buyers.id, by=owner)
    db.commit()
    assert db.get(Team, buyers.id) is None
    assert permissions_in(db, buyer, demo["bright"]) == frozenset()
    assert authenticate_api_key(db, key.secret) is None
    assert db.scalar(select(func.count()).select_from(Invitation)) == 0
    assert db.scalar(select(func.count()).select_from(ApiKey)) == 0
    (event,) = _events(db, "team.deleted")
    assert event.changes["members"] == ["buyer@bright.example"]
    assert event.changes["api_keys_deleted"] == 1 and event.changes["invitations_deleted"] == 1


def test_the_owner_team_cannot_be_deleted(db, demo, owner):
    owners = owner_team(db, demo["bright"])
    with pytest.raises(ValidationError) as caught:
        delete_team(db, account=demo["bright"], team_id=owners.id, by=owner)
    assert "team" in caught.value.fields
    assert db.get(Team, owners.id) is not None
