"""/api/audit.csv: the audit log as CSV, for a signed-in admin only."""

import csv
import io

from sqlmodel import select

from immigration_app.models import CaseEvent
from immigration_app.services.audit import record_event
from immigration_app.services.db import session_scope
from tests.factories import make_viewer
from tests.unit.api.test_routes import _session_for, browser


def test_signed_out_is_refused_and_shown_nothing():
    with session_scope() as session:
        record_event(session, kind="test_note", summary="Secret summary", actor=None)
    for token in (None, "forged"):
        response = browser(token).get("/api/audit.csv")
        assert response.status_code == 401
        assert "Secret" not in response.text


def test_staff_who_are_not_admins_are_forbidden():
    with session_scope() as session:
        record_event(session, kind="test_note", summary="Secret summary", actor=None)
    for role in ("paralegal", "attorney"):
        _, token = _session_for(role)
        response = browser(token).get("/api/audit.csv")
        assert response.status_code == 403
        assert "Secret" not in response.text
    with session_scope() as session:
        assert not session.exec(select(CaseEvent).where(CaseEvent.kind == "audit_exported")).all()


def test_an_admin_gets_the_filtered_log_and_the_export_is_recorded():
    with session_scope() as session:
        actor = make_viewer(session, role="attorney")
        record_event(session, kind="test_note", summary="Fee 10% waived", actor=actor)
        record_event(session, kind="test_note", summary="Fee 100 paid", actor=actor)
        record_event(session, kind="test_other", summary="Fee 10% other kind", actor=None)
    email, token = _session_for("admin")
    response = browser(token).get("/api/audit.csv?kind=test_note&q=10%25&page=7&from=nonsense")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert [row[4] for row in rows[1:]] == ["Fee 10% waived"]
    assert rows[1][1] == actor.full_name
    with session_scope() as session:
        exports = session.exec(select(CaseEvent).where(CaseEvent.kind == "audit_exported")).all()
        assert [event.actor_label for event in exports] == [email]


def test_text_a_spreadsheet_would_run_as_a_formula_is_exported_as_text():
    with session_scope() as session:
        record_event(session, kind="test_note", summary="=1+2", actor=None)
        record_event(session, kind="test_note", summary="@SUM(A1)", actor=None)
    _, token = _session_for("admin")
    response = browser(token).get("/api/audit.csv?kind=test_note")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert sorted(row[4] for row in rows[1:]) == ["'=1+2", "'@SUM(A1)"]
