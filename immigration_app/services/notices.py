"""USCIS notices read into records that staff confirm with one click.

Staff upload the notices USCIS mails (I-797C receipts and appointment notices, I-797E requests
for evidence, intents to deny, approvals, decision letters). Typing their values by hand is where
a receipt number loses a digit or an RFE deadline lands on the wrong day, so `read_notice` reads
the text the PDF carries and `NoticeReading.proposals` offers what it found as records to add.

A notice is evidence, not a command: nothing here writes to a case. The reader takes only what
the notice prints and leaves a field None when the text does not say it; a printed RFE or NOID
due date is taken as printed (DOMAIN.md section 2: prefer the printed date), never computed.

A scanned notice has no text. It is not an error: the reading says `scanned` and staff type the
fields. If the server has tesseract, the page images are read with it instead (`ocr`).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import DeprecationError as PdfDeprecationError
from pypdf.errors import PyPdfError

from immigration_app.services.notice_text import (
    OTHER,
    Layout,
    find_applicant,
    find_appointment,
    find_form_number,
    find_notice_date,
    find_petitioner,
    find_priority_date,
    find_receipt_number,
    find_received_date,
    find_response_due,
    find_validity,
    flatten,
    notice_kind,
)
from immigration_app.services.storage import PDF, PHOTO_TYPES, SNIFF_BYTES, sniff_type

KINDS = ("receipt", "biometrics", "interview", "rfe", "noid", "approval", "denial", "transfer")
# A notice is a page or two; these bound the work a hostile or mistaken upload can cause.
MAX_PAGES = 50
MAX_TEXT = 200_000
# pypdf reads page content at some 100 KB a second, slower still in layout mode; a notice page
# holds 3 to 50 KB. Text is read from the pages until this much content has been read, so a
# page of megabytes of drawing operators cannot hold a worker for minutes.
MAX_CONTENT_BYTES = 512 * 1024
# Reading a page picture takes tesseract a few seconds; a whole upload gets two minutes.
_OCR_SECONDS = 120
_OCR_IMAGES_PER_PAGE = 4
_PDF_ERRORS = (
    PyPdfError,
    PdfDeprecationError,  # a filter name pypdf 7 no longer takes ("/LZW"), in a damaged file
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    RecursionError,
    ZeroDivisionError,
    OverflowError,
    NotImplementedError,  # a filter pypdf does not know: "/ASCII85becode" in a damaged file
)


class NoticeRefused(Exception):
    """A file that cannot be read as a notice; `message` says what it is and what to do."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Proposal:
    """A record to offer staff: `kind` says which, `values` holds its fields (dates ISO)."""

    kind: str  # receipt_number, appointment, rfe_due, noid_due, decision
    title: str
    values: dict[str, str]


@dataclass(frozen=True)
class NoticeReading:
    kind: str = OTHER  # one of KINDS, or "other"
    receipt_number: str | None = None
    form_number: str | None = None  # "I-485"
    notice_date: date | None = None
    received_date: date | None = None
    priority_date: date | None = None
    applicant_name: str | None = None  # as printed: "DOE, JOHN"
    petitioner_name: str | None = None
    appointment_date: date | None = None
    appointment_time: str | None = None  # "10:00 AM"
    appointment_place: str | None = None  # address lines joined with ", "
    response_due: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    page_count: int = 0
    scanned: bool = False
    ocr: bool = False
    text: str = ""  # what was read, for staff to check against

    def proposals(self) -> list[Proposal]:
        """The records this notice supports, receipt number first."""
        if self.kind == OTHER:
            return []  # an unknown document proves nothing about a case
        case = {"receipt_number": self.receipt_number, "form_number": self.form_number}
        found = []
        if self.receipt_number:
            found.append(
                Proposal(
                    "receipt_number",
                    f"Add receipt number {self.receipt_number}{_in_brackets(self.form_number)}",
                    _values(
                        **case,
                        received_date=self.received_date,
                        priority_date=self.priority_date,
                        notice_date=self.notice_date,
                    ),
                )
            )
        if self.kind in ("biometrics", "interview") and self.appointment_date:
            found.append(self._appointment(self.appointment_date, case))
        if self.kind in ("rfe", "noid") and self.response_due:
            found.append(
                Proposal(
                    f"{self.kind}_due",
                    f"Add {self.kind.upper()} response deadline: must be received by "
                    f"{_long(self.response_due)}{_in_brackets(self.form_number)}",
                    _values(**case, due=self.response_due, notice_date=self.notice_date),
                )
            )
        if self.kind in ("approval", "denial"):
            decision = "approved" if self.kind == "approval" else "denied"
            on = f" on {_long(self.notice_date)}" if self.notice_date else ""
            found.append(
                Proposal(
                    "decision",
                    f"Record {self.form_number or 'the case'} as {decision}{on}",
                    _values(
                        **case,
                        decision=decision,
                        date=self.notice_date,
                        valid_from=self.valid_from,
                        valid_to=self.valid_to,
                    ),
                )
            )
        return found

    def _appointment(self, day: date, case: dict[str, str | None]) -> Proposal:
        title = f"Add {self.kind} appointment on {_long(day)}"
        if self.appointment_time:
            title += f" at {self.appointment_time}"
        if self.appointment_place:
            title += f", {self.appointment_place}"
        return Proposal(
            "appointment",
            title,
            _values(
                **case,
                kind=self.kind,
                date=day,
                time=self.appointment_time,
                place=self.appointment_place,
            ),
        )


def _values(**values: str | date | None) -> dict[str, str]:
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in values.items()
        if value is not None
    }


def _long(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _in_brackets(text: str | None) -> str:
    return f" ({text})" if text else ""


# --- reading -----------------------------------------------------------------------------------


def read_notice(data: bytes) -> NoticeReading:
    """What a notice PDF says, for staff to confirm; NoticeRefused when it cannot be opened."""
    reader = _open(data)
    pages = [reader.pages[index] for index in range(min(len(reader.pages), MAX_PAGES))]
    texts = _texts_within_budget(pages)
    plain = _capped(text for text, _ in texts)
    if plain.strip():
        layout = _capped(laid_out or text for text, laid_out in texts)
        return _reading(plain, layout, page_count=len(reader.pages), ocr=False)
    recognised = _ocr(pages)
    if recognised.strip():
        return _reading(recognised, recognised, page_count=len(reader.pages), ocr=True)
    return NoticeReading(page_count=len(reader.pages), scanned=True)


def _open(data: bytes) -> PdfReader:
    if not data:
        raise NoticeRefused("not_pdf", "This file is empty. Upload the notice again.")
    sniffed = sniff_type(data[:SNIFF_BYTES])
    if sniffed is not None and sniffed[0] in PHOTO_TYPES:
        raise NoticeRefused(
            "not_pdf",
            "This is a photo, not a PDF. Type the notice's details from it, or scan the notice "
            "to PDF and upload that.",
        )
    if sniffed is None or sniffed[0] != PDF:
        raise NoticeRefused("not_pdf", "This file is not a PDF. Upload the notice as a PDF.")
    try:
        reader = PdfReader(io.BytesIO(data))
        # Encrypted only to restrict printing or copying: opens with an empty password.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise NoticeRefused(
                "encrypted",
                "This PDF is password-protected, so it cannot be read. Upload an unprotected "
                "copy, or type the notice's details.",
            )
        if len(reader.pages) == 0:
            raise _damaged()
        return reader
    except NoticeRefused:
        raise
    except _PDF_ERRORS as error:
        raise _damaged() from error


def _damaged() -> NoticeRefused:
    return NoticeRefused(
        "damaged",
        "This PDF is damaged and cannot be read. Download or scan the notice again.",
    )


def _texts_within_budget(pages: list[PageObject]) -> list[tuple[str, str]]:
    """Each page's texts (see `_page_texts`), blank for pages past MAX_CONTENT_BYTES."""
    texts, budget = [], MAX_CONTENT_BYTES
    for page in pages:
        size = _content_size(page)
        budget -= size
        texts.append(_page_texts(page) if size and budget >= 0 else ("", ""))
    return texts


def _content_size(page: PageObject) -> int:
    """The page's decoded content in bytes (pypdf caps what a compressed stream may inflate
    to); 0 when it has none or it cannot be decoded."""
    try:
        contents = page.get_contents()
        return len(contents.get_data()) if contents is not None else 0
    except _PDF_ERRORS:
        return 0


def _page_texts(page: PageObject) -> tuple[str, str]:
    """The page's text in reading order, and laid out in columns (empty if that fails)."""
    try:
        text = page.extract_text() or ""
    except _PDF_ERRORS:
        return "", ""
    try:
        laid_out = page.extract_text(extraction_mode="layout") or ""
    except _PDF_ERRORS:
        laid_out = ""
    return text, laid_out


def _capped(texts: Iterable[str]) -> str:
    parts: list[str] = []
    room = MAX_TEXT
    for text in texts:
        parts.append(text[:room])
        room -= len(parts[-1])
        if room <= 0:
            break
    return "\n\n".join(parts)


def _ocr(pages: list[PageObject]) -> str:
    """The text tesseract reads in the page images; empty when tesseract is not installed."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return ""
    texts = []
    deadline = time.monotonic() + _OCR_SECONDS
    with tempfile.TemporaryDirectory() as folder:
        for number, page in enumerate(pages):
            for index, (name, data) in enumerate(_images(page)):
                seconds = deadline - time.monotonic()
                if seconds <= 0:
                    return _capped(texts)
                path = Path(folder) / f"{number}-{index}{Path(name).suffix or '.png'}"
                path.write_bytes(data)
                texts.append(_tesseract(tesseract, path, seconds=seconds))
    return _capped(texts)


def _images(page: PageObject) -> list[tuple[str, bytes]]:
    """(file name, bytes) of the page's first images, as pypdf decodes them."""
    try:
        images = page.images
        count = min(len(images), _OCR_IMAGES_PER_PAGE)
        return [(images[index].name, images[index].data) for index in range(count)]
    except _PDF_ERRORS:
        return []


def _tesseract(binary: str, path: Path, *, seconds: float) -> str:
    try:
        # The binary is the one on PATH and the file one this module just wrote.
        done = subprocess.run(  # noqa: S603
            [binary, str(path), "stdout"],
            capture_output=True,
            text=True,
            timeout=seconds,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout if done.returncode == 0 else ""


def _reading(plain: str, laid_out: str, *, page_count: int, ocr: bool) -> NoticeReading:
    page, flat = Layout(laid_out), flatten(plain)
    kind = notice_kind(page, flat)
    appointment_date = appointment_time = appointment_place = None
    if kind in ("biometrics", "interview"):
        appointment_date, appointment_time, appointment_place = find_appointment(page)
    valid_from, valid_to = find_validity(page, flat) if kind == "approval" else (None, None)
    return NoticeReading(
        kind=kind,
        receipt_number=find_receipt_number(page, flat),
        form_number=find_form_number(page, flat),
        notice_date=find_notice_date(page, kind),
        received_date=find_received_date(page),
        priority_date=find_priority_date(page),
        applicant_name=find_applicant(page),
        petitioner_name=find_petitioner(page),
        appointment_date=appointment_date,
        appointment_time=appointment_time,
        appointment_place=appointment_place,
        response_due=find_response_due(page, flat) if kind in ("rfe", "noid") else None,
        valid_from=valid_from,
        valid_to=valid_to,
        page_count=page_count,
        scanned=ocr,  # text read by OCR came from pictures of the pages
        ocr=ocr,
        text=plain,
    )
