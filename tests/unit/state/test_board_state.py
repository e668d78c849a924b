"""Board moves as a hostile browser would send them: refused on the server with a reason."""

import pytest
from sqlmodel import select

from immigration_app.models import Case
from immigration_app.services.db import session_scope
from immigration_app.state.board import BoardState
from tests.factories import make_case, make_viewer
from tests.unit.state.conftest import sign_in_as

pytestmark = pytest.mark.anyio


def _stage(reference: str) -> str:
    with session_scope() as session:
        return session.exec(select(Case.stage).where(Case.reference == reference)).one()


async def test_a_move_the_rules_forbid_is_refused_and_the_card_stays(tab):
    await sign_in_as(tab, "attorney")
    with session_scope() as session:
        case = make_case(session, actor=make_viewer(session, role="attorney"))
    board = tab.state(BoardState)
    await board.start_drag(case.reference)
    await board.drop_on("filed_pending")  # no receipt number yet
    assert _stage(case.reference) == "intake"
    await board.move_to(case.reference, "no_such_stage")
    assert _stage(case.reference) == "intake"
    await board.move_to(case.reference, "collecting_documents")
    assert _stage(case.reference) == "collecting_documents"


async def test_a_paralegal_cannot_move_a_case_of_someone_else(tab):
    await sign_in_as(tab, "paralegal")
    with session_scope() as session:
        other = make_viewer(session, role="paralegal")
        case = make_case(
            session, actor=make_viewer(session, role="attorney"), paralegal_id=other.id
        )
    await tab.state(BoardState).move_to(case.reference, "collecting_documents")
    assert _stage(case.reference) == "intake"
