"""The board's columns: who sees which cards, filters, oldest first, a page at a time."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from immigration_app import catalog
from immigration_app.models import Case, CaseChecklistItem, utcnow
from immigration_app.services.board import CARDS_PER_PAGE, BoardFilters, columns
from immigration_app.services.case_list import CaseQuery, search_cases
from immigration_app.services.cases import case_workspace, move_case
from immigration_app.services.documents import waive_item
from immigration_app.services.errors import InvalidInput, NotPermitted
from immigration_app.services.stages import (
    rename_stage,
    set_stage_limit,
    set_stage_skipped,
    stage_setting_rows,
)
from tests.factories import make_case, make_viewer


def _column(board, stage: str):
    return next(column for column in board if column.stage == stage)


def test_every_stage_is_a_column_and_cards_come_oldest_first(session):
    attorney = make_viewer(session, role="attorney")
    first = make_case(session, actor=attorney, family_name="Older")
    second = make_case(session, actor=attorney, family_name="Newer")
    session.exec(
        sa.update(Case)
        .where(Case.id == first.id)
        .values(stage_entered_at=utcnow() - timedelta(days=9))
    )
    board = columns(session, viewer=attorney, filters=BoardFilters(), shown={})
    assert [column.stage for column in board] == [stage.key for stage in catalog.stages()]
    intake = _column(board, "intake")
    assert intake.total == 2
    assert [card.reference for card in intake.cards] == [first.reference, second.reference]
    assert intake.cards[0].days_in_stage == 9


def test_a_paralegal_sees_their_cases_and_unassigned_ones_only(session):
    attorney = make_viewer(session, role="attorney")
    ana, ben = make_viewer(session, role="paralegal"), make_viewer(session, role="paralegal")
    make_case(session, actor=attorney, paralegal_id=ana.id)
    make_case(session, actor=attorney, paralegal_id=ben.id)
    make_case(session, actor=attorney)
    assert (
        _column(columns(session, viewer=ana, filters=BoardFilters(), shown={}), "intake").total == 2
    )
    only_ben = BoardFilters(assignee=str(ben.id))
    assert (
        _column(columns(session, viewer=attorney, filters=only_ben, shown={}), "intake").total == 1
    )


def test_a_column_shows_a_page_of_cards_and_more_on_request(session):
    attorney = make_viewer(session, role="attorney")
    for _ in range(CARDS_PER_PAGE + 3):
        make_case(session, actor=attorney)
    intake = _column(columns(session, viewer=attorney, filters=BoardFilters(), shown={}), "intake")
    assert (intake.total, len(intake.cards)) == (CARDS_PER_PAGE + 3, CARDS_PER_PAGE)
    more = {"intake": CARDS_PER_PAGE * 2}
    intake = _column(
        columns(session, viewer=attorney, filters=BoardFilters(), shown=more), "intake"
    )
    assert len(intake.cards) == CARDS_PER_PAGE + 3


def test_only_admins_set_stage_limits_and_bad_numbers_are_refused(session):
    admin, attorney = make_viewer(session, role="admin"), make_viewer(session, role="attorney")
    with pytest.raises(NotPermitted):
        set_stage_limit(session, actor=attorney, stage="intake", sla_days="5", wip_limit="")
    with pytest.raises(InvalidInput):
        set_stage_limit(session, actor=admin, stage="intake", sla_days="five", wip_limit="")
    set_stage_limit(session, actor=admin, stage="intake", sla_days="5", wip_limit="20")
    intake = next(row for row in stage_setting_rows(session) if row.stage == "intake")
    assert (intake.sla_days, intake.wip_limit) == ("5", "20")


def test_a_stage_a_case_type_skips_refuses_its_cases(session):
    admin, attorney = make_viewer(session, role="admin"), make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney)  # a naturalization case
    set_stage_skipped(
        session, actor=admin, stage="internal_review", case_type=case.case_type, skipped=True
    )
    with pytest.raises(InvalidInput) as refused:
        move_case(session, actor=attorney, reference=case.reference, stage="internal_review")
    assert "skip Internal review" in refused.value.fields["stage"]
    row = next(row for row in stage_setting_rows(session) if row.stage == "internal_review")
    assert row.skipped_by == "Naturalization (N-400)"
    set_stage_skipped(
        session, actor=admin, stage="internal_review", case_type=case.case_type, skipped=False
    )
    move_case(session, actor=attorney, reference=case.reference, stage="internal_review")
    with pytest.raises(NotPermitted):
        set_stage_skipped(
            session, actor=attorney, stage="intake", case_type=case.case_type, skipped=True
        )


def test_an_admin_renames_and_reorders_stages_and_every_list_follows(session):
    admin = make_viewer(session, role="admin")
    case = make_case(session, actor=admin)
    rename_stage(session, actor=admin, stage="intake", title="  New  matter ", position="")
    rename_stage(session, actor=admin, stage="decision", title="", position="1")
    board = columns(session, viewer=admin, filters=BoardFilters(), shown={})
    assert [column.stage for column in board][:2] == ["decision", "intake"]
    assert board[1].title == "New matter"
    assert search_cases(session, viewer=admin, query=CaseQuery()).rows[0].stage == "New matter"
    assert case_workspace(session, viewer=admin, reference=case.reference).header.stage == (
        "New matter"
    )
    with pytest.raises(InvalidInput) as refused:
        rename_stage(session, actor=admin, stage="decision", title="new matter", position="")
    assert "already" in refused.value.fields["title"]
    with pytest.raises(InvalidInput):
        rename_stage(session, actor=admin, stage="decision", title="", position="99")
    with pytest.raises(NotPermitted):
        rename_stage(
            session,
            actor=make_viewer(session, role="attorney"),
            stage="intake",
            title="x",
            position="",
        )


def test_each_card_counts_the_required_documents_still_missing_in_one_query(session):
    attorney = make_viewer(session, role="attorney")
    natz = make_case(session, actor=attorney, family_name="Natz")  # N-400: one required item
    marriage = make_case(session, actor=attorney, case_type="aos-marriage", family_name="Wed")
    for _ in range(3):
        make_case(session, actor=attorney, family_name="More")
    required = session.scalar(
        sa.select(sa.func.count())
        .select_from(CaseChecklistItem)
        .where(CaseChecklistItem.case_id == marriage.id, CaseChecklistItem.required)
    )
    green_card = session.scalar(
        sa.select(CaseChecklistItem.id).where(
            CaseChecklistItem.case_id == natz.id, CaseChecklistItem.code == "green-card"
        )
    )
    waive_item(
        session,
        actor=attorney,
        reference=natz.reference,
        item_id=green_card,
        reason="Client brought it in",
    )
    session.flush()

    checklist_reads = []

    def note(conn, cursor, statement, *args):
        if "case_checklist_item" in statement:
            checklist_reads.append(statement)

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        board = columns(session, viewer=attorney, filters=BoardFilters(), shown={})
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)

    cards = {card.reference: card for card in _column(board, "intake").cards}
    assert len(cards) == 5
    assert cards[marriage.reference].missing_docs == required > 1
    assert cards[natz.reference].missing_docs == 0
    assert len(checklist_reads) == 1  # batched for the whole board, not one query per card
