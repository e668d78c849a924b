"""The audit log: admins search every event by who, case, kind, date and text, and export it."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import select

from immigration_app.models import CaseEvent, FirmSettings
from immigration_app.services.audit_log import (
    PAGE_SIZE,
    AuditQuery,
    audit_entries,
    audit_kinds,
    export_audit_csv,
)
from immigration_app.services.errors import NotPermitted
from tests.factories import make_case, make_viewer


def _event(session, *, kind="test_note", summary="Something", actor=None, case_id=None, at=None):
    event = CaseEvent(
        case_id=case_id,
        actor_user_id=actor.id if actor else None,
        actor_label=actor.email if actor else "system",
        kind=kind,
        summary=summary,
        before={"stage": "intake"},
        after={"stage": "review"},
        client_address="203.0.113.9",
        created_at=at or datetime(2026, 3, 10, 15, 0, tzinfo=UTC),
    )
    session.add(event)
    session.flush()
    return event


def _summaries(session, viewer, **query) -> list[str]:
    page = audit_entries(session, viewer=viewer, query=AuditQuery(**query))
    return [row.summary for row in page.rows]


def test_only_an_admin_reads_or_exports_the_audit_log(session):
    for role in ("paralegal", "attorney"):
        viewer = make_viewer(session, role=role)
        with pytest.raises(NotPermitted):
            audit_entries(session, viewer=viewer, query=AuditQuery())
        with pytest.raises(NotPermitted):
            next(export_audit_csv(session, viewer=viewer, query=AuditQuery()))
    assert not session.exec(select(CaseEvent).where(CaseEvent.kind == "audit_exported")).all()


def test_filters_by_user_case_and_kind_and_shows_who_and_the_case(session):
    admin = make_viewer(session, role="admin")
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney)
    other = make_case(session, actor=attorney, family_name="Other")
    _event(
        session, kind="test_note", summary="by attorney on case", actor=attorney, case_id=case.id
    )
    _event(session, kind="test_note", summary="by admin on other", actor=admin, case_id=other.id)
    _event(session, kind="test_other", summary="system, no case")

    assert _summaries(session, admin, user=attorney.id, kind="test_note") == ["by attorney on case"]
    assert _summaries(session, admin, case=other.reference, kind="test_note") == [
        "by admin on other"
    ]
    assert _summaries(session, admin, kind="test_other") == ["system, no case"]
    assert "test_note" in audit_kinds(session, viewer=admin)

    row = audit_entries(session, viewer=admin, query=AuditQuery(kind="test_note", user=attorney.id))
    entry = row.rows[0]
    assert entry.who == attorney.full_name
    assert entry.case_reference == case.reference
    assert entry.client_address == "203.0.113.9"
    assert entry.before == '{"stage":"intake"}' and entry.after == '{"stage":"review"}'
    assert entry.when == "03/10/2026 11:00 AM"  # 15:00 UTC in New York (daylight time)
    # A label stands in for someone who is no staff user.
    system = audit_entries(session, viewer=admin, query=AuditQuery(kind="test_other")).rows[0]
    assert system.who == "system" and system.case_reference == ""


def test_dates_are_the_firms_days(session):
    admin = make_viewer(session, role="admin")
    session.add(FirmSettings(name="Firm", time_zone="America/Los_Angeles"))
    # 06:30 UTC on 11 March is still 10 March in Los Angeles (23:30 PDT).
    _event(session, summary="late on the 10th", at=datetime(2026, 3, 11, 6, 30, tzinfo=UTC))
    _event(session, summary="early on the 11th", at=datetime(2026, 3, 11, 8, 0, tzinfo=UTC))
    _event(session, summary="on the 9th", at=datetime(2026, 3, 9, 20, 0, tzinfo=UTC))
    on_10th = {"kind": "test_note", "date_from": date(2026, 3, 10), "date_to": date(2026, 3, 10)}
    assert _summaries(session, admin, **on_10th) == ["late on the 10th"]
    assert _summaries(session, admin, kind="test_note", date_from=date(2026, 3, 11)) == [
        "early on the 11th"
    ]
    assert _summaries(session, admin, kind="test_note", date_to=date(2026, 3, 9)) == ["on the 9th"]


def test_text_search_takes_percent_and_underscore_literally(session):
    admin = make_viewer(session, role="admin")
    _event(session, summary="Fee raised by 10% today")
    _event(session, summary="Fee raised by 10 dollars")
    _event(session, summary="file a_b.pdf viewed")
    _event(session, summary="file axb.pdf viewed")
    assert _summaries(session, admin, text="10%") == ["Fee raised by 10% today"]
    assert _summaries(session, admin, text="A_B") == ["file a_b.pdf viewed"]  # any case
    assert _summaries(session, admin, text="%") == ["Fee raised by 10% today"]


def test_newest_first_fifty_a_page_with_the_total(session):
    admin = make_viewer(session, role="admin")
    for number in range(PAGE_SIZE + 5):
        _event(session, summary=f"event {number}", at=datetime(2026, 1, 1, 0, number, tzinfo=UTC))
    first = audit_entries(session, viewer=admin, query=AuditQuery(kind="test_note"))
    assert first.total == PAGE_SIZE + 5 and first.page_count == 2
    assert len(first.rows) == PAGE_SIZE
    assert first.rows[0].summary == f"event {PAGE_SIZE + 4}"
    second = audit_entries(session, viewer=admin, query=AuditQuery(kind="test_note", page=2))
    assert [row.summary for row in second.rows] == [f"event {n}" for n in range(4, -1, -1)]
    beyond = audit_entries(session, viewer=admin, query=AuditQuery(kind="test_note", page=99))
    assert beyond.page == 2


def test_bad_filter_values_give_a_result_not_an_error(session):
    admin = make_viewer(session, role="admin")
    _event(session, summary="kept")
    query = AuditQuery.from_params(
        {
            "user": "99999",
            "case": "x" * 5000,
            "kind": "<script>",
            "from": "2026-13-45",
            "to": "yesterday",
            "q": "y" * 10_000 + "\x00",
            "page": "-3",
        }
    )
    assert query.case == "" and query.kind == "" and query.date_from is None
    assert query.date_to is None and query.page == 1 and len(query.text) <= 200
    assert audit_entries(session, viewer=admin, query=query).total == 0
    assert audit_entries(session, viewer=admin, query=AuditQuery(user=99999)).total == 0
    extremes = AuditQuery(kind="test_note", date_from=date.min, date_to=date.max)
    assert _summaries(session, admin, **extremes.__dict__) == ["kept"]
    assert AuditQuery.from_params(AuditQuery(kind="test_note", page=3).to_params()) == AuditQuery(
        kind="test_note", page=3
    )


def test_csv_has_every_matching_row_and_the_export_is_on_record(session):
    admin = make_viewer(session, role="admin")
    for number in range(620):  # more than one chunk of the export
        _event(session, summary=f"row {number}", at=datetime(2026, 2, 1, 0, 0, tzinfo=UTC))
    _event(session, kind="test_other", summary="not this kind")
    session.commit()
    text = "".join(export_audit_csv(session, viewer=admin, query=AuditQuery(kind="test_note")))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["When", "Who", "Case", "Kind", "Summary"]
    assert sorted(row[4] for row in rows[1:]) == sorted(f"row {n}" for n in range(620))
    exported = session.exec(select(CaseEvent).where(CaseEvent.kind == "audit_exported")).all()
    assert len(exported) == 1
    assert exported[0].actor_user_id == admin.id and "test_note" in exported[0].summary


def test_the_database_refuses_to_update_or_delete_an_event(session):
    event_id = _event(session, summary="on record").id
    session.commit()
    for statement in (
        sa.update(CaseEvent).where(CaseEvent.id == event_id).values(summary="rewritten"),
        sa.delete(CaseEvent).where(CaseEvent.id == event_id),
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            session.exec(statement)
        session.rollback()
    assert session.get(CaseEvent, event_id).summary == "on record"
