"""Who may do what, proven on every handler the app has, called as a hostile browser would.

Handlers are enumerated from the app, never listed by hand: a handler added later is called
here too, and fails unless it keeps to the rules.

- Roles: every handler is called by every caller outside its roles (signed out, a client on a
  portal link, each staff role) with arguments of its choosing; each is refused and nothing in
  the database changes. The roles themselves are pinned in `expected_roles`.
- Cases: a paralegal calls every staff handler with the ids of another paralegal's case, from
  their own case's page and from that case's forged address; nothing of that case changes, and
  nothing of it shows up in anything the browser is sent.
- Portal: a client on their link calls every portal handler with the ids of another client's
  case; the same holds.
- Controls: the same calls aimed at the caller's own case do change it and show it, so the
  checks above can fail.
"""

from __future__ import annotations

import json

import pytest

from immigration_app.services.db import get_engine
from immigration_app.state.auth import STAFF, AuthState
from immigration_app.state.portal import PortalState
from tests.unit.access_world import (
    A_MARK,
    B_SECRET,
    Side,
    World,
    all_rows,
    build_world,
    case_rows,
    changed_tables,
)
from tests.unit.state.conftest import Tab, app_states, redirect_target
from tests.unit.state.hostile_calls import argument_sets, handlers_of, invoke

pytestmark = pytest.mark.anyio

ADMIN_ONLY_STATES = {
    "AuditLogState",
    "ChecklistsState",
    "FirmSettingsState",
    "FormLibraryState",
    "FormMapState",
    "ProcessingTimesState",
    "TeamState",
    "TemplatesState",
}
ADMIN_ONLY = {"BoardState.save_limit", "BoardState.save_skip", "BoardState.save_name"}
ATTORNEY_OR_ADMIN = {
    "CaseState.assign",
    "CaseState.open_closing_dialog",
    "CaseState.close",
    "CaseState.reopen",
}
# Anyone may call these: signing in and out, a portal visitor's first steps, and what only
# moves this tab's own widgets (an upload's progress bar, closing a dialog).
PUBLIC = {
    "AuthState.redirect_if_signed_in",
    "AuthState.submit_sign_in",
    "AuthState.submit_sign_out",
    "AuthState.submit_sign_in_code",  # each step checks the sign-in pending on the server
    "AuthState.submit_enrolment_code",
    "AuthState.continue_after_recovery_codes",
    "AuthState.cancel_sign_in",
    "PortalState.load",
    "PortalState.confirm_birth_date",
    "PortalState.close_upload",
    "PortalLetterState.forget_letter",
    "PortalLetterState.close_letter",
    "PortalIntakeState.forget",
}
PUBLIC_NAMES = {"upload_progress", "letter_upload_progress"}
PORTAL_STATES = {"PortalState", "PortalIntakeState", "PortalLetterState"}
CALLERS = ("signed_out", "portal", "paralegal", "attorney", "admin")


def expected_roles(state_name: str, handler_name: str) -> str:
    """The rule each handler must declare: "public", "portal", or the roles joined by commas."""
    qualified = f"{state_name}.{handler_name}"
    if qualified in PUBLIC or handler_name in PUBLIC_NAMES:
        return "public"
    if state_name in PORTAL_STATES:
        return "portal"
    if qualified in ADMIN_ONLY or state_name in ADMIN_ONLY_STATES:
        return "admin"
    if qualified in ATTORNEY_OR_ADMIN:
        return "admin,attorney"
    return ",".join(sorted(role.value for role in STAFF))


def declared_roles(handler) -> str:
    if getattr(handler.fn, "checks_portal_link", False):
        return "portal"
    roles = getattr(handler.fn, "allowed_roles", None)
    if roles is None:
        return "unguarded"
    return ",".join(sorted(role.value for role in roles)) if roles else "public"


def every_handler():
    """Every handler of every state; signing in and out last, so the caller stays who they are
    while the others are tried."""
    states = sorted(app_states(), key=lambda state: state is AuthState)
    for state_class in states:
        for name in handlers_of(state_class):
            yield state_class, name, state_class.event_handlers[name]


def test_every_handler_declares_exactly_the_roles_the_firm_expects():
    handlers = list(every_handler())
    assert len(handlers) > 150, "the app's handlers were not found: the matrix would be empty"
    wrong = [
        f"{state.__name__}.{name}: declares {declared_roles(handler)}, "
        f"expected {expected_roles(state.__name__, name)}"
        for state, name, handler in handlers
        if declared_roles(handler) != expected_roles(state.__name__, name)
    ]
    assert wrong == []


@pytest.fixture
def world(session) -> World:
    return build_world(session)


def _open_at(tab: Tab, path: str) -> None:
    """Every state of the tab sees the browser at `path`, as after a navigation."""
    for state_class in app_states():
        state = tab.state(state_class)
        state.router = state.router.__class__.from_router_data({"pathname": path, "asPath": path})


async def tab_for(world: World, caller: str, case_page: Side) -> Tab:
    tab = Tab()
    if caller == "portal":
        _open_at(tab, f"/portal/{world.a.portal_token}")
        await invoke(tab.state(PortalState), "load", ())
        assert tab.state(PortalState).phase == "open"
        return tab
    if caller in world.tokens:
        tab.state(AuthState).session_token = world.tokens[caller]
    _open_at(tab, f"/cases/{case_page.reference}")
    return tab


def may_call(rule: str, caller: str) -> bool:
    if rule == "public":
        return True
    if rule == "portal":
        return caller == "portal"
    return caller in rule.split(",")


def _refusal_problem(rule: str, caller: str, result) -> str | None:
    """Why `result` is not the refusal a guarded handler must give `caller`, or None."""
    if rule == "portal":
        return None if result is None else f"returned {result!r}"
    events = result if isinstance(result, list) else [result]
    target = redirect_target(events[-1]) if events else None
    signed_in = caller in ("paralegal", "attorney", "admin")
    expected = "/" if signed_in else "/login"
    if target is None or target.split("?")[0] != expected:
        return f"not sent to {expected}: {result!r}"
    return None


@pytest.mark.parametrize("caller", CALLERS)
async def test_every_handler_refuses_callers_outside_its_roles_and_changes_nothing(world, caller):
    tab = await tab_for(world, caller, world.a)
    with get_engine().connect() as connection:
        before = all_rows(connection)
    problems, calls = [], 0
    for state_class, name, handler in every_handler():
        rule = declared_roles(handler)
        if may_call(rule, caller):
            continue
        for arguments in await argument_sets(handler, world, world.b):
            calls += 1
            result = await invoke(tab.state(state_class), name, arguments)
            problem = _refusal_problem(rule, caller, result)
            with get_engine().connect() as connection:
                after = all_rows(connection)
            if after != before:
                problem = f"changed {changed_tables(before, after)}"
                before = after
            if problem:
                problems.append(f"{state_class.__name__}.{name}: {problem}")
    assert calls > 10 or caller == "admin", "too few refusals tried: the matrix would be empty"
    assert problems == []


def _shown(tab: Tab, result) -> str:
    """Everything this tab's browser holds or was just sent."""
    return json.dumps(tab.root.dict(), default=str) + repr(result)


async def _load_every_page(tab: Tab) -> None:
    for state_class in app_states():
        if "load" in state_class.event_handlers and state_class.__name__ not in PORTAL_STATES:
            await invoke(tab.state(state_class), "load", ())


async def _aim_everything(world: World, tab: Tab, caller: str, target: Side, *, portal: bool):
    """Call every handler `caller` may call, with `target`'s ids; return what changed on the
    target's case per handler, what the browser was shown of it, and the calls made."""
    changed, shown, calls = [], [], 0
    mark = B_SECRET if target is world.b else A_MARK
    with get_engine().connect() as connection:
        before = case_rows(connection, target.case_id)
    for state_class, name, handler in every_handler():
        rule = declared_roles(handler)
        if (state_class.__name__ in PORTAL_STATES) != portal or not may_call(rule, caller):
            continue
        for arguments in await argument_sets(handler, world, target):
            calls += 1
            try:
                result = await invoke(tab.state(state_class), name, arguments)
            except Exception as error:
                result = error
            with get_engine().connect() as connection:
                after = case_rows(connection, target.case_id)
            if after != before:
                changed.append(f"{state_class.__name__}.{name}: {changed_tables(before, after)}")
                before = after
            if not shown and mark in _shown(tab, result):  # the first handler that showed it
                shown.append(f"{state_class.__name__}.{name}")
    return changed, shown, calls


@pytest.mark.parametrize("page", ["own case", "forged address of the other case"])
async def test_a_paralegal_can_neither_change_nor_see_another_paralegals_case(world, page):
    tab = await tab_for(world, "paralegal", world.a if page == "own case" else world.b)
    await _load_every_page(tab)
    changed, shown, calls = await _aim_everything(world, tab, "paralegal", world.b, portal=False)
    assert calls > 100
    assert changed == []
    assert shown == []


async def test_a_client_can_neither_change_nor_see_another_clients_case(world):
    tab = await tab_for(world, "portal", world.a)
    changed, shown, calls = await _aim_everything(world, tab, "portal", world.b, portal=True)
    assert calls > 10
    assert changed == []
    assert shown == []


async def test_controls_the_same_calls_on_the_callers_own_case_do_change_and_show_it(world):
    portal_tab = await tab_for(world, "portal", world.a)
    changed, shown, _ = await _aim_everything(world, portal_tab, "portal", world.a, portal=True)
    assert changed, "a client's own changes were not seen: the portal check could not fail"
    assert shown
    tab = await tab_for(world, "paralegal", world.a)
    await _load_every_page(tab)
    changed, shown, _ = await _aim_everything(world, tab, "paralegal", world.a, portal=False)
    assert len(changed) >= 10, changed
    assert shown
