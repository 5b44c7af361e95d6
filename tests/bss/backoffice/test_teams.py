from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from core.models.audit import AuditEvent
from core.models.people import Membership, Team
from core.permissions import Permission
from core.services.people import owner_team


def _team(db, account, name):
    return db.scalar(select(Team).where(Team.account_id == account.id, Team.name == name))


class _Inputs(HTMLParser):
    """Collects the ids of visible inputs and the inputs each label names or wraps."""

    def __init__(self):
        super().__init__()
        self.inputs, self.labelled, self._in_label = [], set(), 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self._in_label += 1
            if attrs.get("for"):
                self.labelled.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            key = attrs.get("id") or f"{attrs.get('name')}={attrs.get('value')}"
            self.inputs.append(key)
            if self._in_label:
                self.labelled.add(key)

    def handle_endtag(self, tag):
        if tag == "label":
            self._in_label -= 1


def _unlabelled(page):
    parser = _Inputs()
    parser.feed(page)
    assert parser.inputs, "the page has a form"
    return [key for key in parser.inputs if key not in parser.labelled]


def test_an_owner_sees_the_teams_and_their_members(client, demo, login_as, buyer):
    login_as("owner@bright.example")
    page = client.get("/bss/teams").get_data(as_text=True)
    assert "Owners" in page and "Buyers" in page
    assert "owner@bright.example" in page and "buyer@bright.example" in page
    assert "Harbour" not in page and "owner@corner.example" not in page
    assert _unlabelled(page) == []


def test_a_team_is_created_with_a_plain_form(client, db, demo, login_as, post):
    login_as("owner@bright.example")
    response = post("/bss/teams", {
        "name": "Support desk", "permissions": ["support", "renew"], "payment_methods": ["card"],
        "receives_renewal_reminders": "yes",
    })
    team = _team(db, demo["bright"], "Support desk")
    assert response.status_code == 302 and response.headers["Location"] == f"/bss/teams/{team.id}"
    assert team.permissions == ["renew", "support"] and team.receives_renewal_reminders
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The team Support desk is created" in page
    assert 'value="support" checked' in page and 'value="purchase" checked' not in page
    assert _unlabelled(page) == []
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "team.created")).actor_id is not None


def test_a_bad_permission_name_is_refused_naming_the_field_and_keeps_the_form(client, db, demo, login_as, post):
    login_as("owner@bright.example")
    response = post("/bss/teams", {"name": "Support desk", "permissions": ["support", "root"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Permissions: Unknown permission &#39;root&#39;" in page
    assert 'value="Support desk"' in page and 'value="support" checked' in page
    assert _team(db, demo["bright"], "Support desk") is None


def test_editing_a_team_with_a_bad_payment_method_changes_nothing(client, db, demo, login_as, post, buyer):
    login_as("owner@bright.example")
    buyers = _team(db, demo["bright"], "Buyers")
    response = post(f"/bss/teams/{buyers.id}", {"permissions": ["purchase", "pay"], "payment_methods": ["gold"]})
    assert response.status_code == 422
    assert "payment_methods" in response.get_data(as_text=True)
    db.refresh(buyers)
    assert buyers.permissions == ["purchase"] and buyers.payment_methods == ["card"]

    response = post(f"/bss/teams/{buyers.id}", {"permissions": ["purchase", "pay"], "payment_methods": ["card"]})
    assert response.status_code == 302
    db.refresh(buyers)
    assert buyers.permissions == ["pay", "purchase"]


def test_the_owner_teams_permissions_cannot_be_reduced(client, db, demo, login_as, post):
    login_as("owner@bright.example")
    owners = owner_team(db, demo["bright"])
    response = post(f"/bss/teams/{owners.id}", {"permissions": ["purchase"], "payment_methods": ["card"]})
    assert response.status_code == 422
    assert "The owner team keeps every permission" in response.get_data(as_text=True)
    db.refresh(owners)
    assert len(owners.permissions) == len(Permission)


def test_the_last_owner_cannot_be_removed(client, db, demo, login_as, post):
    login_as("owner@bright.example")
    owners = owner_team(db, demo["bright"])
    (only,) = owners.memberships
    response = post(f"/bss/teams/{owners.id}/members/{only.id}/remove", {"confirmed": "1"})
    assert response.status_code == 422
    assert "membership: owner@bright.example is the last active owner" in response.get_data(as_text=True)
    assert db.scalar(select(Membership).where(Membership.id == only.id)) is not None
    assert client.get("/bss/teams").status_code == 200, "still an admin"


def test_removing_a_member_and_deleting_a_team(client, db, demo, login_as, post, buyer):
    login_as("owner@bright.example")
    buyers = _team(db, demo["bright"], "Buyers")
    (membership,) = buyers.memberships
    asked = post(f"/bss/teams/{buyers.id}/members/{membership.id}/remove")  # asks first, changing nothing
    assert asked.status_code == 200 and "Remove buyer@bright.example from Buyers?" in asked.get_data(as_text=True)
    assert db.scalar(select(Membership).where(Membership.id == membership.id)) is not None
    response = post(f"/bss/teams/{buyers.id}/members/{membership.id}/remove", {"confirmed": "1"})
    assert response.status_code == 302
    assert "buyer@bright.example is no longer in the team" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.scalar(select(Membership).where(Membership.id == membership.id)) is None

    asked = post(f"/bss/teams/{buyers.id}/delete")
    assert asked.status_code == 200 and "Delete the team Buyers?" in asked.get_data(as_text=True)
    assert _team(db, demo["bright"], "Buyers") is not None
    response = post(f"/bss/teams/{buyers.id}/delete", {"confirmed": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/bss/teams"
    assert _team(db, demo["bright"], "Buyers") is None
    owners = owner_team(db, demo["bright"])
    assert post(f"/bss/teams/{owners.id}/delete", {"confirmed": "1"}).status_code == 422
    assert db.scalar(select(Team).where(Team.id == owners.id)) is not None


def test_another_tenants_team_answers_404_and_is_left_alone(client, db, demo, login_as, post):
    login_as("owner@bright.example")
    corner = owner_team(db, demo["corner"])
    (membership,) = corner.memberships
    html = {"Accept": "text/html"}
    assert client.get(f"/bss/teams/{corner.id}", headers=html).status_code == 404
    for url, data in (
        (f"/bss/teams/{corner.id}", {"permissions": ["purchase"]}),
        (f"/bss/teams/{corner.id}/delete", {}),
        (f"/bss/teams/{corner.id}/delete", {"confirmed": "1"}),
        (f"/bss/teams/{corner.id}/members/{membership.id}/remove", {}),
        (f"/bss/teams/{corner.id}/members/{membership.id}/remove", {"confirmed": "1"}),
        (f"/bss/teams/{corner.id}/invitations", {"email": "spy@bright.example"}),
    ):
        response = post(url, data, headers=html)
        assert response.status_code == 404, url
        assert "Corner" not in response.get_data(as_text=True)
    db.refresh(corner)
    assert len(corner.permissions) == len(Permission) and len(corner.memberships) == 1


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/bss/teams", None),
        ("post", "/bss/teams", {"name": "Mine", "permissions": ["manage_team"]}),
        ("get", "/bss/teams/{owners}", None),
        ("post", "/bss/teams/{owners}", {"permissions": []}),
        ("post", "/bss/teams/{buyers}", {"permissions": ["purchase", "manage_team"]}),
        ("post", "/bss/teams/{buyers}/delete", {}),
        ("post", "/bss/teams/{owners}/members/{owner_membership}/remove", {}),
        ("post", "/bss/teams/{owners}/invitations", {"email": "friend@bright.example"}),
    ],
)
def test_people_without_manage_team_get_403_and_change_nothing(client, db, demo, login_as, post, buyer, method, path, data):
    owners, buyers = owner_team(db, demo["bright"]), _team(db, demo["bright"], "Buyers")
    url = path.format(owners=owners.id, buyers=buyers.id, owner_membership=owners.memberships[0].id)
    login_as(buyer, "a long enough password")
    response = client.get(url) if method == "get" else post(url, data)
    assert response.status_code == 403
    db.expire_all()
    assert [team.name for team in db.scalars(select(Team).where(Team.account_id == demo["bright"].id).order_by(Team.id))] == ["Owners", "Buyers"]
    assert len(owners.memberships) == 1 and len(owners.permissions) == len(Permission)
    assert buyers.permissions == ["purchase"] and len(buyers.memberships) == 1
    assert db.scalar(select(AuditEvent).where(AuditEvent.action.like("team.%"))) is None


def test_names_people_typed_are_shown_as_text(client, db, demo, login_as, post):
    login_as("owner@bright.example")
    post("/bss/teams", {"name": "<script>alert(1)</script>", "permissions": ["support"]})
    page = client.get("/bss/teams").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_signed_out_visitors_are_sent_to_sign_in(client, demo):
    response = client.get("/bss/teams")
    assert response.status_code == 302 and "/bss/login" in response.headers["Location"]
