"""Reading USCIS notices: every generated notice reads back to the values it was made with, and
files that are not readable notices are refused or read as nothing, never guessed at."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import pytest
from pypdf import PdfWriter
from reportlab.pdfgen.canvas import Canvas

from immigration_app.services import notices
from immigration_app.services.notice_text import Layout, find_applicant, find_notice_date
from immigration_app.services.notices import NoticeReading, NoticeRefused, read_notice
from tests import notices as make
from tests.files import jpeg_bytes

# Every value a reading can hold. A case names the ones its notice prints; the rest must be None.
VALUES = (
    "receipt_number",
    "form_number",
    "notice_date",
    "received_date",
    "priority_date",
    "applicant_name",
    "petitioner_name",
    "appointment_date",
    "appointment_time",
    "appointment_place",
    "response_due",
    "valid_from",
    "valid_to",
)
LA_ASC = ("USCIS LOS ANGELES", "300 N LOS ANGELES ST RM 1001", "LOS ANGELES CA 90012")
EL_PASO_ASC = ("USCIS EL PASO", "1545 HAWKINS BLVD STE 150", "EL PASO TX 79925")
LA_OFFICE = (
    "USCIS LOS ANGELES FIELD OFFICE",
    "300 N LOS ANGELES ST RM 8105",
    "LOS ANGELES CA 90012",
)
OMAHA_OFFICE = ("USCIS OMAHA FIELD OFFICE", "1717 N 86TH ST STE 100", "OMAHA NE 68114")


def _text_pdf(*lines: str, per_page: int = 40) -> bytes:
    """A text PDF with `lines` in reading order, `per_page` lines to a page."""
    out = io.BytesIO()
    page = Canvas(out)
    for index, line in enumerate(lines):
        if index and index % per_page == 0:
            page.showPage()
        page.drawString(72, 760 - 18 * (index % per_page), line)
    page.save()
    return out.getvalue()


def _encrypted(data: bytes, *, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass(frozen=True)
class Notice:
    name: str
    pdf: Callable[[], bytes]
    kind: str
    values: dict[str, object]
    # proposal kind -> values it must carry (it may carry more: the receipt number, the form)
    proposes: dict[str, dict[str, str]] = field(default_factory=dict)


NOTICES = [
    Notice(
        "receipt-2025-i485",
        partial(make.receipt_notice, style="2025"),
        "receipt",
        {
            "receipt_number": "IOE0912345678",
            "form_number": "I-485",
            "received_date": date(2026, 1, 5),
            "notice_date": date(2026, 1, 9),
            "applicant_name": "DOE, JOHN",
        },
        {
            "receipt_number": {
                "receipt_number": "IOE0912345678",
                "form_number": "I-485",
                "received_date": "2026-01-05",
                "notice_date": "2026-01-09",
            }
        },
    ),
    Notice(
        "receipt-2025-i130-priority-date",
        partial(
            make.receipt_notice,
            style="2025",
            receipt_number="IOE8801234567",
            form="I-130",
            received=date(2025, 8, 4),
            priority=date(2025, 8, 4),
            notice=date(2025, 8, 6),
            applicant="NGUYEN, LINH",
            petitioner="NGUYEN, THANH",
        ),
        "receipt",
        {
            "receipt_number": "IOE8801234567",
            "form_number": "I-130",
            "received_date": date(2025, 8, 4),
            "priority_date": date(2025, 8, 4),
            "notice_date": date(2025, 8, 6),
            "applicant_name": "NGUYEN, LINH",
            "petitioner_name": "NGUYEN, THANH",
        },
        {"receipt_number": {"receipt_number": "IOE8801234567", "priority_date": "2025-08-04"}},
    ),
    Notice(
        "receipt-2019-dashed-long-dates",
        partial(
            make.receipt_notice,
            style="2019",
            receipt_number="EAC1912345678",
            form="I-130",
            received=date(2019, 3, 15),
            priority=date(2019, 3, 15),
            notice=date(2019, 3, 20),
            applicant="GARCÍA LÓPEZ, MARÍA",
            petitioner="SMITH, JANE",
        ),
        "receipt",
        {
            "receipt_number": "EAC1912345678",
            "form_number": "I-130",
            "received_date": date(2019, 3, 15),
            "priority_date": date(2019, 3, 15),
            "notice_date": date(2019, 3, 20),
            "applicant_name": "GARCÍA LÓPEZ, MARÍA",
            "petitioner_name": "SMITH, JANE",
        },
        {"receipt_number": {"receipt_number": "EAC1912345678", "form_number": "I-130"}},
    ),
    Notice(
        "biometrics-2025-columns",
        partial(
            make.biometrics_notice,
            style="2025",
            appointment=date(2026, 1, 20),
            time="10:00 AM",
            place=LA_ASC,
        ),
        "biometrics",
        {
            "receipt_number": "IOE0912345678",
            "form_number": "I-485",
            "notice_date": date(2026, 1, 12),
            "applicant_name": "DOE, JOHN",
            "appointment_date": date(2026, 1, 20),
            "appointment_time": "10:00 AM",
            "appointment_place": "USCIS LOS ANGELES, 300 N LOS ANGELES ST RM 1001, "
            "LOS ANGELES CA 90012",
        },
        {
            "appointment": {
                "kind": "biometrics",
                "date": "2026-01-20",
                "time": "10:00 AM",
                "place": "USCIS LOS ANGELES, 300 N LOS ANGELES ST RM 1001, LOS ANGELES CA 90012",
            },
        },
    ),
    Notice(
        "biometrics-2019-labels-beside",
        partial(
            make.biometrics_notice,
            style="2019",
            receipt_number="WAC2109876543",
            form="I-765",
            notice=date(2021, 6, 1),
            applicant="ROSSI, LUCA",
            appointment=date(2021, 6, 22),
            time="08:00 a.m.",
            place=EL_PASO_ASC,
        ),
        "biometrics",
        {
            "receipt_number": "WAC2109876543",
            "form_number": "I-765",
            "notice_date": date(2021, 6, 1),
            "applicant_name": "ROSSI, LUCA",
            "appointment_date": date(2021, 6, 22),
            "appointment_time": "8:00 AM",
            "appointment_place": "USCIS EL PASO, 1545 HAWKINS BLVD STE 150, EL PASO TX 79925",
        },
        {"appointment": {"date": "2021-06-22", "time": "8:00 AM"}},
    ),
    Notice(
        "interview-2025-on-at",
        partial(
            make.interview_notice,
            style="2025",
            appointment=date(2026, 2, 17),
            time="9:30 AM",
            place=LA_OFFICE,
        ),
        "interview",
        {
            "receipt_number": "MSC2190123456",
            "form_number": "I-485",
            "notice_date": date(2026, 1, 26),
            "applicant_name": "DOE, JOHN",
            "appointment_date": date(2026, 2, 17),
            "appointment_time": "9:30 AM",
            "appointment_place": ", ".join(LA_OFFICE),
        },
        {"appointment": {"kind": "interview", "date": "2026-02-17", "place": ", ".join(LA_OFFICE)}},
    ),
    Notice(
        "interview-2019-n400-interleaved",
        partial(
            make.interview_notice,
            style="2019",
            receipt_number="LIN1990012345",
            form="N-400",
            notice=date(2019, 9, 3),
            applicant="OKAFOR, CHIDI",
            appointment=date(2019, 10, 8),
            time="1:15 PM",
            place=OMAHA_OFFICE,
        ),
        "interview",
        {
            "receipt_number": "LIN1990012345",
            "form_number": "N-400",
            "notice_date": date(2019, 9, 3),
            "applicant_name": "OKAFOR, CHIDI",
            "appointment_date": date(2019, 10, 8),
            "appointment_time": "1:15 PM",
            "appointment_place": ", ".join(OMAHA_OFFICE),
        },
        {"appointment": {"date": "2019-10-08", "time": "1:15 PM"}},
    ),
    Notice(
        "rfe-2025-date-wrapped",
        partial(make.rfe_notice, style="2025", due=date(2026, 4, 3)),
        "rfe",
        {
            "receipt_number": "IOE0912345678",
            "form_number": "I-485",
            "received_date": date(2026, 1, 5),
            "notice_date": date(2026, 1, 6),
            "applicant_name": "DOE, JOHN",
            "response_due": date(2026, 4, 3),
        },
        {"rfe_due": {"due": "2026-04-03", "notice_date": "2026-01-06"}},
    ),
    Notice(
        "rfe-2019-in-this-office-by",
        partial(
            make.rfe_notice,
            style="2019",
            receipt_number="SRC1990012345",
            form="I-129",
            received=date(2019, 2, 11),
            notice=date(2019, 3, 4),
            due=date(2019, 5, 30),
            applicant="PATEL, RAVI",
            petitioner="ACME ROBOTICS, INC.",
        ),
        "rfe",
        {
            "receipt_number": "SRC1990012345",
            "form_number": "I-129",
            "received_date": date(2019, 2, 11),
            "notice_date": date(2019, 3, 4),
            "applicant_name": "PATEL, RAVI",
            "petitioner_name": "ACME ROBOTICS, INC.",
            "response_due": date(2019, 5, 30),
        },
        {"rfe_due": {"due": "2019-05-30", "receipt_number": "SRC1990012345"}},
    ),
    Notice(
        "noid-2025-due-date-box",
        partial(make.noid_notice, style="2025", due=date(2026, 3, 9)),
        "noid",
        {
            "receipt_number": "MSC2190123456",
            "form_number": "I-485",
            "notice_date": date(2026, 2, 2),
            "applicant_name": "DOE, JOHN",
            "response_due": date(2026, 3, 9),
        },
        {"noid_due": {"due": "2026-03-09", "notice_date": "2026-02-02"}},
    ),
    Notice(
        "noid-2019-letter",
        partial(
            make.noid_notice,
            style="2019",
            receipt_number="NBC1990054321",
            form="I-485",
            notice=date(2019, 11, 12),
            due=date(2019, 12, 16),
            applicant="KOWALSKI, ANNA",
        ),
        "noid",
        {
            "receipt_number": "NBC1990054321",
            "form_number": "I-485",
            "notice_date": date(2019, 11, 12),
            "applicant_name": "KOWALSKI, ANNA",
            "response_due": date(2019, 12, 16),
        },
        {"noid_due": {"due": "2019-12-16", "notice_date": "2019-11-12"}},
    ),
    Notice(
        "approval-2025-valid-from",
        partial(make.approval_notice, style="2025"),
        "approval",
        {
            "receipt_number": "IOE0922233344",
            "form_number": "I-129",
            "received_date": date(2025, 4, 1),
            "notice_date": date(2025, 6, 20),
            "applicant_name": "DOE, JOHN",
            "petitioner_name": "ACME ROBOTICS INC",
            "valid_from": date(2025, 10, 1),
            "valid_to": date(2028, 9, 30),
        },
        {
            "decision": {
                "decision": "approved",
                "date": "2025-06-20",
                "valid_from": "2025-10-01",
                "valid_to": "2028-09-30",
                "form_number": "I-129",
            }
        },
    ),
    Notice(
        "approval-2019-welcome",
        partial(
            make.approval_notice,
            style="2019",
            receipt_number="MSC1890011122",
            form="I-485",
            received=date(2018, 7, 2),
            notice=date(2019, 4, 18),
            applicant="DOE, JOHN",
            petitioner=None,
            valid_from=None,
            valid_to=None,
        ),
        "approval",
        {
            "receipt_number": "MSC1890011122",
            "form_number": "I-485",
            "received_date": date(2018, 7, 2),
            "notice_date": date(2019, 4, 18),
            "applicant_name": "DOE, JOHN",
        },
        {"decision": {"decision": "approved", "date": "2019-04-18"}},
    ),
    Notice(
        "denial-2025-letter",
        partial(make.denial_letter, style="2025", decided=date(2026, 2, 10)),
        "denial",
        {
            "receipt_number": "IOE0912345678",
            "form_number": "I-485",
            "notice_date": date(2026, 2, 10),
            "applicant_name": "DOE, JOHN",
        },
        {"decision": {"decision": "denied", "date": "2026-02-10", "form_number": "I-485"}},
    ),
    Notice(
        "denial-2019-letter-unlabelled-date",
        partial(
            make.denial_letter,
            style="2019",
            receipt_number="WAC1904012345",
            form="I-130",
            decided=date(2019, 3, 3),
            applicant="DOE, JOHN",
            petitioner="SMITH, JANE",
        ),
        "denial",
        {
            "receipt_number": "WAC1904012345",
            "form_number": "I-130",
            "notice_date": date(2019, 3, 3),
            "applicant_name": "DOE, JOHN",
            "petitioner_name": "SMITH, JANE",
        },
        {"decision": {"decision": "denied", "date": "2019-03-03", "form_number": "I-130"}},
    ),
    Notice(
        "transfer-2025",
        partial(make.transfer_notice, style="2025"),
        "transfer",
        {
            "receipt_number": "LIN2190876543",
            "form_number": "I-765",
            "received_date": date(2025, 11, 3),
            "notice_date": date(2026, 1, 14),
            "applicant_name": "DOE, JOHN",
        },
    ),
    Notice(
        "transfer-2019",
        partial(make.transfer_notice, style="2019", receipt_number="YSC2290000123"),
        "transfer",
        {
            "receipt_number": "YSC2290000123",
            "form_number": "I-765",
            "received_date": date(2025, 11, 3),
            "notice_date": date(2026, 1, 14),
            "applicant_name": "DOE, JOHN",
        },
    ),
]


@pytest.mark.parametrize("notice", NOTICES, ids=[notice.name for notice in NOTICES])
def test_each_notice_reads_back_to_the_values_it_was_made_with(notice: Notice):
    reading = read_notice(notice.pdf())

    assert reading.kind == notice.kind
    read = {name: getattr(reading, name) for name in VALUES}
    assert read == {name: notice.values.get(name) for name in VALUES}
    assert (reading.page_count, reading.scanned, reading.ocr) == (1, False, False)
    assert notice.values["receipt_number"] in reading.text.replace("-", "")


@pytest.mark.parametrize("notice", NOTICES, ids=[notice.name for notice in NOTICES])
def test_each_notice_proposes_its_receipt_number_then_its_own_record(notice: Notice):
    proposals = read_notice(notice.pdf()).proposals()

    kinds = list(dict.fromkeys(["receipt_number", *notice.proposes]))
    assert [proposal.kind for proposal in proposals] == kinds
    assert proposals[0].values["receipt_number"] == notice.values["receipt_number"]
    assert str(notice.values["receipt_number"]) in proposals[0].title
    for proposal in proposals:
        expected = notice.proposes.get(proposal.kind, {})
        assert {key: proposal.values.get(key) for key in expected} == expected


def test_proposal_titles_and_values_are_plain_and_complete():
    reading = read_notice(
        make.biometrics_notice(appointment=date(2026, 1, 20), time="10:00 AM", place=LA_ASC)
    )
    receipt, appointment = reading.proposals()

    assert receipt.title == "Add receipt number IOE0912345678 (I-485)"
    assert appointment.title == (
        "Add biometrics appointment on January 20, 2026 at 10:00 AM, USCIS LOS ANGELES, "
        "300 N LOS ANGELES ST RM 1001, LOS ANGELES CA 90012"
    )
    assert appointment.values == {
        "receipt_number": "IOE0912345678",
        "form_number": "I-485",
        "kind": "biometrics",
        "date": "2026-01-20",
        "time": "10:00 AM",
        "place": "USCIS LOS ANGELES, 300 N LOS ANGELES ST RM 1001, LOS ANGELES CA 90012",
    }


@pytest.mark.parametrize("style", ["2025", "2019"])
def test_an_empty_name_box_is_not_filled_with_what_lies_under_it(style: str):
    # Under the blank box comes the mailing address, JANE ROE: not the applicant.
    reading = read_notice(make.receipt_notice(style=style, applicant=""))

    assert reading.applicant_name is None
    assert reading.receipt_number == "IOE0912345678"


def test_a_label_beside_a_name_label_is_not_a_name():
    page = Layout("Applicant      Notice Date\n               01/09/2026\nPage")

    assert find_applicant(page) is None
    assert find_notice_date(page, "receipt") == date(2026, 1, 9)


def test_rfe_due_date_is_the_printed_one_not_a_computed_default():
    reading = read_notice(make.rfe_notice(notice=date(2026, 1, 6), due=date(2026, 2, 20)))

    # 84 days + 3 for mail from the notice date would be 2026-04-03; the notice says Feb 20.
    assert reading.response_due == date(2026, 2, 20)
    rfe_due = reading.proposals()[1]
    assert (
        rfe_due.title == "Add RFE response deadline: must be received by February 20, 2026 (I-485)"
    )


def test_rfe_without_a_printed_due_date_proposes_no_deadline():
    reading = read_notice(
        _text_pdf(
            "Receipt Number: IOE0912345678",
            "Notice Type: Request for Evidence",
            "You have 87 days from the date of this notice to respond.",
        )
    )

    assert (reading.kind, reading.response_due) == ("rfe", None)
    assert [proposal.kind for proposal in reading.proposals()] == ["receipt_number"]


def test_unknown_notice_type_is_other_even_when_its_wording_sounds_like_a_receipt():
    reading = read_notice(
        _text_pdf(
            "Receipt Number: EAC2012345678",
            "Notice Type: Rejection Notice",
            "We have received your application, but it is being returned to you.",
        )
    )

    assert reading.kind == "other"
    assert reading.receipt_number == "EAC2012345678"
    assert reading.proposals() == []


def test_two_unlabelled_receipt_numbers_are_not_chosen_between():
    one = read_notice(_text_pdf("Your case EAC2012345678 is being processed."))
    two = read_notice(_text_pdf("Cases EAC2012345678 and WAC2012345678 were combined."))

    assert one.receipt_number == "EAC2012345678"
    assert two.receipt_number is None


def test_a_letter_that_is_not_a_notice_is_other_with_nothing_to_propose():
    reading = read_notice(make.plain_letter())

    assert reading.kind == "other"
    assert {name: getattr(reading, name) for name in VALUES} == dict.fromkeys(VALUES)
    assert reading.proposals() == []
    assert "Dear Maria" in reading.text


def test_scanned_notice_is_read_as_scanned_with_nothing_to_propose(monkeypatch):
    monkeypatch.setattr(notices.shutil, "which", lambda name: None)  # as on a server without OCR

    reading = read_notice(make.scanned_notice())

    assert reading == NoticeReading(page_count=1, scanned=True)
    assert reading.proposals() == []


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_scanned_notice_is_read_with_tesseract_when_installed():
    reading = read_notice(make.scanned_notice(receipt_number="IOE0912345678"))

    assert (reading.scanned, reading.ocr) == (True, True)
    assert reading.receipt_number == "IOE0912345678"
    assert reading.kind == "receipt"


def test_pages_past_the_fiftieth_are_not_read():
    lines = [f"Page {number}" for number in range(1, 56)]
    pdf = _text_pdf(*lines, "Notice Type: Receipt Notice", per_page=1)

    reading = read_notice(pdf)

    assert reading.page_count == 56
    assert reading.kind == "other"
    assert "Page 50" in reading.text and "Page 51" not in reading.text


def test_text_is_capped(monkeypatch):
    monkeypatch.setattr(notices, "MAX_TEXT", 300)

    reading = read_notice(make.receipt_notice())

    assert len(reading.text) <= 300
    assert reading.receipt_number == "IOE0912345678"  # the top of the first page is read


def test_pdf_encrypted_only_against_copying_is_read():
    reading = read_notice(_encrypted(make.receipt_notice(), user_password=""))

    assert (reading.kind, reading.receipt_number) == ("receipt", "IOE0912345678")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param(b"", "not_pdf", id="empty"),
        pytest.param(b"Receipt Number: IOE0912345678\n", "not_pdf", id="text"),
        pytest.param(jpeg_bytes(), "not_pdf", id="photo"),
        pytest.param(make.receipt_notice()[:2000], "damaged", id="cut-in-the-middle"),
        pytest.param(make.receipt_notice()[:-6], "damaged", id="cut-before-its-end"),
        pytest.param(b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n", "damaged", id="garbage"),
        pytest.param(
            _encrypted(make.receipt_notice(), user_password="secret"), "encrypted", id="password"
        ),
    ],
)
def test_unreadable_files_are_refused_with_a_code_and_a_message(data: bytes, code: str):
    with pytest.raises(NoticeRefused) as refused:
        read_notice(data)

    assert refused.value.code == code
    assert refused.value.message.endswith(".")


def test_a_photo_is_refused_as_a_photo():
    with pytest.raises(NoticeRefused, match="photo"):
        read_notice(jpeg_bytes())
