"""The Deadlines tab as a browser drives it: form data in, deadlines and errors out."""

import pytest

from immigration_app.services.db import session_scope
from immigration_app.state.deadlines import CaseDeadlinesState
from tests.factories import make_case, make_viewer
from tests.unit.state.conftest import sign_in_as

pytestmark = pytest.mark.anyio


async def _tab_on_case(tab, role: str) -> CaseDeadlinesState:
    viewer = await sign_in_as(tab, role)
    with session_scope() as session:
        case = make_case(session, actor=make_viewer(session, role="attorney"))
    state = tab.state(CaseDeadlinesState)
    state.reference = case.reference
    assert viewer
    return state


async def test_a_trigger_form_as_the_browser_sends_it_adds_the_deadline(tab):
    state = await _tab_on_case(tab, "attorney")
    await state.choose_trigger("rfe_notice")
    # Controls that are not on screen arrive as None.
    sent = {"trigger_on": "2026-03-02", "printed_on": "", "mailed": "on"}
    await state.add(sent | {"title": None, "due_on": None})
    assert state.errors == {}
    [deadline] = state.deadlines
    assert deadline.due == "05/28/2026"
    assert "87 days" in deadline.explanation


async def test_an_impossible_date_is_refused_beside_its_field(tab):
    state = await _tab_on_case(tab, "attorney")
    await state.add({"title": "Send translations", "due_on": "2026-02-30"})
    assert state.errors == {"due_on": "2026-02-30 is not a real date."}
    assert state.deadlines == []


async def test_a_client_email_interval_that_is_not_a_number_is_refused_beside_its_field(tab):
    state = await _tab_on_case(tab, "attorney")
    for odd in ("²", "9" * 5000, "-3"):
        await state.save_client_every({"which": "status_updates", "status_updates": odd})
        assert state.errors == {"status_updates": "Enter a whole number of days (0 = never)."}
    await state.save_client_every({"which": "status_updates", "status_updates": "12345"})
    assert "Choose between 0 (never) and" in state.errors["status_updates"]
