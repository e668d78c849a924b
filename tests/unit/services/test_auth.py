from datetime import timedelta

import pytest
from sqlmodel import select

from immigration_app.models import AuthSession, CaseEvent, utcnow
from immigration_app.services.auth import (
    BAD_CREDENTIALS,
    SignedIn,
    SignInRefused,
    sign_in,
    sign_out,
    token_digest,
    viewer_for_token,
)
from immigration_app.services.passwords import hash_password, password_problem, verify_password
from immigration_app.settings import get_settings
from tests.factories import PASSWORD, make_user


def test_password_hash_is_argon2id_and_verifies_only_the_right_password():
    hashed = hash_password("a long enough secret")
    assert hashed.startswith("$argon2id$")
    assert "a long enough secret" not in hashed
    assert verify_password(hashed, "a long enough secret")
    assert not verify_password(hashed, "a long enough secreT")
    assert not verify_password("not a hash", "a long enough secret")


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short", False),
        ("eleven char", False),
        ("twelve chars", True),
        (" padded password ", False),
    ],
)
def test_password_rules(password, ok):
    assert (password_problem(password) is None) is ok


def test_sign_in_opens_a_session_and_stores_only_the_token_digest(session):
    user = make_user(session, role="attorney")
    outcome = sign_in(
        session,
        email=user.email.upper(),
        password=PASSWORD,
        client_address="10.0.0.7",
        user_agent="pytest",
    )
    assert isinstance(outcome, SignedIn)
    assert outcome.viewer.id == user.id
    stored = session.exec(select(AuthSession)).one()
    assert stored.token_sha256 == token_digest(outcome.token) != outcome.token
    assert stored.user_agent == "pytest"
    assert viewer_for_token(session, outcome.token).email == user.email
    assert session.exec(select(CaseEvent).where(CaseEvent.kind == "sign_in")).one()


def test_wrong_password_and_unknown_email_get_the_same_answer(session):
    user = make_user(session)
    wrong_password = sign_in(session, email=user.email, password="not the password")
    unknown_email = sign_in(session, email="nobody@firm.example", password=PASSWORD)
    assert wrong_password == unknown_email == SignInRefused(BAD_CREDENTIALS)
    failures = session.exec(select(CaseEvent).where(CaseEvent.kind == "sign_in_failed")).all()
    assert {event.actor_label for event in failures} == {user.email, "nobody@firm.example"}


def test_inactive_user_cannot_sign_in(session):
    user = make_user(session)
    user.is_active = False
    assert sign_in(session, email=user.email, password=PASSWORD) == SignInRefused(BAD_CREDENTIALS)


def test_failed_attempts_are_limited_per_account(session):
    user = make_user(session)
    for _ in range(5):
        assert sign_in(session, email=user.email, password="wrong password!") == SignInRefused(
            BAD_CREDENTIALS
        )
    blocked = sign_in(session, email=user.email, password=PASSWORD)
    assert isinstance(blocked, SignInRefused)
    assert "Too many failed sign-in attempts" in blocked.message
    # The same limit applies whether or not the account exists: nothing is revealed.
    for _ in range(5):
        sign_in(session, email="ghost@firm.example", password="wrong password!")
    ghost = sign_in(session, email="ghost@firm.example", password="wrong password!")
    assert ghost.message == blocked.message


def test_failed_attempts_are_limited_per_client_address(session):
    limit = int(get_settings().login_limit_per_address.split("/")[0])
    for attempt in range(limit):
        sign_in(
            session,
            email=f"guess{attempt}@firm.example",
            password="wrong password!",
            client_address="203.0.113.9",
        )
    fresh = make_user(session)
    from_that_address = sign_in(
        session, email=fresh.email, password=PASSWORD, client_address="203.0.113.9"
    )
    from_elsewhere = sign_in(
        session, email=fresh.email, password=PASSWORD, client_address="198.51.100.1"
    )
    assert isinstance(from_that_address, SignInRefused)
    assert isinstance(from_elsewhere, SignedIn)


def test_session_expires_after_idle_time(session):
    user = make_user(session)
    outcome = sign_in(session, email=user.email, password=PASSWORD)
    stored = session.exec(select(AuthSession)).one()
    stored.last_seen_at = utcnow() - timedelta(hours=get_settings().session_idle_hours, minutes=1)
    session.add(stored)
    assert viewer_for_token(session, outcome.token) is None


def test_session_in_use_stays_alive_and_is_touched(session):
    user = make_user(session)
    outcome = sign_in(session, email=user.email, password=PASSWORD)
    stored = session.exec(select(AuthSession)).one()
    earlier = utcnow() - timedelta(hours=get_settings().session_idle_hours - 1)
    stored.last_seen_at = earlier
    session.add(stored)
    assert viewer_for_token(session, outcome.token) is not None
    assert stored.last_seen_at > earlier + timedelta(minutes=30)


def test_session_past_its_absolute_expiry_is_refused(session):
    user = make_user(session)
    outcome = sign_in(session, email=user.email, password=PASSWORD)
    stored = session.exec(select(AuthSession)).one()
    stored.expires_at = utcnow() - timedelta(seconds=1)
    session.add(stored)
    assert viewer_for_token(session, outcome.token) is None


def test_sign_out_revokes_the_session(session):
    user = make_user(session)
    outcome = sign_in(session, email=user.email, password=PASSWORD)
    sign_out(session, token=outcome.token)
    assert viewer_for_token(session, outcome.token) is None
    assert session.exec(select(CaseEvent).where(CaseEvent.kind == "sign_out")).one()


def test_deactivating_a_user_ends_their_sessions(session):
    user = make_user(session)
    outcome = sign_in(session, email=user.email, password=PASSWORD)
    user.is_active = False
    session.add(user)
    assert viewer_for_token(session, outcome.token) is None


def test_unknown_or_empty_token_is_nobody(session):
    assert viewer_for_token(session, "") is None
    assert viewer_for_token(session, "made-up-token") is None
