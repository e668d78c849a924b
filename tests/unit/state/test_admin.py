"""Admin pages: only admins get data or make changes, whatever a browser sends."""

import pytest
from sqlmodel import select

from immigration_app.models import User
from immigration_app.services.db import session_scope
from immigration_app.state.admin import FirmSettingsState, TeamState
from tests.factories import make_user
from tests.unit.state.conftest import redirect_target, sign_in_as

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("role", ["paralegal", "attorney"])
async def test_non_admins_get_no_team_data_and_cannot_change_accounts(tab, role):
    await sign_in_as(tab, role)
    with session_scope() as session:
        target = make_user(session, role="paralegal")
    team = tab.state(TeamState)
    _, redirect = await team.load()
    assert redirect_target(redirect) == "/"
    assert team.staff == []
    await team.update_access(target.id, False)
    await team.update_role(target.id, "admin")
    await team.add_member(
        {"full_name": "Eve", "email": "eve@firm.example", "role": "admin", "password": "x" * 12}
    )
    with session_scope() as session:
        stored = session.get(User, target.id)
        assert (stored.is_active, stored.role) == (True, "paralegal")
        assert session.exec(select(User).where(User.email == "eve@firm.example")).first() is None


async def test_non_admins_cannot_change_firm_settings(tab):
    await sign_in_as(tab, "attorney")
    firm = tab.state(FirmSettingsState)
    await firm.save(
        {
            "name": "Hijacked",
            "address": "",
            "time_zone": "America/Chicago",
            "date_format": "YYYY-MM-DD",
        }
    )
    await firm.load()
    assert firm.name == ""


async def test_admin_adds_a_member_and_sees_field_errors(tab):
    await sign_in_as(tab, "admin")
    team = tab.state(TeamState)
    await team.load()
    await team.add_member(
        {"full_name": "", "email": "bad", "role": "paralegal", "password": "short"}
    )
    assert set(team.errors) == {"full_name", "email", "password"}
    await team.add_member(
        {
            "full_name": "New Person",
            "email": "new@firm.example",
            "role": "attorney",
            "password": "x" * 12,
        }
    )
    assert team.errors == {}
    assert "new@firm.example" in [member.email for member in team.staff]
