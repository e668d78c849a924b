"""Hostile files through the upload path, as staff and as a client through the portal.

Each file goes the road a browser upload takes (services/storage.py's StagedUpload, then the
service call that keeps it: documents.add_staff_file or portal.add_portal_file). It must end in
a stored document that is exactly what was sent, or in UploadRefused with a message for a
person, and a refusal leaves no row, no event, no blob and no staging file.
"""

from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader
from sqlmodel import func, select

from immigration_app.models import CaseEvent, DocumentFile
from immigration_app.services import storage
from immigration_app.services.db import session_scope
from immigration_app.services.documents import add_staff_file
from immigration_app.services.portal import add_portal_file
from tests.unit.hostile.guard import is_clear_message, staging_files, stored_blobs, watchdog
from tests.unit.hostile.inputs import Hostile, ids, unique, upload_files
from tests.unit.hostile.places import Place
from tests.unit.hostile.places import place as make_place

FILES = list(unique(upload_files()))
# Files no reader should take for a PDF or a photo, whatever they are named.
NEVER_KEPT = {
    *(f"empty-{n}" for n in range(5)),
    *("html-named-pdf", "zip-named-pdf", "svg-named-png", "svg", "gif", "bmp", "tiff", "webp"),
    *("avif", "windows-exe", "elf", "plain-text", "only-zero-bytes", "only-whitespace"),
    *("pdf-header-only", "html-then-pdf"),
}


@pytest.fixture(scope="module")
def place() -> Place:
    """One case for the whole module, committed; each test's own work is rolled back."""
    with session_scope() as setup:
        return make_place(setup)


def _rows(session) -> tuple[int, int]:
    documents = session.exec(select(func.count()).select_from(DocumentFile)).one()
    events = session.exec(
        select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "document_uploaded")
    ).one()
    return documents, events


def _upload(hostile: Hostile, keep) -> DocumentFile:
    """The browser's road: stage in pieces, check, then the service keeps it."""
    with storage.start_upload(hostile.name) as upload:
        for at in range(0, max(len(hostile.data), 1), 64 * 1024):
            upload.write(hostile.data[at : at + 64 * 1024])
        staged = upload.finish()
        return keep(staged)


def _assert_stored_exactly(session, document: DocumentFile, hostile: Hostile) -> None:
    assert storage.read_all(document.blob_name) == hostile.data
    media_type, extension = storage.sniff_type(hostile.data[: storage.SNIFF_BYTES])
    assert (document.media_type, document.extension) == (media_type, extension)
    name = document.original_name
    assert name and len(name) <= storage.MAX_ORIGINAL_NAME
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert not any(unicodedata.category(ch).startswith("C") for ch in name)
    if media_type != storage.PDF:
        page = storage.read_all(document.pdf_blob_name)
        assert len(PdfReader(io.BytesIO(page)).pages) == 1  # the photo's Letter page


def _check(session, hostile: Hostile, keep) -> None:
    rows, blobs, staging = _rows(session), stored_blobs(), staging_files()
    try:
        with watchdog():
            document = _upload(hostile, keep)
    except storage.UploadRefused as refused:
        assert refused.code in {"too_large", "empty", "unsupported_type", "damaged"}
        assert is_clear_message(refused.message), refused.message
        session.flush()
        assert _rows(session) == rows, "a refused upload left a row behind"
        assert stored_blobs() == blobs, "a refused upload left a blob behind"
        assert staging_files() == staging, "a refused upload left a staging file behind"
        return
    assert hostile.id not in NEVER_KEPT, f"{hostile.id} was kept as {document.media_type}"
    session.flush()
    assert _rows(session) == (rows[0] + 1, rows[1] + 1)
    _assert_stored_exactly(session, document, hostile)
    assert staging_files() == staging
    for blob in (document.blob_name, document.pdf_blob_name):
        if blob:
            storage.delete_blob(blob)  # the row goes with the test's transaction


@pytest.mark.parametrize("hostile", FILES, ids=ids(FILES))
def test_a_staff_upload_keeps_the_file_exactly_or_refuses_it_leaving_nothing(
    session, place, hostile
):
    def keep(staged):
        return add_staff_file(
            session,
            actor=place.staff,
            reference=place.case.reference,
            item_id=place.item.id,
            staged=staged,
        )

    _check(session, hostile, keep)


@pytest.mark.parametrize("hostile", FILES, ids=ids(FILES))
def test_a_portal_upload_keeps_the_file_exactly_or_refuses_it_leaving_nothing(
    session, place, hostile
):
    def keep(staged):
        return add_portal_file(session, access=place.access, item_id=place.item.id, staged=staged)

    _check(session, hostile, keep)
