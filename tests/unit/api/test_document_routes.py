"""Document downloads and the case folder export: a session is required, and scope is kept."""

from __future__ import annotations

import hashlib
import io
import zipfile
from urllib.parse import quote

from sqlmodel import select

from immigration_app.models import Case, CaseEvent, DocumentFile
from immigration_app.services.auth import sign_in
from immigration_app.services.checklists import ItemText, add_case_item
from immigration_app.services.db import session_scope
from immigration_app.services.documents import accept_item, case_documents
from immigration_app.services.viewer import Viewer
from immigration_app.settings import get_settings
from tests.factories import PASSWORD, make_case, make_user, make_viewer
from tests.unit.api.test_routes import browser
from tests.unit.services.test_documents import item, jpeg_bytes, member_of, pdf_bytes, upload


def _signed_in(role: str = "attorney") -> tuple[Viewer, str]:
    with session_scope() as session:
        user = make_user(session, role=role)
        outcome = sign_in(session, email=user.email, password=PASSWORD)
        return outcome.viewer, outcome.token


def _case_with_files(viewer: Viewer, *, paralegal_id: int | None = None):
    """A case with a PDF (two versions) on the green card and a photo on the passports."""
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        case = make_case(session, actor=attorney, paralegal_id=paralegal_id)
        card, passports = item(session, case, "green-card"), item(session, case, "passports")
        first = upload(session, attorney, case, card, name="card.pdf")
        second = upload(session, attorney, case, card, name="card again.pdf")
        accept_item(session, actor=attorney, reference=case.reference, item_id=card.id)
        photo = upload(session, attorney, case, passports, jpeg_bytes(), "passport.jpg")
        return case.reference, first.id, second.id, photo.id


def _events(kind: str) -> list[CaseEvent]:
    with session_scope() as session:
        return list(session.exec(select(CaseEvent).where(CaseEvent.kind == kind)))


def test_a_document_without_a_session_is_refused():
    viewer, _ = _signed_in()
    _, document_id, *_ = _case_with_files(viewer)
    for token in (None, "forged"):
        response = browser(token).get(f"/api/documents/{document_id}")
        assert response.status_code == 401
        assert response.content != pdf_bytes()
    assert _events("document_downloaded") == []


def test_a_download_is_the_uploaded_bytes_under_the_standard_name_and_an_event(session):
    viewer, token = _signed_in()
    reference, first_id, *_ = _case_with_files(viewer)
    response = browser(token).get(f"/api/documents/{first_id}")

    assert response.status_code == 200
    assert response.content == pdf_bytes()
    assert response.headers["content-type"] == "application/pdf"
    [view] = [
        v
        for v in case_documents(session, viewer=viewer, reference=reference)
        if v.code == "green-card"
    ]
    name = next(file.name for file in view.files if file.id == first_id)
    assert name.startswith(f"{reference}_Garcia-Maria_green-card_") and name.endswith("_v1.pdf")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in response.headers

    [event] = _events("document_downloaded")
    assert (event.actor_user_id, event.after["document_id"]) == (viewer.id, first_id)
    assert event.client_address == "testclient"


def test_a_preview_is_inline_and_sandboxed_for_a_pdf_or_a_photo():
    viewer, token = _signed_in()
    _, first_id, _, photo_id = _case_with_files(viewer)
    for document_id, media_type in ((first_id, "application/pdf"), (photo_id, "image/jpeg")):
        response = browser(token).get(f"/api/documents/{document_id}?inline=1")
        assert response.status_code == 200
        assert response.headers["content-type"] == media_type
        assert response.headers["content-disposition"].startswith("inline;")
        assert response.headers["content-security-policy"] == "sandbox"
    assert len(_events("document_viewed")) == 2


def test_another_paralegals_document_is_not_found():
    viewer, token = _signed_in("paralegal")
    with session_scope() as session:
        other = make_viewer(session, role="paralegal")
    _, first_id, *_ = _case_with_files(viewer, paralegal_id=other.id)
    for path in (f"/api/documents/{first_id}", f"/api/documents/{first_id}?inline=1"):
        response = browser(token).get(path)
        assert response.status_code == 404
        assert response.content != pdf_bytes()
    assert browser(token).get("/api/documents/999999").status_code == 404
    assert browser(token).get("/api/documents/not-a-number").status_code == 404
    assert _events("document_downloaded") == _events("document_viewed") == []


def test_the_case_folder_holds_every_version_by_person_and_section_with_an_index():
    viewer, token = _signed_in()
    reference, *_ = _case_with_files(viewer)
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        case = session.exec(select(Case).where(Case.reference == reference)).one()
        add_case_item(
            session,
            actor=attorney,
            reference=reference,
            member_id=member_of(session, case).id,
            text=ItemText(
                code="lease", section="case-evidence", title_en="Lease", title_es="Contrato"
            ),
            reason="Residence",
        )

    response = browser(token).get(f"/api/cases/{reference}/folder.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["cache-control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    person = "Maria Garcia (applicant)"
    card = [name for name in names if name.startswith(f"{person}/03 ")]
    assert len(card) == 2 and {name.rsplit("_", 1)[-1] for name in card} == {"v1.pdf", "v2.pdf"}
    assert all(archive.read(name) == pdf_bytes() for name in card)
    [passport] = [name for name in names if name.startswith(f"{person}/01 ")]
    assert "_passports_" in passport and passport.endswith("_v1.jpg")
    assert archive.read(passport) == jpeg_bytes()
    readme = archive.read("README.txt").decode()
    assert f"Case {reference}" in readme
    assert "Lease [lease] (required): needed" in readme and "no files" in readme
    assert "Green card, front and back [green-card] (required): accepted" in readme
    for name in [*card, passport]:
        assert name in readme
        assert hashlib.sha256(archive.read(name)).hexdigest() in readme
    [event] = _events("case_folder_exported")
    assert (event.actor_user_id, event.after) == (viewer.id, {"files": 3})
    assert len(names) == 4  # three files and the README


def test_the_case_folder_needs_a_session_and_a_visible_case():
    viewer, token = _signed_in("paralegal")
    with session_scope() as session:
        other = make_viewer(session, role="paralegal")
    reference, *_ = _case_with_files(viewer, paralegal_id=other.id)
    assert browser(None).get(f"/api/cases/{reference}/folder.zip").status_code == 401
    assert browser(token).get(f"/api/cases/{reference}/folder.zip").status_code == 404
    assert browser(token).get("/api/cases/2099-9999/folder.zip").status_code == 404
    assert _events("case_folder_exported") == []


def test_a_damaged_store_refuses_the_export_instead_of_leaving_a_document_out():
    viewer, token = _signed_in()
    reference, first_id, *_ = _case_with_files(viewer)
    with session_scope() as session:
        blob = session.get(DocumentFile, first_id).blob_name
    path = get_settings().documents_dir / blob
    damaged = bytearray(path.read_bytes())
    damaged[-1] ^= 0xFF
    path.write_bytes(bytes(damaged))

    response = browser(token).get(f"/api/cases/{reference}/folder.zip")
    assert response.status_code == 500
    assert "could not be read" in response.text
    assert _events("case_folder_exported") == []
