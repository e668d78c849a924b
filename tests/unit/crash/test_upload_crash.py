"""An upload killed half-received, and killed after its file is in the store but before the
transaction that records it commits: after a restart nothing of it is registered, the staging
folder is emptied by the start-up sweep, and the same file uploads normally.

A file moved into the store just before the kill stays there, encrypted and named by no row:
nothing can reach it, and the backup check (which looks at the rows) does not report it.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

from pypdf import PdfWriter
from sqlmodel import func, select

from immigration_app.models import CaseChecklistItem, CaseEvent, DocumentFile, ItemStatus
from immigration_app.services import storage
from immigration_app.services.backup import check_document_blobs
from immigration_app.services.db import session_scope
from immigration_app.services.documents import add_staff_file
from immigration_app.services.sweep import sweep
from immigration_app.settings import get_settings
from tests.factories import make_case, make_viewer
from tests.files import pdf_bytes
from tests.unit.crash.processes import kill_when_paused

# Older than sweep_stale_uploads' hour of silence, which the start-up sweep uses.
ABANDONED_SECONDS_AGO = 2 * 3600


def _large_pdf() -> bytes:
    """A valid PDF of several encrypted segments (a blank page and a 200 KB attachment)."""
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_attachment("scan-notes.bin", os.urandom(200_000))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _case_with_a_pdf_item():
    """(attorney, case reference, checklist item id, its status and when that last changed)."""
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        case = make_case(session, actor=attorney)
        items = session.exec(select(CaseChecklistItem).where(CaseChecklistItem.case_id == case.id))
        item = next(item for item in items if "pdf" in item.kinds)
        return attorney, case.reference, item.id, (item.status, item.status_changed_at)


def _item_state(item_id: int):
    with session_scope() as session:
        item = session.get(CaseChecklistItem, item_id)
        return item.status, item.status_changed_at


def _count(model, *conditions) -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(model).where(*conditions)).one()


def _staging_files() -> list[Path]:
    staging = get_settings().documents_dir / storage.STAGING_DIR
    return sorted(staging.iterdir()) if staging.is_dir() else []


def _restart() -> None:
    """What the app does when it starts: the scheduler sweeps at once, and the sweep removes
    uploads that have been silent for an hour. The killed upload is dated back past that hour
    (its process died at once; the hour is there for uploads still arriving)."""
    for path in _staging_files():
        os.utime(path, (time.time() - ABANDONED_SECONDS_AGO,) * 2)
    sweep()


def _assert_nothing_registered(item_id: int, state_before) -> None:
    assert _count(DocumentFile, DocumentFile.item_id == item_id) == 0
    assert _count(CaseEvent, CaseEvent.kind == "document_uploaded") == 0
    assert _item_state(item_id) == state_before


def _upload_again_works(attorney, reference: str, item_id: int, data: bytes) -> None:
    with session_scope() as session, storage.start_upload("passport.pdf") as upload:
        upload.write(data)
        document = add_staff_file(
            session, actor=attorney, reference=reference, item_id=item_id, staged=upload.finish()
        )
        assert document.version == 1
    assert _item_state(item_id)[0] == ItemStatus.UPLOADED
    assert storage.read_all(document.blob_name) == data
    assert _staging_files() == []


def test_an_upload_killed_mid_stream_leaves_nothing_after_a_restart(tmp_path):
    attorney, reference, item_id, state_before = _case_with_a_pdf_item()
    data = _large_pdf()
    (tmp_path / "passport.pdf").write_bytes(data)

    partial = Path(kill_when_paused("upload_mid_stream", tmp_path / "passport.pdf"))

    assert _staging_files() == [partial]  # the half-received file the process left behind
    assert b"%PDF" not in partial.read_bytes()  # encrypted even half-written
    _restart()
    assert _staging_files() == []
    _assert_nothing_registered(item_id, state_before)
    _upload_again_works(attorney, reference, item_id, data)


def test_an_upload_killed_before_its_row_commits_is_not_registered(tmp_path):
    attorney, reference, item_id, state_before = _case_with_a_pdf_item()
    data = pdf_bytes()
    (tmp_path / "passport.pdf").write_bytes(data)

    blob_name = kill_when_paused(
        "upload_before_commit", attorney.id, reference, item_id, tmp_path / "passport.pdf"
    )

    orphan = get_settings().documents_dir / blob_name
    assert orphan.is_file()  # the file was moved into the store before the kill
    _restart()
    _assert_nothing_registered(item_id, state_before)
    # What is left: an encrypted file no row names. It opens only with the document key, the app
    # never offers it, and the check after a restore looks only at what the rows name.
    assert orphan.is_file() and data not in orphan.read_bytes()
    assert check_document_blobs() == (0, [])
    _upload_again_works(attorney, reference, item_id, data)
