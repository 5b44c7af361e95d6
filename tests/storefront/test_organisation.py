"""A customer's organisation on the storefront: people, teams, permissions, invitations in the shop's name."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models.invitations import Invitation
from core.models.outbox import OutboxEmail
from core.models.people import Membership, Team, User
from core.services.demo import DEMO_PASSWORD
from core.services.people import add_member, create_user
from plugin_kit.testing import link_in_email, text_of
from tests.storefront.conftest import BRIGHT, CORNER


@pytest.fixture
def owner(shops, shop_sign_in):
    """Harbour Dental's owner, signed in on Bright IT's shop."""
    shop_sign_in()
    return shops["harbour"]


def team_named(db, account, name):
    return db.scalar(select(Team).where(Team.account_id == account.id, Team.name == name))


def emails_to(db, *addresses):
    return list(db.scalars(select(OutboxEmail).where(OutboxEmail.to_address.in_(addresses))))


def make_team(db, account, name, permissions, *members):
    team = Team(account=account, name=name, permissions=sorted(permissions))
    db.add(team)
    for email in members:
        user = db.scalar(select(User).where(User.email == email)) or create_user(
            db, email=email, name=email.split("@")[0].title(), password=DEMO_PASSWORD)
        add_member(db, team, user)
    db.commit()
    return team


def test_people_and_teams_with_what_each_team_may_do_in_words(client, owner):
    response = client.get("/organisation", base_url=BRIGHT)
    assert response.status_code == 200
    text = text_of(response)
    assert "Owner at Harbour (you) owner@harbour.example Owners" in text and "sam@books.example" in text
    assert "Place orders" in text and "Manage the organisation" in text and "Manage subscriptions" in text
    assert "manage_team" not in text and "bank_transfer" not in text and "Bank transfer" in text


def test_a_manager_creates_a_team_edits_it_and_deletes_it(client, db, owner, shop_post):
    response = shop_post("/organisation/teams", {"name": "Front desk", "permissions": ["purchase", "renew"],
                                                 "payment_methods": ["card"]})
    team = team_named(db, owner, "Front desk")
    assert response.status_code == 302 and response.location == f"/organisation/teams/{team.id}"
    assert team.permissions == ["purchase", "renew"] and team.payment_methods == ["card"]
    assert "Front desk Members: 0 May Place orders Renew subscriptions Pays by Card" in text_of(
        client.get("/organisation", base_url=BRIGHT))

    response = shop_post(f"/organisation/teams/{team.id}", {"permissions": ["purchase", "manage_subscriptions"],
                                                            "payment_methods": ["card", "bank_transfer"],
                                                            "receives_renewal_reminders": "yes"})
    assert "The team Front desk is saved." in text_of(client.get(response.location, base_url=BRIGHT))
    db.refresh(team)
    assert team.permissions == ["manage_subscriptions", "purchase"] and team.receives_renewal_reminders

    response = shop_post(f"/organisation/teams/{team.id}/delete")
    assert response.status_code == 302 and response.location == "/organisation"
    assert team_named(db, owner, "Front desk") is None


def test_a_team_needs_a_name_and_nothing_is_created_without_one(client, db, owner, shop_post):
    response = shop_post("/organisation/teams", {"name": " ", "permissions": ["purchase"]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="f-name-error"' in page and "Give the team a name." in page
    assert 'value="purchase" checked' in page  # the form comes back as it was posted
    assert db.scalar(select(Team).where(Team.account_id == owner.id, Team.is_owner.is_(False))) is None


def test_the_owner_team_keeps_every_permission_when_saved(client, db, owner, shop_post):
    owners = team_named(db, owner, "Owners")
    page = text_of(client.get(f"/organisation/teams/{owners.id}", base_url=BRIGHT))
    assert "The owner team may always do everything." in page and "Delete Owners" not in page
    shop_post(f"/organisation/teams/{owners.id}", {"payment_methods": ["card"]})
    db.refresh(owners)
    assert owners.payment_methods == ["card"] and len(owners.permissions) == len(set(owners.permissions)) > 5


def test_an_invitation_in_the_shops_name_is_accepted_on_the_shop_and_the_new_person_signs_in(client, db, owner,
                                                                                              shop_post, shop_sign_in):
    team = make_team(db, owner, "Front desk", ["purchase"])
    response = shop_post("/organisation/invitations", {"email": "Lea@Harbour.example", "team_id": str(team.id)})
    assert response.status_code == 302
    assert "An invitation is on its way to lea@harbour.example" in text_of(client.get(response.location, base_url=BRIGHT))
    [email] = emails_to(db, "lea@harbour.example")
    assert email.sender_name == "Bright IT" and email.subject == "Owner at Harbour invited you to join Harbour Dental"
    assert "Northwind" not in email.text_body + email.subject + (email.reply_to or "")
    assert "http://bright.shop.localhost/invitations/" in email.text_body and "/bss/" not in email.text_body
    assert "lea@harbour.example Front desk" in text_of(client.get("/organisation", base_url=BRIGHT))  # waiting

    path = link_in_email(db, "lea@harbour.example", "/invitations/")
    assert client.get(path, base_url=CORNER).status_code == 404  # another shop does not know it
    page = client.get(path, base_url=BRIGHT)
    assert page.status_code == 200 and "Join Harbour Dental" in text_of(page)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    response = shop_post(path, {"name": "Léa Roux", "password": "short"})
    assert response.status_code == 422 and 'id="f-password-error"' in response.get_data(as_text=True)

    shop_post("/sign-out")
    response = shop_post(path, {"name": "Léa Roux", "password": "a long secret 1"})
    assert response.status_code == 302 and response.location == "/account"
    assert "Welcome to Harbour Dental." in text_of(client.get("/account", base_url=BRIGHT))
    assert shop_post(path, {"name": "Léa Roux", "password": "a long secret 1"}).status_code == 410  # once only

    shop_post("/sign-out")
    shop_sign_in("lea@harbour.example", "a long secret 1")
    assert "Harbour Dental" in text_of(client.get("/account", base_url=BRIGHT))
    assert "Léa Roux" in text_of(client.get("/organisation", base_url=BRIGHT))


def test_a_person_with_a_login_accepts_with_their_own_password(client, db, owner, shop_post):
    team = make_team(db, owner, "Books", ["view_billing"])
    shop_post("/organisation/invitations", {"email": "owner@maple.example", "team_id": str(team.id)})
    path = link_in_email(db, "owner@maple.example", "/invitations/")
    shop_post("/sign-out")
    assert "You already have a login" in text_of(client.get(path, base_url=BRIGHT))
    assert shop_post(path, {"password": "wrong password"}).status_code == 422
    assert shop_post(path, {"password": DEMO_PASSWORD}).status_code == 302
    user = db.scalar(select(User).where(User.email == "owner@maple.example"))
    assert db.scalar(select(Membership).where(Membership.team_id == team.id, Membership.user_id == user.id))


def test_a_bad_invitation_names_the_field_and_sends_nothing(client, db, owner, shops, shop_post):
    owners = team_named(db, owner, "Owners")
    response = shop_post("/organisation/invitations", {"email": "not an address", "team_id": str(owners.id)})
    assert response.status_code == 422 and 'id="f-email-error"' in response.get_data(as_text=True)
    maples = team_named(db, shops["maple"], "Owners")  # another account's team is no team of Harbour's
    response = shop_post("/organisation/invitations", {"email": "new@harbour.example", "team_id": str(maples.id)})
    assert response.status_code == 422 and 'id="f-team_id-error"' in response.get_data(as_text=True)
    assert emails_to(db, "not an address", "new@harbour.example") == [] and db.scalars(select(Invitation)).all() == []


def test_an_invitation_is_withdrawn_and_its_link_stops_working(client, db, owner, shop_post):
    owners = team_named(db, owner, "Owners")
    shop_post("/organisation/invitations", {"email": "new@harbour.example", "team_id": str(owners.id)})
    path = link_in_email(db, "new@harbour.example", "/invitations/")
    invitation = db.scalar(select(Invitation).where(Invitation.email == "new@harbour.example"))
    withdraw = f"/organisation/teams/{owners.id}/invitations/{invitation.id}/withdraw"
    assert f'action="{withdraw}"' in client.get("/organisation", base_url=BRIGHT).get_data(as_text=True)
    response = shop_post(withdraw)
    assert "The invitation to new@harbour.example is withdrawn" in text_of(client.get(response.location, base_url=BRIGHT))
    db.refresh(invitation)
    assert invitation.revoked_at is not None
    assert client.get(path, base_url=BRIGHT).status_code == 410


def test_a_member_is_removed_but_the_last_owner_stays(client, db, owner, shop_post, shops):
    team = make_team(db, owner, "Front desk", ["purchase"], "desk@harbour.example")
    [desk] = [membership.id for membership in team.memberships]
    response = shop_post(f"/organisation/teams/{team.id}/members/{desk}/remove")
    assert response.status_code == 302
    assert "desk@harbour.example is no longer in the team." in text_of(client.get(response.location, base_url=BRIGHT))
    db.expire_all()
    assert db.get(Membership, desk) is None

    owners = team_named(db, owner, "Owners")
    sam = next(membership for membership in owners.memberships if membership.user.email == "sam@books.example")
    assert shop_post(f"/organisation/teams/{owners.id}/members/{sam.id}/remove").status_code == 302
    db.expire_all()
    [me] = team_named(db, owner, "Owners").memberships
    response = shop_post(f"/organisation/teams/{owners.id}/members/{me.id}/remove")
    assert response.status_code == 422
    assert "owner@harbour.example is the last active owner of Harbour Dental" in text_of(response)
    assert db.get(Membership, me.id) is not None


def test_people_without_manage_team_see_the_organisation_read_only(client, db, owner, shop_post, shop_sign_in):
    make_team(db, owner, "Front desk", ["purchase"], "desk@harbour.example")
    owners = team_named(db, owner, "Owners")
    shop_post("/sign-out")
    shop_sign_in("desk@harbour.example")
    response = client.get("/organisation", base_url=BRIGHT)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Front desk" in page and "Place orders" in page
    assert "Invite someone" not in page and "Create a team" not in page and "<form" not in page.split("</header>", 1)[1]
    assert client.get(f"/organisation/teams/{owners.id}", base_url=BRIGHT).status_code == 403
    assert shop_post("/organisation/teams", {"name": "Mine", "permissions": ["manage_team"]}).status_code == 403
    assert shop_post("/organisation/invitations", {"email": "x@harbour.example", "team_id": str(owners.id)}).status_code == 403
    assert team_named(db, owner, "Mine") is None and emails_to(db, "x@harbour.example") == []


def test_another_accounts_team_answers_404(client, db, owner, shops, shop_post):
    maple_owners = team_named(db, shops["maple"], "Owners")
    assert client.get(f"/organisation/teams/{maple_owners.id}", base_url=BRIGHT).status_code == 404
    assert shop_post(f"/organisation/teams/{maple_owners.id}/delete").status_code == 404
    [membership] = [m for m in maple_owners.memberships if m.user.email == "owner@maple.example"]
    assert shop_post(f"/organisation/teams/{maple_owners.id}/members/{membership.id}/remove").status_code == 404
    assert db.get(Membership, membership.id) is not None


def test_the_owner_gives_a_tax_number_and_a_bad_one_changes_nothing(client, db, owner, shop_post):
    saved = shop_post("/organisation/tax-id", {"tax_id": "fr 40 303 265 045"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/organisation#billing-details")
    db.refresh(owner)
    assert owner.tax_id == "FR40303265045"
    assert 'value="FR40303265045"' in client.get("/organisation", base_url=BRIGHT).get_data(as_text=True)
    refused = shop_post("/organisation/tax-id", {"tax_id": "<b>?"})
    assert refused.status_code == 422
    assert "Give the tax number as your tax office writes it" in text_of(refused)
    db.refresh(owner)
    assert owner.tax_id == "FR40303265045"


def test_a_member_who_does_not_manage_the_organisation_cannot_change_its_tax_number(client, db, shops, shop_sign_in,
                                                                                    shop_post):
    make_team(db, shops["harbour"], "Front desk", {"purchase"}, "desk@harbour.example")
    shop_sign_in("desk@harbour.example")
    assert shop_post("/organisation/tax-id", {"tax_id": "FR40303265045"}).status_code == 403
    assert shops["harbour"].tax_id is None
