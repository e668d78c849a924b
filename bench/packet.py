"""Assembling a 300-page filing packet: time and memory, against a plain pypdf concatenation.

The packet (`services.packet_pdf.assemble_packet`) is a cover letter, the eight real USCIS forms
(each filled with a few values through `services.pdf_forms.fill_pdf`, then flattened in the
packet), and 90 exhibits: 40 generated PDFs of 1 to 3 pages (every third one A4, so it is scaled
to Letter) and 50 phone photos, 3000x4000 JPEG at quality 85 with paper-like texture and text,
each made into a page. The builder adds the exhibit index, a tab page per exhibit, "Page N of M"
on every page and the outline. The inputs are made before the clock starts.

`seconds` is one build, wall clock. `peak_rss_mb` is the highest resident set size sampled every
5 ms during the build, minus the resident size just before it: the parts themselves are already
in memory, the packet it returns is counted.

Baseline, same run: pypdf's PdfWriter appending the same PDFs (the photos already made into
PDFs) and writing the result, with no flattening, fitting, stamps, tabs, index or outline
(`baseline_seconds`). Needs the real forms (../shared/forms, or USCIS_FORMS_DIR).
Then the same parts go through the case, as staff build a packet: on a fresh database (SQLite
in a temporary folder, or a throw-away PostgreSQL schema with DATABASE_URL set), a marriage case
gets the seven forms its type files, loaded from the real PDFs and filled from its profiles, and
the 90 exhibits as accepted documents (uploaded through the encrypted store). `service_seconds`
times `services.packets.build_packet`: reading and decrypting every part, writing the letter,
assembling, encrypting and storing the packet as the case's next version. The run then reads the
case's packets back and checks the new one is there (`in_case`).

Last line: one JSON object.
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
import threading
import time
from pathlib import Path

from bench import use_throwaway_database

_TMP = use_throwaway_database("packet")

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402
from pypdf import PdfReader, PdfWriter  # noqa: E402
from reportlab.lib.pagesizes import A4, LETTER  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402
from sqlmodel import select  # noqa: E402

from immigration_app.models import CaseMember, MemberRole  # noqa: E402
from immigration_app.services.checklists import ItemText, add_case_item  # noqa: E402
from immigration_app.services.db import session_scope  # noqa: E402
from immigration_app.services.packet_pdf import PacketPart, assemble_packet  # noqa: E402
from immigration_app.services.packets import build_packet, case_packets  # noqa: E402
from immigration_app.services.pdf_forms import fill_pdf, read_blank_form  # noqa: E402
from immigration_app.services.schema import migrate_to_head  # noqa: E402
from immigration_app.services.storage import JPEG, PDF, photo_to_pdf  # noqa: E402
from immigration_app.services.users import create_user, viewer_of  # noqa: E402
from tests.packets import accept_document, make_ready_case  # noqa: E402

FORMS = Path(
    os.environ.get("USCIS_FORMS_DIR") or Path(__file__).resolve().parents[2] / "shared" / "forms"
)
FORM_FILES = (
    "g-1145.pdf",
    "i-130.pdf",
    "i-130a.pdf",
    "i-485.pdf",
    "i-765.pdf",
    "i-131.pdf",
    "i-864.pdf",
    "n-400.pdf",
)
PDF_EXHIBITS = 40
PHOTOS = 50
PHOTO_SIZE = (3000, 4000)
VALUES_PER_FORM = 6
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
# What an aos-marriage case files, all mapped (the N-400 belongs to another case type).
CASE_FORMS = ("G-1145", "I-130", "I-130A", "I-485", "I-765", "I-131", "I-864")


def _filled_form(path: Path) -> bytes:
    template = path.read_bytes()
    blank = read_blank_form(template)
    texts = [field for field in blank.fields if field.fillable and field.kind == "text"]
    values = {field.name: "Ramirez Lucia"[: field.limit or 13] for field in texts[:VALUES_PER_FORM]}
    return fill_pdf(template, {field.name: field for field in blank.fields}, values).data


def _letter() -> bytes:
    return _document(LETTER, 2, "Cover letter")


def _document(size: tuple[float, float], pages: int, title: str) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=size)
    width, height = size
    for page in range(1, pages + 1):
        canvas.setFont("Helvetica-Bold", 14)
        canvas.drawString(54, height - 72, f"{title}, page {page}")
        canvas.setFont("Helvetica", 10)
        for line in range(40):
            canvas.drawString(54, height - 100 - line * 15, f"{line:02d} Account activity " * 4)
        canvas.rect(36, 36, width - 72, height - 72)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _photo(seed: int) -> bytes:
    """A phone photo of a document: uneven light, paper grain, lines of dark text."""
    rng = random.Random(seed)
    small = (PHOTO_SIZE[0] // 4, PHOTO_SIZE[1] // 4)
    grain = Image.effect_noise(small, 40).convert("RGB")
    light = Image.linear_gradient("L").resize(small).convert("RGB")
    paper = Image.blend(grain, light, 0.5).resize(PHOTO_SIZE, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(paper)
    for line in range(60):
        top = 300 + line * 58
        left = 250 + rng.randrange(40)
        draw.rectangle((left, top, left + rng.randrange(1200, 2500), top + 22), fill=(40, 40, 48))
    paper = paper.filter(ImageFilter.GaussianBlur(1.2))
    noise = Image.effect_noise(PHOTO_SIZE, 12).convert("RGB")
    paper = Image.blend(paper, noise, 0.08)
    out = io.BytesIO()
    paper.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _parts() -> list[PacketPart]:
    parts = [PacketPart("letter", "Cover letter", _letter(), PDF)]
    for name in FORM_FILES:
        parts.append(
            PacketPart("form", f"Form {name[:-4].upper()}", _filled_form(FORMS / name), PDF)
        )
    for number in range(PDF_EXHIBITS):
        size = A4 if number % 3 == 0 else LETTER
        title = f"Bank statement {number + 1}"
        data = _document(size, 1 + number % 3, title)
        parts.append(PacketPart("exhibit", title, data, PDF))
    for number in range(PHOTOS):
        parts.append(PacketPart("exhibit", f"Photo {number + 1}", _photo(number), JPEG))
    return parts


class _PeakRss:
    """The highest resident set size seen while inside the block, sampled every 5 ms."""

    def __init__(self) -> None:
        self.before = self.peak = _rss()
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> _PeakRss:
        self.before = self.peak = _rss()
        self._sampler.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        self._sampler.join()
        self.peak = max(self.peak, _rss())

    def _sample(self) -> None:
        while not self._done.wait(0.005):
            self.peak = max(self.peak, _rss())

    @property
    def growth_mb(self) -> float:
        return round((self.peak - self.before) / 2**20, 1)


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


def _baseline_seconds(parts: list[PacketPart]) -> float:
    pdfs = [
        part.data if part.media_type == PDF else photo_to_pdf(part.data, JPEG) for part in parts
    ]
    started = time.perf_counter()
    writer = PdfWriter()
    for data in pdfs:
        writer.append(PdfReader(io.BytesIO(data)))
    writer.write(io.BytesIO())
    return time.perf_counter() - started


def _case_with(exhibits: list[PacketPart]):
    """A marriage case with its forms filled and `exhibits` accepted; (attorney, reference)."""
    migrate_to_head()
    with session_scope() as session:
        user = create_user(
            session,
            email="bench-attorney@bench.example",
            full_name="Bench Attorney",
            role="attorney",
            password=os.urandom(12).hex(),
            actor=None,
        )
        attorney = viewer_of(user)
        case = make_ready_case(session, actor=attorney, forms=CASE_FORMS, documents=())
        member = session.exec(
            select(CaseMember).where(
                CaseMember.case_id == case.id, CaseMember.role == MemberRole.BENEFICIARY
            )
        ).one()
        for number, part in enumerate(exhibits):
            code = f"bench-{number}"
            text = ItemText(code, "relationship", part.title, part.title)
            add_case_item(
                session,
                actor=attorney,
                reference=case.reference,
                member_id=member.id,
                text=text,
                reason="Evidence of the marriage",
            )
            name = f"{code}.{'pdf' if part.media_type == PDF else 'jpg'}"
            accept_document(session, attorney, case, "beneficiary", code, name, part.data)
        return attorney, case.reference


def _through_the_case(exhibits: list[PacketPart]) -> dict:
    attorney, reference = _case_with(exhibits)
    with _PeakRss() as memory:
        started = time.perf_counter()
        built = build_packet(actor=attorney, reference=reference)
        seconds = time.perf_counter() - started
    with session_scope() as session:
        newest = case_packets(session, viewer=attorney, reference=reference)[0]
    print(
        f"  through the case: {seconds:.2f} s, {built.page_count} pages, "
        f"peak RSS +{memory.growth_mb} MB; packet version {newest.version} is on the case"
    )
    return {
        "service_seconds": round(seconds, 2),
        "service_pages": built.page_count,
        "service_peak_rss_mb": memory.growth_mb,
        "in_case": newest.id == built.id,
    }


def main() -> None:
    if not (FORMS / "i-130.pdf").exists():
        sys.exit(f"needs the USCIS forms in {FORMS} (set USCIS_FORMS_DIR)")
    parts = _parts()
    input_mb = round(sum(len(part.data) for part in parts) / 2**20, 1)
    with _PeakRss() as memory:
        started = time.perf_counter()
        packet = assemble_packet(parts, heading="I-130 petition - Lucia Ramirez")
        seconds = time.perf_counter() - started
    baseline = _baseline_seconds(parts)
    assert len(PdfReader(io.BytesIO(packet.data)).pages) == packet.page_count
    packet_mb = round(len(packet.data) / 2**20, 1)
    print(f"{len(parts)} parts ({input_mb} MB) -> {packet.page_count} pages ({packet_mb} MB)")
    print(f"  packet:   {seconds:.2f} s, peak RSS +{memory.growth_mb} MB")
    print(f"  baseline: {baseline:.2f} s (pypdf concatenation only)")
    result = {
        "bench": "packet",
        "pages": packet.page_count,
        "seconds": round(seconds, 2),
        "peak_rss_mb": memory.growth_mb,
        "input_mb": input_mb,
        "packet_mb": packet_mb,
        "baseline": "pypdf append",
        "baseline_seconds": round(baseline, 2),
        "ratio": round(seconds / baseline, 2),
    }
    result |= _through_the_case([part for part in parts if part.kind == "exhibit"])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
