"""The portal's handlers, called as a hostile browser would: the link is checked every time."""

from __future__ import annotations

import pytest
from sqlmodel import select

from immigration_app.models import CaseChecklistItem, CaseMember, Person
from immigration_app.services.db import session_scope
from immigration_app.services.portal import create_link, revoke_link
from immigration_app.state.portal import PortalState
from tests.factories import make_case, make_viewer

pytestmark = pytest.mark.anyio


def _open_at(state: PortalState, token: str) -> None:
    state.router = state.router.__class__.from_router_data(
        {"pathname": f"/portal/{token}", "asPath": f"/portal/{token}"}
    )


@pytest.fixture
def linked_case():
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        case = make_case(session, actor=attorney, case_type="aos-marriage")
        member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).first()
        link, token = create_link(
            session,
            actor=attorney,
            reference=case.reference,
            member_id=member.id,
            send_email=False,
        )
    return attorney, case, member, link, token


async def test_a_link_opens_its_members_list_and_keeps_the_token_out_of_state(tab, linked_case):
    _, _, _, _, token = linked_case
    state = tab.state(PortalState)
    _open_at(state, token)
    await state.load()
    assert state.phase == "open"
    assert state.items and state.home.first_name == "Maria"
    assert token not in str(state.dict())


async def test_a_revoked_link_stops_the_next_click_and_changes_nothing(tab, linked_case):
    attorney, case, member, link, token = linked_case
    state = tab.state(PortalState)
    _open_at(state, token)
    await state.load()
    with session_scope() as session:
        revoke_link(session, actor=attorney, reference=case.reference, link_id=link.id)

    await state.switch_language("es")
    assert state.phase == "refused"
    assert state.refusal == "link_revoked"
    assert state.items == []
    with session_scope() as session:
        person = session.get(Person, member.person_id)
        assert person.preferred_language == "en"


async def test_a_browser_that_never_opened_a_link_gets_nothing(tab, linked_case):
    state = tab.state(PortalState)
    await state.refresh()
    await state.choose_item(1)
    assert state.phase == "refused"
    assert state.items == [] and state.upload_item_id == 0


async def test_an_item_of_someone_else_cannot_be_chosen(tab, linked_case):
    attorney, _, _, _, token = linked_case
    with session_scope() as session:
        other = make_case(session, actor=attorney, family_name="Other")
        other_item_id = session.exec(
            select(CaseChecklistItem.id).where(CaseChecklistItem.case_id == other.id)
        ).first()
    state = tab.state(PortalState)
    _open_at(state, token)
    await state.load()
    await state.choose_item(other_item_id)
    assert state.upload_item_id == 0
    own = state.items[0]
    await state.choose_item(own.id)
    assert state.upload_item_id == own.id
