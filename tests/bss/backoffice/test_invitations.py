import re
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import select

from core.mail import SMTPTransport
from core.models.invitations import Invitation
from core.models.outbox import EmailStatus, OutboxEmail
from core.models.people import Membership, Team, User
from core.services.outbox import deliver_email
from core.services.people import owner_team
from plugin_kit.testing import link_in_email, post_form
from tests.bss.backoffice.conftest import PASSWORD

HTML = {"Accept": "text/html"}


def _support_team(db, demo):
    team = Team(account=demo["bright"], name="Support desk", permissions=["support"], payment_methods=[])
    db.add(team)
    db.commit()
    return team


def _members(db, team):
    return sorted(db.scalars(select(User.email).join(Membership).where(Membership.team_id == team.id)))


def _fresh_browser(app):
    """Another browser, with no cookies: the invitee's, not the admin's."""
    return app.test_client()


def test_an_invited_newcomer_follows_the_emailed_link_and_lands_in_the_account(app, client, db, demo, login_as, post):
    team = _support_team(db, demo)
    login_as("owner@bright.example")
    response = post(f"/bss/teams/{team.id}/invitations", {"email": "New.Hire@example.com"})
    assert response.status_code == 302
    team_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "An invitation is on its way to new.hire@example.com" in team_page
    assert "Waiting for an answer" in team_page

    email = db.scalars(select(OutboxEmail)).one()
    assert email.to_address == "new.hire@example.com"
    assert email.subject == "Owner at Bright invited you to join Bright IT"
    assert "Owner at Bright (owner@bright.example) invited you to join Bright IT" in email.text_body
    link = link_in_email(db, "new.hire@example.com", "/bss/invitations/")

    browser = _fresh_browser(app)
    page = browser.get(link)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    text = page.get_data(as_text=True)
    assert "Join Bright IT" in text and "Support desk" in text and "new.hire@example.com" in text
    assert 'autocomplete="new-password"' in text

    response = post_form(browser, link, {"name": "New Hire", "password": "short"})
    assert response.status_code == 422 and "Password: Use at least 10 characters." in response.get_data(as_text=True)
    assert db.scalar(select(User).where(User.email == "new.hire@example.com")) is None

    response = post_form(browser, link, {"name": "New Hire", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/bss/"
    home = browser.get("/bss/").get_data(as_text=True)
    assert "<h1>Bright IT</h1>" in home and "Welcome to Bright IT" in home and "new.hire@example.com" in home
    assert _members(db, team) == ["new.hire@example.com"]

    again = _fresh_browser(app).get(link, headers=HTML)
    assert again.status_code == 410 and "already been accepted" in again.get_data(as_text=True)


def test_the_invitation_email_really_arrives_and_its_link_works(app, client, db, demo, login_as, post, smtp_server):
    url, mailbox = smtp_server
    team = _support_team(db, demo)
    login_as("owner@bright.example")
    post(f"/bss/teams/{team.id}/invitations", {"email": "sam@books.example"})
    email = db.scalars(select(OutboxEmail)).one()
    assert deliver_email(db, email.id, SMTPTransport(url), "Cascade <no-reply@cascade.example>").status is EmailStatus.SENT
    (message,) = mailbox.wait_for(1)
    assert isinstance(message, EmailMessage)
    assert message["To"] == "sam@books.example" and message["From"] == "Bright IT <no-reply@cascade.example>"
    link = re.search(r"https?://[^/\s]+(/bss/invitations/[\w-]+)", message.get_body(("plain",)).get_content()).group(1)

    browser = _fresh_browser(app)
    page = browser.get(link).get_data(as_text=True)
    assert "Your password" in page and "Your name" not in page, "Sam already has a login"
    wrong = post_form(browser, link, {"password": "not sams"})
    assert wrong.status_code == 422 and "Password: That email and password do not match" in wrong.get_data(as_text=True)
    assert _members(db, team) == []
    right = post_form(browser, link, {"password": "cascade-demo"})
    assert right.status_code == 302
    assert "<h1>Bright IT</h1>" in browser.get("/bss/").get_data(as_text=True), "lands in the account just joined"
    assert _members(db, team) == ["sam@books.example"]


def test_a_link_expires_after_seven_days_and_then_changes_nothing(app, client, db, demo, login_as, post, frozen_clock):
    team = _support_team(db, demo)
    login_as("owner@bright.example")
    post(f"/bss/teams/{team.id}/invitations", {"email": "late@example.com"})
    link = link_in_email(db, "late@example.com", "/bss/invitations/")
    frozen_clock.advance(timedelta(days=7, seconds=1))
    browser = _fresh_browser(app)
    page = browser.get(link, headers=HTML)
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)
    response = post_form(browser, link, {"name": "Late", "password": PASSWORD}, headers=HTML)
    assert response.status_code == 410
    assert db.scalar(select(User).where(User.email == "late@example.com")) is None
    assert browser.get("/bss/").status_code == 302, "not signed in"


def test_a_withdrawn_invitation_and_an_unknown_link_say_so(app, client, db, demo, login_as, post):
    team = _support_team(db, demo)
    login_as("owner@bright.example")
    post(f"/bss/teams/{team.id}/invitations", {"email": "maybe@example.com"})
    link = link_in_email(db, "maybe@example.com", "/bss/invitations/")
    invitation = db.scalars(select(Invitation)).one()
    response = post(f"/bss/teams/{team.id}/invitations/{invitation.id}/revoke")
    assert response.status_code == 302
    assert "Waiting for an answer" not in client.get(f"/bss/teams/{team.id}").get_data(as_text=True)

    browser = _fresh_browser(app)
    withdrawn = browser.get(link, headers=HTML)
    assert withdrawn.status_code == 410 and "withdrawn" in withdrawn.get_data(as_text=True)
    unknown = browser.get("/bss/invitations/not-a-real-token", headers=HTML)
    assert unknown.status_code == 404 and "not valid" in unknown.get_data(as_text=True)


def test_inviting_someone_already_in_the_team_names_the_email_field(client, db, demo, login_as, post):
    login_as("owner@bright.example")
    owners = owner_team(db, demo["bright"])
    response = post(f"/bss/teams/{owners.id}/invitations", {"email": "owner@bright.example"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Email: owner@bright.example is already in the team Owners." in page
    assert 'value="owner@bright.example"' in page, "the form keeps what was typed"
    assert db.scalars(select(OutboxEmail)).all() == []


def test_another_tenants_invitation_cannot_be_withdrawn(app, client, db, demo, login_as, post):
    login_as("owner@corner.example")
    corner_owners = owner_team(db, demo["corner"])
    post(f"/bss/teams/{corner_owners.id}/invitations", {"email": "corner.hire@example.com"})
    invitation = db.scalars(select(Invitation)).one()
    post_form(client, "/bss/logout")

    login_as("owner@bright.example")
    bright_owners = owner_team(db, demo["bright"])
    for team_id in (corner_owners.id, bright_owners.id):
        response = post(f"/bss/teams/{team_id}/invitations/{invitation.id}/revoke", headers=HTML)
        assert response.status_code == 404
    db.refresh(invitation)
    assert invitation.revoked_at is None
