"""Building a case's packet: the case type's order, the letter's enclosures, bookmarks and page
stamps in the stored PDF, versions, RFE responses, and exhibits that stop the build."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from sqlmodel import func, select

from immigration_app.models import Case, CaseEvent, FilingPacket
from immigration_app.services import storage
from immigration_app.services.approval import packet_status
from immigration_app.services.cover_letter import reset_case_letter, save_case_letter
from immigration_app.services.db import session_scope
from immigration_app.services.errors import InvalidInput
from immigration_app.services.packets import build_packet, case_packets, open_packet
from immigration_app.settings import get_settings
from tests.factories import make_viewer
from tests.files import pdf_bytes
from tests.form_profiles import needs_real_forms
from tests.packets import accept_document, make_ready_case

pytestmark = needs_real_forms


@pytest.fixture
def ready():
    """(attorney, reference) of a case ready for its packet, committed."""
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        case = make_ready_case(session, actor=attorney)
        return attorney, case.reference


def stored(packet_id: int) -> tuple[FilingPacket, PdfReader]:
    with session_scope() as session:
        packet = session.get(FilingPacket, packet_id)
        session.expunge(packet)
    return packet, PdfReader(io.BytesIO(storage.read_all(packet.blob_name)))


def outline_of(reader: PdfReader) -> list[tuple[str, int, int]]:
    """(title, page from 1, depth) of every bookmark, in order."""
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((item.title, reader.get_destination_page_number(item) + 1, depth))

    walk(reader.outline, 0)
    return found


def test_the_packet_follows_the_case_types_order_with_bookmarks_and_stamps(ready):
    attorney, reference = ready
    built = build_packet(actor=attorney, reference=reference)
    packet, reader = stored(built.id)

    assert [entry["key"].split(":")[0] for entry in packet.contents] == [
        "letter", "form", "form", "item", "item", "item",
    ]  # fmt: skip
    assert [entry["title"] for entry in packet.contents[:3]] == [
        "Cover letter", "Form G-1145", "Form I-130",
    ]  # fmt: skip
    assert len(reader.pages) == packet.page_count == built.page_count
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {packet.page_count}" in page.extract_text()

    outline = outline_of(reader)
    titles = [title for title, _, _ in outline]
    assert titles[:4] == ["Cover letter", "Form G-1145", "Form I-130", "Exhibits"]
    assert [title.split(":")[0] for title in titles[4:]] == ["Exhibit A", "Exhibit B", "Exhibit C"]
    starts = {entry["title"]: entry["first_page"] for entry in packet.contents}
    assert outline[1][1] == starts["Form G-1145"] == 2
    assert outline[2][1] == starts["Form I-130"] == 3
    exhibits = [entry for entry in packet.contents if entry["kind"] == "exhibit"]
    assert [page for _, page, depth in outline if depth] == [e["first_page"] for e in exhibits]
    index_page = reader.pages[outline[3][1] - 1].extract_text()
    assert "Exhibit index" in index_page
    assert "Exhibit A" in reader.pages[exhibits[0]["first_page"] - 1].extract_text()


def test_the_cover_letter_lists_what_the_packet_holds_on_the_letterhead(ready):
    attorney, reference = ready
    packet, reader = stored(build_packet(actor=attorney, reference=reference).id)
    letter = reader.pages[0].extract_text()
    assert "P.O. Box 4436" in letter
    assert "1. Form G-1145" in letter and "2. Form I-130" in letter
    assert "3. Exhibit index" in letter
    exhibits = [entry["title"] for entry in packet.contents if entry["kind"] == "exhibit"]
    assert f"4. Exhibit A: {exhibits[0]}" in " ".join(letter.split())
    assert "Beneficiary: Lucia Fernanda Ramirez" in letter
    assert "Receipt number:" not in letter  # an empty line of the template is left out


def test_each_build_is_a_new_version_and_every_view_is_recorded(ready):
    attorney, reference = ready
    first = build_packet(actor=attorney, reference=reference)
    second = build_packet(actor=attorney, reference=reference)
    assert (first.version, second.version) == (1, 2)
    with session_scope() as session:
        rows = case_packets(session, viewer=attorney, reference=reference)
        assert [row.version for row in rows] == [2, 1]
        download = open_packet(session, viewer=attorney, packet_id=second.id, inline=True)
        assert download.inline and download.filename.endswith("Filing packet v2.pdf")
        viewed = session.exec(select(CaseEvent).where(CaseEvent.kind == "packet_viewed")).one()
        assert viewed.after["sha256"] == second.sha256
    assert storage.read_all(download.blob_name)[:5] == b"%PDF-"


def test_an_rfe_response_holds_the_letter_and_the_chosen_exhibits_only(ready):
    attorney, reference = ready
    filing, _ = stored(build_packet(actor=attorney, reference=reference).id)
    chosen = int(filing.contents[-1]["key"].split(":")[1])
    built = build_packet(
        actor=attorney, reference=reference, purpose="rfe_response", item_ids=[chosen]
    )
    packet, reader = stored(built.id)
    assert packet.purpose == "rfe_response"
    assert [entry["key"] for entry in packet.contents] == ["letter", f"item:{chosen}"]
    assert [title for title, _, _ in outline_of(reader)][:2] == ["Cover letter", "Exhibits"]
    letter = " ".join(reader.pages[0].extract_text().split())
    assert "Response to request for evidence" in letter and "P.O. Box 4436" in letter
    with session_scope() as session:  # the other accepted documents are not "missing" from it
        case = session.exec(select(Case).where(Case.reference == reference)).one()
        status = packet_status(session, case, "rfe_response")
        assert (status.state, status.changes) == ("draft", [])


def test_the_letter_needs_an_addressee_and_keeps_its_enclosures(ready):
    attorney, reference = ready
    with session_scope() as session:
        reset_case_letter(session, actor=attorney, reference=reference)
    with pytest.raises(InvalidInput) as refused:
        build_packet(actor=attorney, reference=reference)
    assert "where-to-file" in refused.value.fields["addressee"]
    with session_scope() as session, pytest.raises(InvalidInput) as refused:
        save_case_letter(
            session,
            actor=attorney,
            reference=reference,
            addressee="USCIS",
            subject="RE: x",
            body="Hi",
        )
    assert "{enclosures}" in refused.value.fields["body"]


def _blob_count() -> int:
    return sum(1 for path in (get_settings().data_dir / "documents").rglob("*") if path.is_file())


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.encrypt("secret-password")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _no_pages_pdf() -> bytes:
    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (pdf_bytes()[:200] + b"\nthis is not the rest of the file\n%%EOF\n", "damaged"),
        (_encrypted_pdf(), "password-protected"),
        (_no_pages_pdf(), "has no pages"),
    ],
    ids=["unreadable", "password", "no-pages"],
)
def test_an_exhibit_that_cannot_be_used_stops_the_build_by_name_and_nothing_is_kept(
    ready, data, says
):
    attorney, reference = ready
    with session_scope() as session:
        case = session.exec(select(Case).where(Case.reference == reference)).one()
        accept_document(
            session, attorney, case, "beneficiary", "birth-certificate", "acta.pdf", data
        )
    blobs = _blob_count()
    with pytest.raises(InvalidInput) as refused:
        build_packet(actor=attorney, reference=reference)
    message = refused.value.fields["packet"]
    assert "Birth certificate" in message and says in message
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(FilingPacket)).one() == 0
        assert not session.exec(select(CaseEvent).where(CaseEvent.kind == "packet_built")).all()
    assert _blob_count() == blobs
