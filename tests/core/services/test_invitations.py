import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.errors import NotFoundError, PermissionDeniedError, ValidationError
from core.models.invitations import Invitation
from core.models.outbox import OutboxEmail
from core.models.people import Membership, User
from core.permissions import Permission
from core.services.invitations import (
    InvitationGoneError,
    accept_invitation,
    invite_person,
    open_invitation,
    pending_invitations,
    revoke_invitation,
)
from core.services.people import add_member, create_user, owner_team, permissions_in
from core.services.sign_in import MAX_FAILURES_PER_EMAIL_AND_ADDRESS, SignInError, resume_session, sign_in
from core.services.teams import create_team

PASSWORD = "a long enough password"


def _user(db, email):
    return db.scalar(select(User).where(User.email == email))


def _link(token):
    return f"https://bss.example/bss/invitations/{token}"


@pytest.fixture
def owner(db, demo):
    return _user(db, "owner@bright.example")


@pytest.fixture
def support(db, demo, owner):
    return create_team(
        db, account=demo["bright"], by=owner, name="Support desk",
        permissions=["support"], payment_methods=[], receives_renewal_reminders=False,
    )


def _invite(db, demo, owner, team, email="new.hire@bright.example"):
    """Invite ``email`` and return the token from the link in the email, as the invitee would."""
    invite_person(db, account=demo["bright"], team_id=team.id, email=email, by=owner, link_for=_link)
    db.commit()
    email_row = db.scalars(select(OutboxEmail).order_by(OutboxEmail.id.desc())).first()
    return re.search(r"/bss/invitations/([\w-]+)", email_row.text_body).group(1)


def test_inviting_emails_a_link_that_names_the_account_and_who_invited(db, demo, owner, support, frozen_clock):
    invitation = invite_person(
        db, account=demo["bright"], team_id=support.id, email=" New.Hire@Bright.example ", by=owner, link_for=_link
    )
    (email,) = db.scalars(select(OutboxEmail)).all()
    assert email.to_address == "new.hire@bright.example" == invitation.email
    assert "Bright IT" in email.subject and "Bright IT" in email.text_body
    assert owner.name in email.text_body and "Support desk" in email.text_body
    assert email.sender_name == "Bright IT" and email.reply_to == "owner@bright.example"
    token = re.search(r"https://bss\.example/bss/invitations/([\w-]{40,})", email.text_body).group(1)
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64, "only a hash is stored"
    assert invitation.expires_at == frozen_clock.now() + timedelta(days=7)
    assert pending_invitations(db, support) == [invitation]


@pytest.mark.parametrize(("email", "field"), [("not an email", "email"), ("owner@bright.example", "email")])
def test_bad_or_existing_members_are_refused_naming_the_field(db, demo, owner, email, field):
    owners = owner_team(db, demo["bright"])
    with pytest.raises(ValidationError) as caught:
        invite_person(db, account=demo["bright"], team_id=owners.id, email=email, by=owner, link_for=_link)
    assert list(caught.value.fields) == [field]
    assert db.scalars(select(OutboxEmail)).all() == []


def test_only_admins_invite_and_only_into_their_own_account(db, demo, owner, support):
    corner_team = owner_team(db, demo["corner"])
    with pytest.raises(NotFoundError):
        invite_person(db, account=demo["bright"], team_id=corner_team.id, email="x@y.example", by=owner, link_for=_link)
    helper = create_user(db, email="helper@bright.example", name="Helper", password=PASSWORD)
    add_member(db, support, helper)
    with pytest.raises(PermissionDeniedError):
        invite_person(db, account=demo["bright"], team_id=support.id, email="x@y.example", by=helper, link_for=_link)
    assert db.scalars(select(Invitation)).all() == []


def test_a_newcomer_accepts_once_and_is_signed_in_to_the_account(db, demo, owner, support):
    token = _invite(db, demo, owner, support)
    with pytest.raises(ValidationError) as caught:
        accept_invitation(db, token=token, name="", password="short")
    assert set(caught.value.fields) == {"name", "password"}
    assert _user(db, "new.hire@bright.example") is None

    signed_in = accept_invitation(db, token=token, name="New Hire", password=PASSWORD)
    db.commit()
    newcomer = _user(db, "new.hire@bright.example")
    assert newcomer.name == "New Hire"
    assert permissions_in(db, newcomer, demo["bright"]) == {Permission.SUPPORT}
    assert resume_session(db, signed_in.token).account_id == demo["bright"].id
    with pytest.raises(InvitationGoneError, match="already been accepted"):
        accept_invitation(db, token=token, name="Again", password=PASSWORD)


def test_an_existing_person_proves_it_with_their_own_password(db, demo, owner, support):
    token = _invite(db, demo, owner, support, email="sam@books.example")
    with pytest.raises(ValidationError) as caught:
        accept_invitation(db, token=token, password="not sams password")
    assert list(caught.value.fields) == ["password"]
    sam = _user(db, "sam@books.example")
    assert permissions_in(db, sam, demo["bright"]) == frozenset()
    signed_in = accept_invitation(db, token=token, password="cascade-demo", name="Ignored")
    assert sam.name == "Sam at Books"
    assert signed_in.login_session.account_id == demo["bright"].id
    assert permissions_in(db, sam, demo["bright"]) == {Permission.SUPPORT}


def test_guessing_a_password_through_an_invitation_is_throttled_like_sign_in(db, demo, owner, support):
    token = _invite(db, demo, owner, support, email="sam@books.example")
    for _ in range(MAX_FAILURES_PER_EMAIL_AND_ADDRESS):
        with pytest.raises(ValidationError):
            accept_invitation(db, token=token, password="guess")
    with pytest.raises(ValidationError, match="Too many"):
        accept_invitation(db, token=token, password="cascade-demo")
    assert db.scalar(select(Membership).join(User).where(User.email == "sam@books.example",
                                                         Membership.team_id == support.id)) is None


def test_a_link_expires_after_seven_days(db, demo, owner, support, frozen_clock):
    token = _invite(db, demo, owner, support)
    frozen_clock.advance(timedelta(days=7))
    with pytest.raises(InvitationGoneError, match="expired"):
        accept_invitation(db, token=token, name="Late", password=PASSWORD)
    assert _user(db, "new.hire@bright.example") is None
    assert pending_invitations(db, support) == []


def test_a_withdrawn_invitation_no_longer_works(db, demo, owner, support):
    token = _invite(db, demo, owner, support)
    (invitation,) = pending_invitations(db, support)
    revoke_invitation(db, account=demo["bright"], team_id=support.id, invitation_id=invitation.id, by=owner)
    with pytest.raises(InvitationGoneError, match="withdrawn"):
        open_invitation(db, token)
    with pytest.raises(NotFoundError):
        open_invitation(db, token + "x")


def test_an_accepted_invitation_cannot_be_withdrawn(db, demo, owner, support):
    token = _invite(db, demo, owner, support)
    accept_invitation(db, token=token, name="New Hire", password=PASSWORD)
    invitation = db.scalars(select(Invitation)).one()
    with pytest.raises(ValidationError) as caught:
        revoke_invitation(db, account=demo["bright"], team_id=support.id, invitation_id=invitation.id, by=owner)
    assert "invitation" in caught.value.fields


def test_inviting_again_replaces_the_pending_link(db, demo, owner, support):
    first = _invite(db, demo, owner, support)
    second = _invite(db, demo, owner, support)
    with pytest.raises(InvitationGoneError):
        open_invitation(db, first)
    assert open_invitation(db, second).email == "new.hire@bright.example"
    assert len(pending_invitations(db, support)) == 1


def test_a_newcomer_locked_out_by_someone_elses_guesses_gets_no_half_made_login(db, demo, owner, support):
    for _ in range(MAX_FAILURES_PER_EMAIL_AND_ADDRESS):
        with pytest.raises(SignInError):
            sign_in(db, email="new.hire@bright.example", password="guess")
    token = _invite(db, demo, owner, support)
    with pytest.raises(ValidationError, match="Too many"):
        accept_invitation(db, token=token, name="New Hire", password=PASSWORD)
    db.commit()
    assert _user(db, "new.hire@bright.example") is None
    assert open_invitation(db, token).accepted_at is None
