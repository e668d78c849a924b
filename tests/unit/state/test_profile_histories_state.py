"""The Histories on a case's Profile tab as a browser drives them: lists, dialog, removal."""

from __future__ import annotations

import pytest
from sqlmodel import select

from immigration_app.models import CaseMember, Marriage
from immigration_app.services.db import session_scope
from immigration_app.services.histories import REQUIRED
from immigration_app.state.cases import CaseState
from immigration_app.state.profile_histories import FIELD_PREFIX, CaseHistoriesState, list_key
from tests.factories import make_case, make_viewer
from tests.unit.state.conftest import redirect_target, sign_in_as

pytestmark = pytest.mark.anyio

_MARRIAGE = {
    "spouse_family_name": "Perez",
    "spouse_given_name": "Juan",
    "date_of_marriage": "2015-06-01",
    "place_of_marriage": "Houston, TX, United States",
    "date_ended": "",
    "how_ended": "",
}


def _form(values: dict[str, str]) -> dict[str, str]:
    """What the dialog's form submits: every input carries the dialog's prefix."""
    return {FIELD_PREFIX + name: value for name, value in values.items()}


async def _histories_of_a_case(tab, role: str = "attorney", *, theirs: bool = False):
    """A case on screen, its client's card shown; returns the state and the client's id."""
    await sign_in_as(tab, role)
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        other = make_viewer(session, role="paralegal")
        case = make_case(session, actor=attorney, paralegal_id=other.id if theirs else None)
        person_id = session.exec(
            select(CaseMember.person_id).where(CaseMember.case_id == case.id)
        ).one()
    case_state = tab.state(CaseState)
    case_state.router = case_state.router.__class__.from_router_data(
        {"pathname": f"/cases/{case.reference}", "asPath": f"/cases/{case.reference}"}
    )
    await case_state.load()
    state = tab.state(CaseHistoriesState)
    await state.load()
    return state, person_id


async def test_a_card_shows_its_lists_and_the_five_year_gaps(tab):
    state, person_id = await _histories_of_a_case(tab)
    assert state.lists[list_key(person_id, "marriages")] == []
    [gap] = state.gaps[list_key(person_id, "addresses")]
    assert gap.startswith("No address from ")
    assert state.gaps[list_key(person_id, "employment")][0].startswith("No job from ")
    assert state.gaps[list_key(person_id, "parents")] == []


async def test_a_marriage_is_added_through_the_dialog_and_errors_stay_beside_their_fields(tab):
    state, person_id = await _histories_of_a_case(tab)
    await state.open_add(person_id, "marriages")
    assert (state.dialog_kind, state.dialog_title) == (
        "marriages",
        "Add a marriage for Maria Garcia",
    )

    await state.save_row(_form({**_MARRIAGE, "spouse_family_name": ""}))
    assert state.dialog_kind == "marriages"
    assert state.errors == {FIELD_PREFIX + "spouse_family_name": REQUIRED}

    await state.save_row(_form(_MARRIAGE))
    assert (state.dialog_kind, state.errors) == ("", {})
    [row] = state.lists[list_key(person_id, "marriages")]
    assert row.text == "Juan Perez, married in Houston, TX, United States"
    assert row.period.endswith(" to now")
    timeline = tab.state(CaseState).timeline
    assert timeline[0].summary == f"Added a marriage for Maria Garcia: {row.text}"


async def test_a_row_is_edited_with_its_stored_values_then_removed_once_confirmed(tab):
    state, person_id = await _histories_of_a_case(tab)
    await state.open_add(person_id, "marriages")
    await state.save_row(_form(_MARRIAGE))
    [row] = state.lists[list_key(person_id, "marriages")]

    await state.open_edit(person_id, "marriages", row.row_id)
    assert state.dialog_title == "Edit the marriage of Maria Garcia"
    assert state.draft["date_of_marriage"] == "2015-06-01"
    await state.save_row(_form({**state.draft, "date_ended": "2020-01-31", "how_ended": "divorce"}))
    [row] = state.lists[list_key(person_id, "marriages")]
    assert row.text.endswith("(ended by divorce)") and not row.period.endswith("now")

    await state.ask_remove(person_id, "marriages", row.row_id)
    assert state.removing_text == row.text
    await state.cancel_remove()
    assert state.removing_kind == ""
    await state.remove_row()  # nothing waits for confirmation: nothing is removed
    assert len(state.lists[list_key(person_id, "marriages")]) == 1

    await state.ask_remove(person_id, "marriages", row.row_id)
    await state.remove_row()
    assert state.lists[list_key(person_id, "marriages")] == []
    assert tab.state(CaseState).timeline[0].summary.startswith("Removed a marriage")


async def test_a_paralegal_can_neither_see_nor_change_another_paralegals_case(tab):
    state, person_id = await _histories_of_a_case(tab, "paralegal", theirs=True)
    assert state.lists == {}
    await state.open_add(person_id, "marriages")
    assert state.dialog_kind == ""
    # A forged dialog, as a crafted request could leave it: the service still refuses.
    state.dialog_kind, state.dialog_person_id = "marriages", person_id
    await state.save_row(_form(_MARRIAGE))
    with session_scope() as session:
        assert session.exec(select(Marriage)).all() == []


async def test_signed_out_callers_are_sent_to_sign_in(tab):
    state = tab.state(CaseHistoriesState)
    assert redirect_target(await state.load()).startswith("/login")
    assert redirect_target(await state.save_row(_form(_MARRIAGE))).startswith("/login")
    assert state.lists == {}
