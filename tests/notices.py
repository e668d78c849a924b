"""USCIS notices made on the spot, laid out and worded as USCIS prints them, for reader tests.

Each kind of notice comes in two styles, because the reader must not depend on one of them:

- "2025": the ELIS e-notice look. Boxes with the label above the value, two boxes side by
  side, receipt numbers without dashes, dates as 01/05/2026.
- "2019": the legacy CLAIMS look. Labels in capitals beside their values, dashed receipt
  numbers (EAC-19-123-45678), dates as "March 15, 2019" or "Jan 05 2026", and side-by-side
  boxes drawn line by line, so that pypdf's plain text interleaves the two columns.

Letters (intent to deny, denial) are plain letters on USCIS letterhead. Every function takes the
values as keywords and returns the PDF's bytes; `scanned_notice` returns a notice that is only a
picture, `plain_letter` a PDF with no notice in it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import img2pdf
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

CASE_TYPES = {
    "I-129": "PETITION FOR A NONIMMIGRANT WORKER",
    "I-130": "IMMIGRANT PETITION FOR RELATIVE, FIANCE(E), OR ORPHAN",
    "I-485": "APPLICATION TO REGISTER PERMANENT RESIDENCE OR ADJUST STATUS",
    "I-765": "APPLICATION FOR EMPLOYMENT AUTHORIZATION",
    "N-400": "APPLICATION FOR NATURALIZATION",
}
# The sentence every I-797 prints at the bottom, whatever kind of notice it is.
_BACK_OF_NOTICE = (
    "If this is an interview or biometrics appointment notice, please see the back of this "
    "notice for important information."
)
_FONT = "Helvetica"
_BOLD = "Helvetica-Bold"
_VALUE_FONT = "Courier"


def numeric(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def long(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def short(day: date) -> str:
    return day.strftime("%b %d %Y")


def dashed(receipt_number: str) -> str:
    """EAC1912345678 -> EAC-19-123-45678, as legacy notices print it."""
    number = receipt_number
    return f"{number[:3]}-{number[3:5]}-{number[5:8]}-{number[8:]}"


class _Sheet:
    """One Letter page being drawn, with the text helpers every notice uses."""

    def __init__(self) -> None:
        self._out = io.BytesIO()
        self.canvas = Canvas(self._out, pagesize=LETTER)

    def text(self, x: float, y: float, text: str, *, size: float = 9, font: str = _FONT) -> None:
        self.canvas.setFont(font, size)
        self.canvas.drawString(x, y, text)

    def lines(
        self, x: float, y: float, lines: Sequence[str], *, size: float = 9, font: str = _FONT
    ) -> float:
        for line in lines:
            self.text(x, y, line, size=size, font=font)
            y -= size + 3
        return y

    def paragraph(self, x: float, y: float, text: str, *, width: float = 540) -> float:
        """A paragraph wrapped at `width`, as a word processor wraps it; returns the next y."""
        return self.lines(x, y, simpleSplit(text, _FONT, 9, width)) - 6

    def box(self, x: float, y: float, width: float, height: float) -> None:
        self.canvas.setLineWidth(0.5)
        self.canvas.rect(x, y, width, height)

    def bytes(self, footer: str | None = "Form I-797C 04/01/24") -> bytes:
        if footer:
            self.text(36, 30, footer, size=7)
        self.canvas.showPage()
        self.canvas.save()
        return self._out.getvalue()


def _header(sheet: _Sheet, form: str = "I-797C") -> None:
    sheet.text(36, 750, "THE UNITED STATES OF AMERICA", size=15, font=_BOLD)
    sheet.text(420, 752, f"{form}, NOTICE OF ACTION", size=10, font=_BOLD)
    sheet.text(36, 734, "DEPARTMENT OF HOMELAND SECURITY", size=7)
    sheet.text(36, 726, "U.S. CITIZENSHIP AND IMMIGRATION SERVICES", size=7)


Box = tuple[float, str, Sequence[str]]  # x, label, value lines


@dataclass(frozen=True)
class _Filing:
    """What the I-797 grid prints about the case."""

    receipt_number: str
    form: str
    notice: date
    received: date | None = None
    priority: date | None = None
    applicant: str | None = None
    petitioner: str | None = None


def _boxes_above(sheet: _Sheet, top: float, rows: Sequence[Sequence[Box]]) -> float:
    """The 2025 grid: each label small, its value under it, each box drawn whole."""
    y = top
    for row in rows:
        height = 14 + 12 * max(len(values) for _, _, values in row)
        edges = [x for x, _, _ in row] + [580]
        for (x, label, values), right in zip(row, edges[1:], strict=True):
            sheet.box(x - 4, y - height + 8, right - x, height)
            sheet.text(x, y, label, size=7)
            sheet.lines(x, y - 12, values, size=10, font=_VALUE_FONT)
        y -= height
    return y - 10


def _boxes_beside(sheet: _Sheet, top: float, rows: Sequence[Sequence[Box]]) -> float:
    """The 2019 grid: "LABEL: value" side by side, drawn line by line across the boxes."""
    y = top
    for row in rows:
        for line in range(max(len(values) for _, _, values in row)):
            for x, label, values in row:
                caption = f"{label.upper()}:"
                if line == 0:
                    sheet.text(x, y, caption, size=8, font=_BOLD)
                if line < len(values):
                    sheet.text(x + stringWidth(caption, _BOLD, 8) + 4, y, values[line])
            y -= 12
        y -= 4
    return y - 10


def _grid_2025(filing: _Filing) -> list[list[Box]]:
    case_type = f"{filing.form.replace('-', '')} - {CASE_TYPES[filing.form]}"
    rows: list[list[Box]] = [
        [(40, "Receipt Number", [filing.receipt_number]), (230, "Case Type", [case_type])]
    ]
    if filing.received is not None:
        priority = [numeric(filing.priority)] if filing.priority else []
        rows.append(
            [
                (40, "Received Date", [numeric(filing.received)]),
                (135, "Priority Date", priority),
                (230, "Notice Date", [numeric(filing.notice)]),
                (330, "Page", ["1 of 1"]),
            ]
        )
    else:
        rows.append([(40, "Notice Date", [numeric(filing.notice)]), (135, "Page", ["1 of 1"])])
    if filing.petitioner is None:
        rows.append([(40, "Applicant  A201 555 018", [filing.applicant or ""])])
    else:
        rows.append(
            [
                (40, "Petitioner", [filing.petitioner]),
                (230, "Beneficiary  A201 555 018", [filing.applicant or ""]),
            ]
        )
    return rows


def _grid_2019(filing: _Filing) -> list[list[Box]]:
    number = filing.receipt_number
    printed = number if number.startswith("IOE") else dashed(number)
    case_type = f"{filing.form.replace('-', '')} {CASE_TYPES[filing.form]}"
    rows: list[list[Box]] = [[(40, "Receipt Number", [printed])], [(40, "Case Type", [case_type])]]
    if filing.received is not None:
        priority = [long(filing.priority)] if filing.priority else []
        rows.append(
            [(40, "Received Date", [long(filing.received)]), (310, "Priority Date", priority)]
        )
    rows.append([(40, "Notice Date", [long(filing.notice)]), (310, "Page", ["1 of 1"])])
    if filing.petitioner is None:
        rows.append([(40, "Applicant", [filing.applicant or ""])])
    else:
        rows.append(
            [
                (40, "Petitioner", [filing.petitioner]),
                (310, "Beneficiary", [filing.applicant or ""]),
            ]
        )
    return rows


def _mailing_address(sheet: _Sheet, y: float, name: str | None) -> float:
    lines = [name or "JANE ROE", "C/O ANA LIMA ESQ", "LIMA IMMIGRATION LAW PLLC"]
    return sheet.lines(40, y, [*lines, "123 MAIN ST STE 400", "LOS ANGELES CA 90012"]) - 14


def _i797(
    filing: _Filing, *, style: str, notice_type: str, form_label: str = "I-797C"
) -> tuple[_Sheet, float]:
    """An I-797 notice down to its "Notice Type" line: header, grid, mailing address."""
    sheet = _Sheet()
    _header(sheet, form_label)
    if style == "2025":
        y = _boxes_above(sheet, 700, _grid_2025(filing))
    else:
        y = _boxes_beside(sheet, 700, _grid_2019(filing))
    y = _mailing_address(sheet, y, _reversed(filing.applicant))
    sheet.text(40, y, f"Notice Type: {notice_type}", size=10, font=_BOLD)
    return sheet, y - 20


def _reversed(name: str | None) -> str | None:
    """DOE, JOHN -> JOHN DOE, as the mailing address prints it."""
    if not name or "," not in name:
        return name
    last, first = name.split(",", 1)
    return f"{first.strip()} {last.strip()}"


# --- the notices -------------------------------------------------------------------------------


def receipt_notice(
    *,
    style: str = "2025",
    receipt_number: str = "IOE0912345678",
    form: str = "I-485",
    received: date = date(2026, 1, 5),
    notice: date = date(2026, 1, 9),
    priority: date | None = None,
    applicant: str = "DOE, JOHN",
    petitioner: str | None = None,
) -> bytes:
    filing = _Filing(receipt_number, form, notice, received, priority, applicant, petitioner)
    sheet, y = _i797(filing, style=style, notice_type="Receipt Notice")
    y = sheet.lines(40, y, ["Amount received: $1,440.00 U.S.", "Section: Adjustment of status"])
    y = sheet.paragraph(
        40,
        y - 8,
        "We have received your form and are processing your case. We will notify you if we "
        "need more information. USCIS will schedule your biometrics appointment and mail you a "
        "notice with the date, time and location. Please keep this receipt notice: you will "
        "need it if you contact us about your case.",
    )
    sheet.paragraph(40, y, _BACK_OF_NOTICE)
    return sheet.bytes()


def biometrics_notice(
    *,
    style: str = "2025",
    receipt_number: str = "IOE0912345678",
    form: str = "I-485",
    notice: date = date(2026, 1, 12),
    applicant: str = "DOE, JOHN",
    appointment: date = date(2026, 1, 20),
    time: str = "10:00 AM",
    place: Sequence[str] = ("USCIS LOS ANGELES", "300 N LOS ANGELES ST", "LOS ANGELES CA 90012"),
) -> bytes:
    filing = _Filing(receipt_number, form, notice, applicant=applicant)
    sheet, y = _i797(filing, style=style, notice_type="ASC Appointment Notice")
    y = sheet.paragraph(
        40,
        y,
        "To process your application, USCIS must take your biometrics. Please appear at the "
        "Application Support Center (ASC) below at the date and time specified. If you fail to "
        "appear as scheduled, your application may be considered abandoned and denied.",
    )
    if style == "2025":
        # The address column is drawn whole, then the date column: reading order is by column.
        sheet.text(40, y, "APPLICATION SUPPORT CENTER", font=_BOLD)
        sheet.lines(40, y - 12, place, size=10, font=_VALUE_FONT)
        sheet.text(340, y, "DATE AND TIME OF APPOINTMENT", font=_BOLD)
        sheet.lines(340, y - 12, [numeric(appointment), time], size=10, font=_VALUE_FONT)
        y -= 12 * (len(place) + 1)
    else:
        sheet.text(40, y, "Application Support Center:", font=_BOLD)
        y = sheet.lines(40, y - 12, place)
        when = f"{appointment:%A}, {long(appointment)} at {time}"
        y = sheet.lines(40, y, [f"Date and Time of Appointment: {when}"])
    sheet.paragraph(
        40,
        y - 24,
        "WHEN YOU GO TO THE APPLICATION SUPPORT CENTER TO HAVE YOUR BIOMETRICS TAKEN, YOU MUST "
        "BRING: 1. THIS APPOINTMENT NOTICE and 2. VALID PHOTO IDENTIFICATION. " + _BACK_OF_NOTICE,
    )
    return sheet.bytes()


def interview_notice(
    *,
    style: str = "2025",
    receipt_number: str = "MSC2190123456",
    form: str = "I-485",
    notice: date = date(2026, 1, 26),
    applicant: str = "DOE, JOHN",
    appointment: date = date(2026, 2, 17),
    time: str = "9:30 AM",
    place: Sequence[str] = (
        "USCIS LOS ANGELES FIELD OFFICE",
        "300 N LOS ANGELES ST",
        "LOS ANGELES CA",
    ),
) -> bytes:
    if style == "2025":
        sheet, y = _i797(
            _Filing(receipt_number, form, notice, applicant=applicant),
            style=style,
            notice_type="Request for Applicant to Appear for Initial Interview",
        )
    else:  # no case type box: the form is named in the sentence only
        sheet = _Sheet()
        _header(sheet)
        y = _boxes_beside(
            sheet,
            700,
            [
                [(40, "Receipt #", [dashed(receipt_number)]), (310, "Notice Date", [long(notice)])],
                [(40, "Applicant", [applicant])],
            ],
        )
        y = _mailing_address(sheet, y, _reversed(applicant))
        sheet.text(40, y, "REQUEST FOR APPLICANT TO APPEAR FOR INITIAL INTERVIEW", font=_BOLD)
        y -= 20
    y = sheet.paragraph(
        40,
        y,
        "You are hereby notified to appear for an interview appointment, as scheduled below, "
        f"for the completion of your {CASE_TYPES[form].lower()} (Form {form}) and any supporting "
        "applications or petitions. Failure to appear for this interview and/or failure to "
        "bring the below listed items will result in the denial of your application. "
        "(8 CFR 103.2(b)(13))",
    )
    if style == "2025":
        sheet.text(40, y, "Please come to:", font=_BOLD)
        sheet.lines(40, y - 12, place)
        sheet.text(340, y, f"On: {appointment:%A}, {long(appointment)}", font=_BOLD)
        sheet.text(340, y - 12, f"At: {time.replace(' ', '')}", font=_BOLD)
    else:
        # Two columns drawn line by line: pypdf's reading order interleaves them.
        sheet.text(40, y, "Date and Time of Interview", font=_BOLD)
        sheet.text(310, y, "Interview Location", font=_BOLD)
        left = [short(appointment), time.lower().replace("m", ".m.")]
        for line in range(max(len(left), len(place))):
            if line < len(left):
                sheet.text(40, y - 12 * (line + 1), left[line])
            if line < len(place):
                sheet.text(310, y - 12 * (line + 1), place[line])
    y -= 12 * (max(len(place), 2) + 1)
    sheet.paragraph(40, y - 24, "Who should come with you? " + _BACK_OF_NOTICE)
    return sheet.bytes()


def rfe_notice(
    *,
    style: str = "2025",
    receipt_number: str = "IOE0912345678",
    form: str = "I-485",
    received: date = date(2026, 1, 5),
    notice: date = date(2026, 1, 6),
    due: date = date(2026, 4, 3),
    applicant: str = "DOE, JOHN",
    petitioner: str | None = None,
) -> bytes:
    filing = _Filing(receipt_number, form, notice, received, None, applicant, petitioner)
    sheet, y = _i797(filing, style=style, notice_type="Request for Evidence", form_label="I-797E")
    if style == "2025":
        # The date falls across a line break, where the sentence wraps.
        month, rest = long(due).split(" ", 1)
        y = sheet.lines(
            40,
            y,
            [
                "We need additional evidence to process your case. The evidence requested "
                f"below must be received by {month}",
                f"{rest}. If we do not receive it by then, we will decide your case based on "
                "the evidence in the record.",
            ],
        )
    else:
        y = sheet.paragraph(
            40,
            y,
            "Additional information or evidence is needed to process your case. Your response "
            f"must be received in this office by {short(due)}. Submit the evidence with the "
            "original cover sheet (this notice) on top.",
        )
    sheet.paragraph(
        40,
        y - 8,
        "Evidence requested: a new Form I-864, Affidavit of Support, with the sponsor's most "
        "recent federal income tax return. You have 84 days from the date of this notice, plus "
        "3 days if this notice was mailed to you, to respond. " + _BACK_OF_NOTICE,
    )
    return sheet.bytes()


def noid_notice(
    *,
    style: str = "2025",
    receipt_number: str = "MSC2190123456",
    form: str = "I-485",
    notice: date = date(2026, 2, 2),
    due: date = date(2026, 3, 9),
    applicant: str = "DOE, JOHN",
) -> bytes:
    if style == "2025":  # on an I-797C, with the due date in a box of its own
        filing = _Filing(receipt_number, form, notice, applicant=applicant)
        sheet, y = _i797(filing, style=style, notice_type="Notice of Intent to Deny")
        y = _boxes_above(sheet, y, [[(40, "Response Due Date", [numeric(due)])]])
        sheet.paragraph(
            40,
            y,
            "USCIS intends to deny your case for the reasons below. You may submit evidence to "
            "rebut them. If you do not respond, we will deny your case. " + _BACK_OF_NOTICE,
        )
        return sheet.bytes()
    sheet = _letter(long(notice))
    y = sheet.lines(330, 600, [f"Receipt Number: {receipt_number}", f"Applicant: {applicant}"])
    y = sheet.lines(40, y - 12, [f"RE: Form {form}, {CASE_TYPES[form].title()}"])
    sheet.text(40, y - 8, "NOTICE OF INTENT TO DENY", size=11, font=_BOLD)
    sheet.paragraph(
        40,
        y - 30,
        f"On January 5, 2025, you filed a Form {form}. USCIS intends to deny your application "
        "because the record does not show that you are eligible. You have 33 days from the "
        "date of this notice to submit evidence. Your response must be received by "
        f"{long(due)}. If you do not respond, we will deny your application.",
    )
    return sheet.bytes(footer=None)


def approval_notice(
    *,
    style: str = "2025",
    receipt_number: str = "IOE0922233344",
    form: str = "I-129",
    received: date = date(2025, 4, 1),
    notice: date = date(2025, 6, 20),
    applicant: str = "DOE, JOHN",
    petitioner: str | None = "ACME ROBOTICS INC",
    valid_from: date | None = date(2025, 10, 1),
    valid_to: date | None = date(2028, 9, 30),
) -> bytes:
    filing = _Filing(receipt_number, form, notice, received, None, applicant, petitioner)
    notice_type = "Approval Notice" if style == "2025" else "Welcome Notice"
    sheet, y = _i797(filing, style=style, notice_type=notice_type, form_label="I-797")
    if valid_from and valid_to:
        validity = f"Valid from {numeric(valid_from)} to {numeric(valid_to)}"
        y = sheet.lines(40, y, [f"Class: H1B    {validity}"])
    if style == "2025":
        text = (
            "The above petition has been approved. The petition indicates that the person for "
            "whom you are petitioning is in the United States and will change status."
        )
    else:
        text = (
            "WELCOME TO THE UNITED STATES OF AMERICA. This is to notify you that your "
            "application for permanent residence has been approved. You will receive your "
            "Permanent Resident Card in the mail within 30 days."
        )
    sheet.paragraph(40, y - 6, f"{text} {_BACK_OF_NOTICE}")
    return sheet.bytes(footer="Form I-797 04/01/24")


def denial_letter(
    *,
    style: str = "2025",
    receipt_number: str = "IOE0912345678",
    form: str = "I-485",
    decided: date = date(2026, 2, 10),
    applicant: str | None = "DOE, JOHN",
    petitioner: str | None = None,
) -> bytes:
    """A decision letter. The 2025 letter labels its date and applicant, the 2019 one does not."""
    if style == "2025":
        sheet = _letter(f"Date: {long(decided)}")
        block = [f"Receipt Number: {receipt_number}"]
    else:
        sheet = _letter(long(decided))
        block = [f"Receipt Number: {dashed(receipt_number)}"]
    if petitioner:
        block += [f"Petitioner: {petitioner}", f"Beneficiary: {applicant}"]
    elif applicant and style == "2025":
        block.append(f"Applicant: {applicant}")
    y = sheet.lines(330, 600, block)
    y = sheet.lines(40, y - 12, [f"RE: Form {form}, {CASE_TYPES[form].title()}"])
    sheet.text(260, y - 8, "DECISION", size=12, font=_BOLD)
    sheet.paragraph(
        40,
        y - 30,
        f"Thank you for submitting Form {form}. After a thorough review of your filing and the "
        f"evidence in the record, we must inform you that your Form {form} is denied for the "
        "reasons below. You may file a motion to reopen or reconsider on Form I-290B, Notice of "
        "Appeal or Motion, within 33 days of the date of this decision.",
    )
    return sheet.bytes(footer=None)


def transfer_notice(
    *,
    style: str = "2025",
    receipt_number: str = "LIN2190876543",
    form: str = "I-765",
    received: date = date(2025, 11, 3),
    notice: date = date(2026, 1, 14),
    applicant: str = "DOE, JOHN",
) -> bytes:
    filing = _Filing(receipt_number, form, notice, received, applicant=applicant)
    sheet, y = _i797(filing, style=style, notice_type="Transfer Notice")
    sheet.paragraph(
        40,
        y,
        "We have transferred your case to the National Benefits Center to speed up processing. "
        "The office now processing your case will notify you of its decision. " + _BACK_OF_NOTICE,
    )
    return sheet.bytes()


def _letter(when: str) -> _Sheet:
    """USCIS letterhead, the date on the right, the mailing address."""
    sheet = _Sheet()
    office = [
        "U.S. Department of Homeland Security",
        "U.S. Citizenship and Immigration Services",
        "Los Angeles Field Office",
        "300 N Los Angeles St",
        "Los Angeles, CA 90012",
    ]
    sheet.lines(40, 750, office)
    sheet.text(400, 680, when)
    sheet.lines(40, 650, ["JOHN DOE", "C/O ANA LIMA ESQ", "123 MAIN ST STE 400"])
    return sheet


# --- not notices, or not text -------------------------------------------------------------------


def scanned_notice(receipt_number: str = "IOE0912345678") -> bytes:
    """A receipt notice as a scanner makes it: one picture per page, no text in the PDF."""
    image = Image.new("L", (1275, 1650), 255)  # Letter at 150 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=28)
    lines = [
        "THE UNITED STATES OF AMERICA",
        "I-797C, NOTICE OF ACTION",
        "",
        f"Receipt Number: {receipt_number}",
        "Case Type: I485 - APPLICATION TO REGISTER PERMANENT RESIDENCE",
        "Received Date: 01/05/2026",
        "Notice Date: 01/09/2026",
        "",
        "Notice Type: Receipt Notice",
    ]
    for index, line in enumerate(lines):
        draw.text((90, 90 + 44 * index), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return img2pdf.convert(out.getvalue())


def plain_letter() -> bytes:
    """A PDF that is not a notice: a personal letter with a date and a place in it."""
    sheet = _Sheet()
    sheet.lines(
        40,
        720,
        [
            "March 2, 2026",
            "",
            "Dear Maria,",
            "",
            "Thank you for the lovely dinner last week. We will see you at the wedding on",
            "June 6, 2026 at 4:00 PM, at the Rose Garden, 200 Park Ave, Pasadena CA 91101.",
            "",
            "With love,",
            "Ana",
        ],
        size=11,
    )
    return sheet.bytes(footer=None)
