"""Hostile PDFs (and photos) given to the readers: USCIS notices, fillable forms, packets.

Each reader must end, within the watchdog's bound, in a correct result or its own clear error
(InvalidInput from the services that keep files, PacketRefused from the packet assembler), and a
refusal leaves no row, no event and no blob behind. pypdf's own errors, RecursionError,
NotImplementedError and the like reaching the caller are failures.
"""

from __future__ import annotations

import io
import logging
import re

import pytest
from pypdf import PdfReader
from sqlmodel import func, select

from immigration_app.models import Case, CaseEvent, CaseNotice, FilingPacket, FormTemplate
from immigration_app.services import storage
from immigration_app.services.case_notices import add_notice
from immigration_app.services.db import session_scope
from immigration_app.services.errors import InvalidInput
from immigration_app.services.form_library import load_form
from immigration_app.services.packet_pdf import PacketPart, PacketRefused, assemble_packet
from immigration_app.services.packets import build_packet
from tests.files import pdf_bytes
from tests.form_profiles import needs_real_forms
from tests.packets import accept_document, make_ready_case
from tests.unit.hostile.guard import is_clear_message, staging_files, stored_blobs, watchdog
from tests.unit.hostile.inputs import (
    damaged_pdfs,
    hostile_forms,
    hostile_pdfs,
    ids,
    image_bombs,
    polyglots_and_impostors,
    structural_bombs,
    unique,
)
from tests.unit.hostile.places import Place, staff
from tests.unit.hostile.places import place as make_place

# pypdf logs every repair it makes to a damaged file; hundreds of them say nothing here.
logging.getLogger("pypdf").setLevel(logging.ERROR)

NOTICES = list(unique(hostile_pdfs()))
FORMS = list(unique([*hostile_forms(), *structural_bombs()]))
EXHIBITS = list(
    unique(
        [
            *structural_bombs(),
            *image_bombs(),
            *polyglots_and_impostors(),
            *damaged_pdfs()[::4],
        ]
    )
)
# Exhibits stored as accepted documents and built into a real case's packet, end to end.
STORED_EXHIBITS = [
    h
    for h in EXHIBITS
    if h.id
    in {
        "bomb-mediabox-zero",
        "bomb-encrypt-unknown-filter",
        "pdf-then-html",
    }
]


def _count(session, table, *where) -> int:
    return session.exec(select(func.count()).select_from(table).where(*where)).one()


# --- notices -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def place() -> Place:
    with session_scope() as setup:
        return make_place(setup)


@pytest.mark.parametrize("hostile", NOTICES, ids=ids(NOTICES))
def test_a_hostile_notice_is_read_or_refused_clearly_and_a_refusal_keeps_nothing(
    session, place, hostile
):
    before = (_count(session, CaseNotice), stored_blobs(), staging_files())
    try:
        with watchdog(), storage.start_upload(hostile.name) as upload:
            upload.write(hostile.data)
            notice = add_notice(
                session, actor=place.staff, reference=place.case.reference, staged=upload.finish()
            )
    except storage.UploadRefused as refused:
        assert is_clear_message(refused.message), refused.message
    except InvalidInput as refused:
        assert set(refused.fields) == {"notice"}
        assert is_clear_message(refused.fields["notice"]), refused.fields
    else:
        session.flush()
        assert _count(session, CaseNotice) == before[0] + 1
        assert storage.read_all(notice.blob_name) == hostile.data
        assert len(notice.reading.get("text", "")) <= 20_000
        storage.delete_blob(notice.blob_name)  # the row goes with the test's transaction
        return
    session.flush()
    assert (_count(session, CaseNotice), stored_blobs(), staging_files()) == before


# --- fillable forms ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def admin():
    with session_scope() as setup:
        return staff(setup, role="admin")


@pytest.mark.parametrize("hostile", FORMS, ids=ids(FORMS))
def test_a_hostile_form_is_loaded_or_refused_clearly_and_a_refusal_keeps_nothing(
    session, admin, hostile
):
    before = (_count(session, FormTemplate), stored_blobs())
    try:
        with watchdog():
            template = load_form(
                session, actor=admin, data=hostile.data, original_name=hostile.name
            )
    except InvalidInput as refused:
        assert set(refused.fields) == {"file"}
        assert is_clear_message(refused.fields["file"]), refused.fields
        session.flush()
        assert (_count(session, FormTemplate), stored_blobs()) == before
        return
    session.flush()
    assert _count(session, FormTemplate) == before[0] + 1
    # What the footer printed: I-130, or the number a damaged footer now says.
    assert template.field_count >= 1 and re.fullmatch(r"[A-Z]{1,3}-\d{1,4}", template.form_number)
    assert storage.read_all(template.blob_name) == hostile.data
    storage.delete_blob(template.blob_name)


# --- packets -------------------------------------------------------------------------------------


def _letter() -> PacketPart:
    return PacketPart("letter", "Cover letter", pdf_bytes(), storage.PDF)


@pytest.mark.parametrize("hostile", EXHIBITS, ids=ids(EXHIBITS))
def test_a_packet_with_a_hostile_exhibit_is_built_whole_or_refused_by_name(hostile):
    media_type = storage.JPEG if hostile.name.endswith(".jpg") else storage.PDF
    exhibit = PacketPart("exhibit", "Hostile exhibit", hostile.data, media_type)
    try:
        with watchdog():
            packet = assemble_packet([_letter(), exhibit], heading="Hostile - Test")
    except PacketRefused as refused:
        assert refused.part_title == "Hostile exhibit"
        assert "Exhibit A (Hostile exhibit)" in refused.message
        assert is_clear_message(refused.message), refused.message
        return
    # Built: a PDF whose pages are all there: letter, index, tab, and the exhibit's pages.
    assert len(PdfReader(io.BytesIO(packet.data)).pages) == packet.page_count >= 4


@needs_real_forms
@pytest.mark.parametrize("hostile", STORED_EXHIBITS, ids=ids(STORED_EXHIBITS))
def test_a_hostile_exhibit_accepted_on_a_case_stops_its_packet_build_or_goes_in(hostile):
    with session_scope() as setup:
        attorney = staff(setup)
        case = make_ready_case(setup, actor=attorney)
        reference = case.reference
        accept_document(
            setup, attorney, case, "beneficiary", "birth-certificate", hostile.name, hostile.data
        )
    with session_scope() as check:
        case_id = check.exec(select(Case.id).where(Case.reference == reference)).one()
        before = (_count(check, FilingPacket, FilingPacket.case_id == case_id), stored_blobs())
    try:
        with watchdog():
            built = build_packet(actor=attorney, reference=reference)
    except InvalidInput as refused:
        assert "Birth certificate" in refused.fields["packet"]
        assert is_clear_message(refused.fields["packet"]), refused.fields
        with session_scope() as check:
            packets = _count(check, FilingPacket, FilingPacket.case_id == case_id)
            built_events = _count(
                check, CaseEvent, CaseEvent.case_id == case_id, CaseEvent.kind == "packet_built"
            )
            assert (packets, stored_blobs(), built_events) == (*before, 0)
        return
    assert built.page_count >= 1
