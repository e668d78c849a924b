"""A filled form opens in the browser only for a signed-in user who may see its case."""

from __future__ import annotations

from sqlmodel import select

from immigration_app.models import CaseEvent
from immigration_app.services import storage
from immigration_app.services.db import session_scope
from immigration_app.services.form_filling import fill_form
from immigration_app.services.form_library import load_form
from tests.factories import make_viewer
from tests.form_profiles import FORMS_DIR, make_marriage_case, needs_real_forms
from tests.unit.api.test_document_routes import _signed_in
from tests.unit.api.test_routes import browser

pytestmark = needs_real_forms


def _filled_i130(*, paralegal_id: int | None = None) -> tuple[int, bytes, str]:
    """Form I-130 filled on a marriage case: its id, its bytes and the case reference."""
    with session_scope() as session:
        admin = make_viewer(session, role="admin")
        case = make_marriage_case(session, actor=admin)
        case.paralegal_id = paralegal_id
        session.add(case)
        path = FORMS_DIR / "i-130.pdf"
        load_form(session, actor=admin, data=path.read_bytes(), original_name=path.name)
        filled = fill_form(session, actor=admin, reference=case.reference, form_number="I-130")
        return filled.id, storage.read_all(filled.blob_name), case.reference


def _views() -> list[CaseEvent]:
    with session_scope() as session:
        return list(session.exec(select(CaseEvent).where(CaseEvent.kind == "form_viewed")))


def test_a_filled_form_without_a_session_is_refused():
    filled_id, pdf, _ = _filled_i130()
    for token in (None, "forged"):
        response = browser(token).get(f"/api/filled-forms/{filled_id}")
        assert response.status_code == 401
        assert response.content != pdf
    assert _views() == []


def test_a_filled_form_is_shown_inline_sandboxed_and_the_view_recorded():
    viewer, token = _signed_in("paralegal")  # an unassigned case is open to every paralegal
    filled_id, pdf, reference = _filled_i130()
    response = browser(token).get(f"/api/filled-forms/{filled_id}")

    assert response.status_code == 200
    assert response.content == pdf
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("inline;") and f"{reference} I-130 v1.pdf" in disposition
    assert response.headers["content-security-policy"] == "sandbox"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    [event] = _views()
    assert (event.actor_user_id, event.after["filled_form_id"]) == (viewer.id, filled_id)
    assert event.client_address == "testclient"


def test_a_form_of_a_case_the_paralegal_cannot_see_is_not_found():
    _, token = _signed_in("paralegal")
    with session_scope() as session:
        other = make_viewer(session, role="paralegal")
    filled_id, pdf, _ = _filled_i130(paralegal_id=other.id)
    for path in (f"/api/filled-forms/{filled_id}", "/api/filled-forms/999999"):
        response = browser(token).get(path)
        assert response.status_code == 404
        assert response.content != pdf
    assert browser(token).get("/api/filled-forms/not-a-number").status_code == 404
    assert _views() == []
