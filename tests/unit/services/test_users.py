import pytest
from sqlmodel import func, select

from immigration_app.models import CaseEvent, User
from immigration_app.services.errors import InvalidInput
from immigration_app.services.users import change_role, create_user, list_staff, set_user_active
from tests.factories import make_user, make_viewer


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
        ({"full_name": "N" * 201}, "full_name"),
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


def test_deactivating_an_account_is_logged_and_cannot_lock_the_firm_out(session):
    admin = make_viewer(session, role="admin")
    paralegal = make_user(session, role="paralegal")
    set_user_active(session, actor=admin, user_id=paralegal.id, active=False)
    assert not paralegal.is_active
    event = session.exec(select(CaseEvent).where(CaseEvent.kind == "user_deactivated")).one()
    assert (event.actor_user_id, event.after) == (admin.id, {"is_active": False})

    with pytest.raises(InvalidInput, match="your own account"):
        set_user_active(session, actor=admin, user_id=admin.id, active=False)


def test_the_last_active_admin_keeps_the_admin_role(session):
    admin = make_viewer(session, role="admin")
    other_admin = make_viewer(session, role="admin")
    change_role(session, actor=admin, user_id=other_admin.id, role="attorney")
    with pytest.raises(InvalidInput, match="at least one active admin"):
        change_role(session, actor=admin, user_id=admin.id, role="paralegal")
    roles = session.exec(select(CaseEvent.after).where(CaseEvent.kind == "user_role_changed")).all()
    assert roles == [{"role": "attorney"}]


def test_role_change_to_an_unknown_role_is_refused(session):
    admin = make_viewer(session, role="admin")
    with pytest.raises(InvalidInput):
        change_role(session, actor=admin, user_id=admin.id, role="owner")


def test_staff_list_shows_active_people_first(session):
    make_user(session, role="attorney").is_active = False
    make_user(session, role="paralegal")
    session.flush()
    assert [row.is_active for row in list_staff(session)] == [True, False]
