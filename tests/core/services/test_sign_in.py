import re
import threading
from datetime import timedelta

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFoundError
from core.models.outbox import OutboxEmail
from core.models.people import LoginSession
from core.passwords import PARAMETERS, needs_rehash
from core.services.people import add_member, create_user, owner_team
from core.services.sign_in import (
    MAX_FAILURES_PER_ADDRESS,
    MAX_FAILURES_PER_EMAIL,
    MAX_FAILURES_PER_EMAIL_AND_ADDRESS,
    NotStaffError,
    SignInError,
    ThrottledError,
    delay,
    resume_session,
    sign_in,
    sign_out,
    switch_account,
    unlock_sign_in,
)
from tests.processes import rows_removed_afterwards

PASSWORD = "correct horse battery"


@pytest.fixture
def person(db, demo):
    """Ann, who works at Bright IT: the back office is for sellers' staff."""
    user = create_user(db, email="Ann@Example.com", name="Ann", password=PASSWORD)
    add_member(db, owner_team(db, demo["bright"]), user)
    db.commit()
    return user


def test_signing_in_opens_a_session_with_a_fresh_token(db, demo):
    first = sign_in(db, email="owner@bright.example", password="cascade-demo")
    second = sign_in(db, email="OWNER@bright.example ", password="cascade-demo")
    assert first.token != second.token
    assert first.login_session.token_hash != first.token, "only a hash is stored"
    assert first.login_session.account_id == demo["bright"].id
    assert resume_session(db, first.token) is first.login_session


@pytest.mark.parametrize(
    ("email", "password"),
    [("ann@example.com", "wrong password!"), ("nobody@example.com", PASSWORD), ("", "")],
)
def test_a_failed_sign_in_never_says_which_part_was_wrong(db, person, email, password):
    with pytest.raises(SignInError) as caught:
        sign_in(db, email=email, password=password)
    assert caught.value.detail == "That email and password do not match an active account."


def test_a_disabled_person_cannot_sign_in_nor_keep_a_session(db, person):
    token = sign_in(db, email="ann@example.com", password=PASSWORD).token
    person.active = False
    assert resume_session(db, token) is None
    with pytest.raises(SignInError, match="do not match"):
        sign_in(db, email="ann@example.com", password=PASSWORD)


def test_repeated_failures_lock_the_email_for_a_while(db, person, frozen_clock):
    for _ in range(MAX_FAILURES_PER_EMAIL_AND_ADDRESS):
        with pytest.raises(SignInError):
            sign_in(db, email="ann@example.com", password="guess guess guess")
    with pytest.raises(ThrottledError):
        sign_in(db, email="ann@example.com", password=PASSWORD)
    frozen_clock.advance(timedelta(minutes=16))
    assert sign_in(db, email="ann@example.com", password=PASSWORD).token


def test_repeated_failures_from_one_address_lock_that_address(db, person):
    for n in range(MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(SignInError):
            sign_in(db, email=f"guess{n}@example.com", password="x" * 12, ip_address="203.0.113.9")
    with pytest.raises(ThrottledError):
        sign_in(db, email="ann@example.com", password=PASSWORD, ip_address="203.0.113.9")
    assert sign_in(db, email="ann@example.com", password=PASSWORD, ip_address="198.51.100.1").token


def test_signing_out_revokes_the_session(db, person):
    signed_in = sign_in(db, email="ann@example.com", password=PASSWORD)
    sign_out(db, signed_in.login_session)
    assert resume_session(db, signed_in.token) is None
    assert db.get(LoginSession, signed_in.login_session.id).revoked_at is not None


def test_a_session_ends_after_its_lifetime(db, person, frozen_clock):
    token = sign_in(db, email="ann@example.com", password=PASSWORD).token
    frozen_clock.advance(timedelta(hours=11))
    assert resume_session(db, token) is not None
    frozen_clock.advance(timedelta(hours=2))
    assert resume_session(db, token) is None


def test_switching_only_between_ones_own_accounts(db, demo, person):
    add_member(db, owner_team(db, demo["corner"]), person)
    add_member(db, owner_team(db, demo["harbour"]), person)
    signed_in = sign_in(db, email="ann@example.com", password=PASSWORD)
    assert switch_account(db, signed_in.login_session, demo["corner"].id) is demo["corner"]
    assert signed_in.login_session.account_id == demo["corner"].id
    for elsewhere in (demo["northwind"], demo["harbour"]):  # not one of Ann's; a customer's, served on its shop
        with pytest.raises(NotFoundError):
            switch_account(db, signed_in.login_session, elsewhere.id)


def test_a_customer_s_person_is_refused_once_the_password_is_right_and_sent_to_its_shop(db, demo):
    with pytest.raises(SignInError) as wrong:
        sign_in(db, email="sam@books.example", password="not the password")
    assert not isinstance(wrong.value, NotStaffError), "a wrong password says nothing of the person"
    with pytest.raises(NotStaffError) as refused:
        sign_in(db, email="sam@books.example", password="cascade-demo")
    assert refused.value.user.email == "sam@books.example"
    assert db.scalar(select(LoginSession).where(LoginSession.user_id == refused.value.user.id)) is None


def _fails(db, times, ip_address=None, email="ann@example.com"):
    for _ in range(times):
        with pytest.raises(SignInError):
            sign_in(db, email=email, password="guess guess guess", ip_address=ip_address)


def test_signing_in_leaves_the_guesses_made_from_the_same_address_counted(db, person):
    for n in range(MAX_FAILURES_PER_ADDRESS - 2):
        _fails(db, 1, "203.0.113.9", email=f"guess{n}@example.com")
    assert sign_in(db, email="ann@example.com", password=PASSWORD, ip_address="203.0.113.9").token
    _fails(db, 2, "203.0.113.9", email="guess@example.com")  # the address's last two before its limit
    with pytest.raises(ThrottledError):
        sign_in(db, email="ann@example.com", password=PASSWORD, ip_address="203.0.113.9")


def test_a_password_hashed_at_older_parameters_is_hashed_again_at_sign_in(db, person):
    person.password_hash = PasswordHasher(time_cost=1, memory_cost=16, parallelism=1, hash_len=8, salt_len=8).hash(PASSWORD)
    db.commit()
    sign_in(db, email="ann@example.com", password=PASSWORD)
    assert not needs_rehash(person.password_hash)
    assert sign_in(db, email="ann@example.com", password=PASSWORD).token, "the new hash holds the same password"


def test_passwords_are_hashed_with_argon2id_above_owasps_minimum():
    """OWASP's Password Storage Cheat Sheet: argon2id with at least 19 MiB of memory, 2 passes, 1 lane."""
    assert PARAMETERS.type is Type.ID
    assert PARAMETERS.memory_cost >= 19 * 1024 and PARAMETERS.time_cost >= 2 and PARAMETERS.parallelism >= 1


def test_someone_guessing_from_one_address_never_locks_the_owner_out_from_another(db, person):
    _fails(db, MAX_FAILURES_PER_EMAIL_AND_ADDRESS, "203.0.113.9")
    with pytest.raises(ThrottledError):
        sign_in(db, email="ann@example.com", password=PASSWORD, ip_address="203.0.113.9")
    assert sign_in(db, email="ann@example.com", password=PASSWORD, ip_address="198.51.100.1").token


def test_each_failure_past_the_limit_doubles_the_wait(db, person, frozen_clock):
    _fails(db, MAX_FAILURES_PER_EMAIL_AND_ADDRESS, "203.0.113.9")
    assert delay(MAX_FAILURES_PER_EMAIL_AND_ADDRESS, MAX_FAILURES_PER_EMAIL_AND_ADDRESS) == timedelta(minutes=1)
    frozen_clock.advance(timedelta(minutes=1))
    _fails(db, 1, "203.0.113.9")  # one more guess, now two minutes to wait
    frozen_clock.advance(timedelta(minutes=1))
    with pytest.raises(ThrottledError):
        sign_in(db, email="ann@example.com", password=PASSWORD, ip_address="203.0.113.9")
    frozen_clock.advance(timedelta(minutes=1))
    assert sign_in(db, email="ann@example.com", password=PASSWORD, ip_address="203.0.113.9").token
    assert delay(12, 5) == timedelta(hours=1)  # at most an hour


def test_guesses_from_many_addresses_pause_the_login_until_its_owner_lifts_the_pause(db, person):
    for n in range(MAX_FAILURES_PER_EMAIL):
        _fails(db, 1, f"10.0.{n // 250}.{n % 250}")
    with pytest.raises(ThrottledError):  # even the right password, from a new address
        sign_in(db, email="ann@example.com", password=PASSWORD, ip_address="198.51.100.1")
    (email,) = db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == "ann@example.com")).all()
    assert email.subject == "Sign-ins to your login are paused"
    token = re.search(r"/bss/sign-in/unlock/(\S+)", email.text_body).group(1)
    assert unlock_sign_in(db, token) == "ann@example.com"
    assert sign_in(db, email="ann@example.com", password=PASSWORD, ip_address="198.51.100.1").token
    with pytest.raises(NotFoundError):
        unlock_sign_in(db, token)  # once


def test_concurrent_guesses_are_counted_one_by_one(demo_database):
    """Guesses at once, each in its own session: at most the limit reach the password check."""
    engine = demo_database.engine
    with rows_removed_afterwards(engine):
        outcomes, together = [], threading.Barrier(8)

        def guess() -> None:
            with Session(engine) as session:
                together.wait()
                try:
                    sign_in(session, email="owner@bright.example", password="guess guess guess",
                            ip_address="203.0.113.7")
                except ThrottledError:
                    outcomes.append("throttled")
                except SignInError:
                    outcomes.append("checked")

        guessers = [threading.Thread(target=guess) for _ in range(8)]
        for guesser in guessers:
            guesser.start()
        for guesser in guessers:
            guesser.join()
    assert sorted(outcomes) == ["checked"] * MAX_FAILURES_PER_EMAIL_AND_ADDRESS + ["throttled"] * 3
