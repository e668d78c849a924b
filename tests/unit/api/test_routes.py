"""The HTTP routes beside Reflex: they answer only to a signed-in session."""

import csv
import io

from sqlmodel import select
from starlette.testclient import TestClient

from immigration_app.api.routes import api
from immigration_app.models import CaseEvent
from immigration_app.services.auth import SESSION_COOKIE, sign_in
from immigration_app.services.db import session_scope
from tests.factories import PASSWORD, make_case, make_user, make_viewer


def browser(token: str | None = None) -> TestClient:
    """A client holding a session cookie, as a browser would after signing in."""
    return TestClient(api, cookies={SESSION_COOKIE: token} if token else {})


def _session_for(role: str) -> tuple[str, str]:
    with session_scope() as session:
        user = make_user(session, role=role)
        return user.email, sign_in(session, email=user.email, password=PASSWORD).token


def test_csv_export_without_a_session_is_refused_and_shows_nothing():
    with session_scope() as session:
        make_case(session, actor=make_viewer(session, role="attorney"), family_name="Secret")
    for token in (None, "forged"):
        response = browser(token).get("/api/cases.csv")
        assert response.status_code == 401
        assert "Secret" not in response.text


def test_csv_export_follows_the_filters_and_the_viewers_scope():
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        other = make_viewer(session, role="paralegal")
        make_case(session, actor=attorney, family_name="Alvarez")
        make_case(session, actor=attorney, family_name="Brown")
        make_case(session, actor=attorney, family_name="Hidden", paralegal_id=other.id)
    email, token = _session_for("paralegal")
    response = browser(token).get("/api/cases.csv?sort=client&dir=asc")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert [row[1] for row in rows[1:]] == ["Maria Alvarez", "Maria Brown"]  # not "Hidden"
    filtered = browser(token).get("/api/cases.csv?q=brown")
    assert len(list(csv.reader(io.StringIO(filtered.text)))) == 2
    with session_scope() as session:
        exports = session.exec(select(CaseEvent).where(CaseEvent.kind == "cases_exported")).all()
        assert [event.actor_label for event in exports] == [email, email]


def test_csv_export_ignores_numbers_it_cannot_read():
    with session_scope() as session:
        make_case(session, actor=make_viewer(session, role="attorney"), family_name="Alvarez")
    _, token = _session_for("attorney")
    for odd in ("%C2%B2", "9" * 5000):
        response = browser(token).get(f"/api/cases.csv?page={odd}&assignee={odd}")
        assert response.status_code == 200
        assert len(list(csv.reader(io.StringIO(response.text)))) == 2  # heading and the case
