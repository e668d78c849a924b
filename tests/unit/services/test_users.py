import pytest
from sqlmodel import func, select

from immigration_app.models import CaseEvent, User
from immigration_app.services.errors import InvalidInput
from immigration_app.services.users import create_user


def _create(session, **overrides):
    values = dict(
        email="Paula@Firm.example",
        full_name="Paula Gomez",
        role="paralegal",
        password="twelve chars",
        actor=None,
    )
    return create_user(session, **{**values, **overrides})


def test_create_user_normalises_email_and_records_an_event(session):
    user = _create(session)
    assert user.email == "paula@firm.example"
    assert user.password_hash.startswith("$argon2id$")
    event = session.exec(select(CaseEvent).where(CaseEvent.kind == "user_created")).one()
    assert event.after == {
        "email": "paula@firm.example",
        "role": "paralegal",
        "full_name": "Paula Gomez",
    }
    assert "password" not in str(event.after)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "someone@localhost"}, "email"),
        ({"password": "too short"}, "password"),
        ({"role": "superuser"}, "role"),
        ({"full_name": "   "}, "full_name"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(session, overrides, field):
    with pytest.raises(InvalidInput) as raised:
        _create(session, **overrides)
    assert set(raised.value.fields) == {field}
    assert session.exec(select(func.count()).select_from(User)).one() == 0


def test_duplicate_email_is_refused_whatever_its_case(session):
    _create(session)
    with pytest.raises(InvalidInput) as raised:
        _create(session, email="PAULA@firm.example")
    assert raised.value.fields == {"email": "A user with this email already exists."}


def test_every_problem_is_reported_at_once(session):
    with pytest.raises(InvalidInput) as raised:
        _create(session, email="bad", password="short", role="boss", full_name="")
    assert set(raised.value.fields) == {"email", "password", "role", "full_name"}
