"""The Documents tab as a browser drives it: grouped checklists, dialogs, the link shown once."""

import pytest

from immigration_app.services.db import session_scope
from immigration_app.state.documents import CaseDocumentsState
from tests.factories import make_case, make_viewer
from tests.unit.services.test_documents import item, member_of, upload
from tests.unit.state.conftest import sign_in_as

pytestmark = pytest.mark.anyio


async def _tab_on_case(tab, role: str = "attorney", *, theirs: bool = False):
    viewer = await sign_in_as(tab, role)
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        other = make_viewer(session, role="paralegal")
        case = make_case(session, actor=attorney, paralegal_id=other.id if theirs else None)
        card = item(session, case, "green-card")
        upload(session, attorney, case, card)
        member_id = member_of(session, case).id
    state = tab.state(CaseDocumentsState)
    state.reference = case.reference
    await state.show_tab("documents")
    assert viewer
    return state, card.id, member_id


async def test_the_checklist_is_grouped_by_person_then_section(tab):
    state, card_id, _ = await _tab_on_case(tab)
    [person] = state.people
    assert (person.name, person.role, person.still_needed) == ("Maria Garcia", "applicant", 0)
    assert [section.key for section in person.sections][:3] == ["identity", "civil", "immigration"]
    [card] = [doc for section in person.sections for doc in section.documents if doc.id == card_id]
    assert (card.status, len(card.files)) == ("uploaded", 1)
    assert state.person_options == [(str(person.member_id), "Maria Garcia (applicant)")]


async def test_a_rejection_without_a_reason_stays_in_its_dialog_with_the_message(tab):
    state, card_id, _ = await _tab_on_case(tab)
    await state.open_reject(card_id)
    assert (state.dialog, state.dialog_item_title) == ("reject", "Green card, front and back")
    await state.reject({"reason": "", "note": None})
    assert state.dialog == "reject"
    assert "reason" in state.errors

    await state.reject({"reason": "unreadable", "note": ""})
    assert (state.dialog, state.errors) == ("", {})
    [card] = [
        doc
        for section in state.people[0].sections
        for doc in section.documents
        if doc.id == card_id
    ]
    assert card.status == "rejected" and card.reason.startswith("We could not read it")


async def test_a_new_portal_link_is_shown_once_and_forgotten_when_the_tab_changes(tab):
    state, _, member_id = await _tab_on_case(tab)
    for odd in ("abc", "²", "9" * 5000):
        await state.create_portal_link({"link_member_id": str(member_id), "link_days": odd})
        assert state.errors == {"link_days": "Enter a whole number of days."}
        assert state.new_link_url == ""

    sent = {"link_member_id": str(member_id), "link_days": "14", "link_email": "on"}
    await state.create_portal_link(sent | {"link_birth_date": None})
    assert "/portal/" in state.new_link_url
    assert [link.state for link in state.links] == ["active"]
    await state.show_tab("profile")
    assert state.new_link_url == ""


async def test_a_paralegal_sees_nothing_of_another_paralegals_case(tab):
    state, card_id, _ = await _tab_on_case(tab, "paralegal", theirs=True)
    assert (state.people, state.links, state.person_options) == ([], [], [])
    await state.accept(card_id)
    await state.open_upload(card_id)
    assert state.dialog == ""
