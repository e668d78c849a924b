"""The case workspace as a browser drives it: its timeline, key dates and people."""

from __future__ import annotations

import pytest

from immigration_app.models import Case
from immigration_app.services.audit import record_event
from immigration_app.services.cases import TIMELINE_PAGE
from immigration_app.services.db import session_scope
from immigration_app.services.people import PersonInput, create_person
from immigration_app.state.case_members import CaseMembersState
from immigration_app.state.cases import CaseState
from tests.factories import make_case, make_viewer
from tests.unit.state.conftest import sign_in_as

pytestmark = pytest.mark.anyio


async def _open(tab, role: str = "attorney", *, notes: int = 0, theirs: bool = False):
    """A case on screen for a signed-in `role`, with `notes` extra events on its timeline."""
    await sign_in_as(tab, role)
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        other = make_viewer(session, role="paralegal")
        case = make_case(session, actor=attorney, paralegal_id=other.id if theirs else None)
        for number in range(1, notes + 1):
            record_event(
                session, kind="note_added", summary=f"Note {number}", actor=None, case_id=case.id
            )
    state = tab.state(CaseState)
    state.router = state.router.__class__.from_router_data(
        {"pathname": f"/cases/{case.reference}", "asPath": f"/cases/{case.reference}"}
    )
    await state.load()
    return state, case


async def test_older_events_are_fetched_a_page_at_a_time_and_the_filter_starts_over(tab):
    state, _ = await _open(tab, notes=2 * TIMELINE_PAGE + 10)
    assert len(state.timeline) == TIMELINE_PAGE and state.timeline_has_older
    assert state.timeline[0].summary == f"Note {2 * TIMELINE_PAGE + 10}"

    await state.show_older_events()
    assert len(state.timeline) == 2 * TIMELINE_PAGE and state.timeline_has_older
    await state.show_older_events()
    assert len(state.timeline) == 2 * TIMELINE_PAGE + 11 and not state.timeline_has_older
    assert state.timeline[-1].kind == "case_opened"

    await state.filter_timeline("case_opened")
    assert [entry.kind for entry in state.timeline] == ["case_opened"]
    assert not state.timeline_has_older
    await state.filter_timeline("note_added")
    assert len(state.timeline) == TIMELINE_PAGE and state.timeline_has_older


async def test_the_priority_date_is_saved_from_the_header_with_errors_beside_the_field(tab):
    state, case = await _open(tab)
    await state.save_priority_date({"priority_date": "2999-01-01"})
    assert state.errors == {"priority_date": "A priority date cannot be in the future."}
    assert state.header.priority_date == ""
    await state.save_priority_date({"priority_date": "2019-03-15"})
    assert (state.errors, state.header.priority_date) == ({}, "03/15/2019")
    assert state.timeline[0].summary == "Priority date set to 03/15/2019"


async def test_a_paralegal_cannot_set_the_priority_date_of_another_paralegals_case(tab):
    state, case = await _open(tab, "paralegal", theirs=True)
    assert state.status == "missing"
    state.reference = case.reference  # a hand-made call, as any browser could send
    await state.save_priority_date({"priority_date": "2019-03-15"})
    with session_scope() as session:
        assert session.get(Case, case.id).priority_date is None


async def test_a_person_is_found_and_added_with_their_role_then_taken_off_again(tab):
    state, case = await _open(tab)
    with session_scope() as session:
        create_person(session, PersonInput("Lindqvist", "Ebba", date_of_birth="1990-04-05"))
    people = tab.state(CaseMembersState)
    await people.open_add()
    assert people.adding
    await people.find_people({"person_search": "lindq"})
    [match] = people.matches
    await people.add_existing(match.id, match.name)
    assert people.errors == {"role": "Choose their role on the case first."}
    await people.choose_role("not-a-role")
    assert people.role == ""
    await people.choose_role("applicant")
    await people.add_existing(match.id, match.name)
    assert not people.adding and people.errors == {}
    added = next(m for m in state.members if m.name == "Ebba Lindqvist")
    assert (added.role_key, state.timeline[0].kind) == ("applicant", "member_added")

    client = next(m for m in state.members if m.is_client)
    await people.remove(client.member_id)
    assert people.refused_member_id == 0  # another applicant remains: the client passes on
    assert [m.name for m in state.members] == ["Ebba Lindqvist"]
    assert state.members[0].is_client
    await people.remove(added.member_id)
    assert people.refused_member_id == added.member_id
    assert people.refusal == "Ebba Lindqvist is the only person on this case."


async def test_a_new_person_like_one_on_file_is_shown_first_and_added_once_confirmed(tab):
    state, _ = await _open(tab)
    people = tab.state(CaseMembersState)
    await people.open_add()
    await people.choose_role("applicant")
    await people.add_new({"new_family_name": "", "new_given_name": "Maria"})
    assert "new_family_name" in people.errors
    await people.add_new(
        {"new_family_name": "Garcia", "new_given_name": "Maria", "new_date_of_birth": "1980-05-17"}
    )
    assert [d.name for d in people.duplicates] == ["Maria Garcia"]  # the case's own client
    assert len(state.members) == 1
    await people.add_new_anyway()
    assert len(state.members) == 2 and not people.adding


async def test_a_role_change_refused_shows_on_that_persons_card(tab):
    state, _ = await _open(tab)
    people = tab.state(CaseMembersState)
    [client] = state.members
    await people.change_role({"member_id": str(client.member_id), "role": "applicant"})
    assert people.refused_member_id == 0  # already their role: nothing to do
    await people.change_role({"member_id": str(client.member_id), "role": "beneficiary"})
    assert people.refused_member_id == client.member_id
    assert people.refusal == "Choose a role this type of case has."


async def test_an_attorney_closes_from_the_header_dialog_and_reopens(tab):
    state, case = await _open(tab)
    assert state.may_assign
    await state.open_closing_dialog("close")
    await state.close({"outcome": "", "closing_note": ""})
    assert state.errors == {"outcome": "Choose how the case ended."}
    assert state.closing_dialog == "close"  # stays open, with the message beside the field

    await state.close({"outcome": "approved", "closing_note": "Card received"})
    assert (state.errors, state.closing_dialog) == ({}, "")
    assert state.header.closed_outcome == "Approved" and state.header.closed_on != ""
    assert state.timeline[0].kind == "case_closed"

    await state.open_closing_dialog("reopen")
    await state.reopen({"reopen_reason": "Appeal filed"})
    assert state.header.closed_on == "" and state.timeline[0].kind == "case_reopened"


async def test_a_paralegal_calling_the_close_handler_changes_nothing(tab):
    state, case = await _open(tab, "paralegal")
    assert state.status == "found" and not state.may_assign
    await state.close({"outcome": "approved", "closing_note": "", "waive_deadlines": "on"})
    with session_scope() as session:
        assert session.get(Case, case.id).closed_on is None
