import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.errors import NotFoundError, ValidationError
from core.models.audit import AuditEvent
from core.models.invitations import PasswordReset
from core.models.outbox import OutboxEmail
from core.models.people import User
from core.passwords import verify_password
from core.services.password_resets import (
    MAX_REQUESTS_PER_LIFETIME,
    ResetLinkGoneError,
    open_password_reset,
    request_password_reset,
    reset_password,
)
from core.services.sign_in import MAX_FAILURES_PER_EMAIL_AND_ADDRESS, SignInError, resume_session, sign_in

NEW_PASSWORD = "a brand new password"


def _link(token):
    return f"https://bss.example/bss/password/reset/{token}"


def _request(db, email="owner@bright.example"):
    """Ask for a link and return the token from the email, or ``None`` when none was sent."""
    before = len(db.scalars(select(OutboxEmail)).all())
    request_password_reset(db, email=email, link_for=_link)
    db.commit()
    emails = db.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()
    if len(emails) == before:
        return None
    return re.search(r"/bss/password/reset/([\w-]+)", emails[-1].text_body).group(1)


def _owner(db):
    return db.scalar(select(User).where(User.email == "owner@bright.example"))


def test_a_known_person_is_emailed_a_one_hour_link(db, demo, frozen_clock):
    token = _request(db, " OWNER@bright.example")
    email = db.scalars(select(OutboxEmail)).one()
    assert email.to_address == "owner@bright.example"
    assert token and len(token) >= 40
    reset = open_password_reset(db, token)
    assert reset.user == _owner(db)
    assert reset.token_hash != token and len(reset.token_hash) == 64
    assert reset.expires_at == frozen_clock.now() + timedelta(hours=1)


def test_unknown_and_disabled_people_get_nothing(db, demo):
    _owner(db).active = False
    assert _request(db, "ghost@nowhere.example") is None
    assert _request(db, "owner@bright.example") is None
    assert db.scalars(select(PasswordReset)).all() == []


def test_an_inbox_is_not_flooded_with_links(db, demo, frozen_clock):
    tokens = [_request(db) for _ in range(MAX_REQUESTS_PER_LIFETIME + 1)]
    assert all(tokens[:-1]) and tokens[-1] is None
    frozen_clock.advance(timedelta(hours=1, seconds=1))
    assert _request(db) is not None


def test_resetting_sets_the_password_and_signs_out_everywhere(db, demo):
    laptop = sign_in(db, email="owner@bright.example", password="cascade-demo")
    phone = sign_in(db, email="owner@bright.example", password="cascade-demo")
    other_person = sign_in(db, email="owner@corner.example", password="cascade-demo")
    first, second = _request(db), _request(db)
    reset_password(db, token=second, password=NEW_PASSWORD, confirmation=NEW_PASSWORD)
    db.commit()
    owner = _owner(db)
    assert verify_password(owner.password_hash, NEW_PASSWORD)
    assert resume_session(db, laptop.token) is None and resume_session(db, phone.token) is None
    assert resume_session(db, other_person.token) is not None
    for used in (first, second):
        with pytest.raises(ResetLinkGoneError, match="already been used"):
            open_password_reset(db, used)
    with pytest.raises(SignInError):
        sign_in(db, email="owner@bright.example", password="cascade-demo")
    assert sign_in(db, email="owner@bright.example", password=NEW_PASSWORD)
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "user.password_reset")).one()
    assert event.account_id == demo["bright"].id and event.changes == {"sessions_revoked": 2}


def test_a_reset_lifts_a_lockout_caused_by_password_guessing(db, demo):
    for _ in range(MAX_FAILURES_PER_EMAIL_AND_ADDRESS):
        with pytest.raises(SignInError):
            sign_in(db, email="owner@bright.example", password="guess")
    token = _request(db)
    reset_password(db, token=token, password=NEW_PASSWORD, confirmation=NEW_PASSWORD)
    assert sign_in(db, email="owner@bright.example", password=NEW_PASSWORD)


@pytest.mark.parametrize(
    ("password", "confirmation", "fields"),
    [("short", "short", {"password"}), (NEW_PASSWORD, NEW_PASSWORD + "!", {"confirmation"})],
)
def test_a_bad_new_password_changes_nothing(db, demo, password, confirmation, fields):
    session_before = sign_in(db, email="owner@bright.example", password="cascade-demo")
    token = _request(db)
    with pytest.raises(ValidationError) as caught:
        reset_password(db, token=token, password=password, confirmation=confirmation)
    assert set(caught.value.fields) == fields
    assert verify_password(_owner(db).password_hash, "cascade-demo")
    assert resume_session(db, session_before.token) is not None
    assert open_password_reset(db, token).used_at is None


def test_a_link_expires_after_an_hour(db, demo, frozen_clock):
    token = _request(db)
    frozen_clock.advance(timedelta(hours=1))
    with pytest.raises(ResetLinkGoneError, match="expired"):
        reset_password(db, token=token, password=NEW_PASSWORD, confirmation=NEW_PASSWORD)
    assert verify_password(_owner(db).password_hash, "cascade-demo")


def test_an_unknown_link_is_not_found(db, demo):
    with pytest.raises(NotFoundError) as caught:
        open_password_reset(db, "made-up-token")
    assert not isinstance(caught.value, ResetLinkGoneError)
