"""Every handler checks who is calling, on the server, whatever the browser sends."""

import pytest

from immigration_app.models import Role
from immigration_app.services.case_list import CaseQuery, search_cases
from immigration_app.services.db import session_scope
from immigration_app.state.auth import AuthState, staff_only
from immigration_app.state.cases import CaseState, NewCaseState
from immigration_app.state.dashboard import DashboardState
from tests.factories import make_case, make_viewer
from tests.unit.state.conftest import app_states, redirect_target, sign_in_as

pytestmark = pytest.mark.anyio


def test_every_event_handler_declares_who_may_call_it():
    unguarded = []
    for state in app_states():
        for name, handler in state.event_handlers.items():
            # setvar only dispatches to set_<var> handlers, which are listed and checked themselves.
            if name == "setvar":
                continue
            guarded = hasattr(handler.fn, "allowed_roles")
            if not guarded and not getattr(handler.fn, "checks_portal_link", False):
                unguarded.append(f"{state.__name__}.{name}")
    assert unguarded == [], f"handlers without @staff_only, @public or @portal_only: {unguarded}"
    assert any(True for _ in app_states()), "no app states found: the check would pass vacuously"


def test_setvar_reaches_no_var_without_a_guarded_setter():
    # A browser can send setvar("x", value) to any state; Reflex then calls set_x.
    # With auto setters off, set_x exists only where we wrote it, guarded.
    for state in app_states():
        for var in state.vars:
            setter = state.event_handlers.get(f"set_{var}")
            assert setter is None or hasattr(setter.fn, "allowed_roles"), f"{state.__name__}.{var}"


@pytest.mark.parametrize("state_class", [DashboardState, NewCaseState, CaseState])
async def test_signed_out_caller_is_sent_to_sign_in_and_gets_no_data(tab, state_class, session):
    attorney = make_viewer(session, role="attorney")
    make_case(session, actor=attorney)
    session.commit()
    state = tab.state(state_class)
    event = await state.load()
    assert redirect_target(event).startswith("/login")
    assert getattr(state, "rows", []) == []
    assert getattr(state, "attorneys", []) == []


async def test_forged_cookie_is_treated_as_signed_out(tab):
    tab.state(AuthState).session_token = "forged-token-value"
    event = await tab.state(DashboardState).load()
    assert redirect_target(event).startswith("/login")


async def test_signed_in_paralegal_sees_their_cases(tab):
    viewer = await sign_in_as(tab, "paralegal")
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        make_case(session, actor=attorney, paralegal_id=viewer.id, family_name="Assigned")
        other = make_viewer(session, role="paralegal")
        make_case(session, actor=attorney, paralegal_id=other.id, family_name="Elsewhere")
    dashboard = tab.state(DashboardState)
    assert redirect_target(await dashboard.load()) is None
    assert [row.client for row in dashboard.rows] == ["Maria Assigned"]


async def test_forged_case_reference_for_someone_elses_case_shows_nothing(tab):
    await sign_in_as(tab, "paralegal")
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        other = make_viewer(session, role="paralegal")
        theirs = make_case(session, actor=attorney, paralegal_id=other.id)
    case_state = tab.state(CaseState)
    case_state.router = case_state.router.__class__.from_router_data(
        {"pathname": f"/cases/{theirs.reference}", "asPath": f"/cases/{theirs.reference}"}
    )
    await case_state.load()
    assert case_state.status == "missing"
    assert case_state.timeline == []


async def test_role_restricted_handler_refuses_other_roles(tab):
    calls = []

    @staff_only(Role.ADMIN)
    async def admin_chore(state):
        calls.append(state)

    await sign_in_as(tab, "paralegal")
    dashboard = tab.state(DashboardState)
    toast, redirect = await admin_chore(dashboard)
    assert calls == []
    assert "role does not allow" in str(toast.args)
    assert redirect_target(redirect) == "/"

    await sign_in_as(tab, "admin")
    await admin_chore(dashboard)
    assert calls == [dashboard]


async def test_new_case_create_refuses_signed_out_callers_and_writes_nothing(tab):
    event = await tab.state(NewCaseState).create({})
    assert redirect_target(event).startswith("/login")
    with session_scope() as session:
        admin = make_viewer(session, role="admin")
        assert search_cases(session, viewer=admin, query=CaseQuery()).total == 0


async def test_a_handler_called_from_inside_another_still_checks_its_own_roles(tab):
    """The case page opens its tabs inside one guarded event, reusing the caller it looked up;
    the inner handler's roles still apply to that caller."""
    from immigration_app.state.admin import TeamState

    await sign_in_as(tab, "paralegal")
    outcomes = []

    @staff_only()
    async def outer(state):
        outcomes.append(await TeamState.event_handlers["load"].fn(tab.state(TeamState)))

    await outer(tab.state(DashboardState))
    refusal = outcomes[0]
    assert redirect_target(refusal[-1]) == "/"
    assert tab.state(TeamState).staff == []
