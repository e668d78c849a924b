"""The "Additional Information" page appended to a filled form, in the USCIS style.

Every USCIS form ends with such a part: for each answer that did not fit, the page, part and
item number it belongs to and the full answer. Our page follows that layout, heads each sheet
with the person's name and A-number as the instructions ask, and runs on to more sheets when
needed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


@dataclass(frozen=True)
class Continued:
    """An answer too long for its box, printed in full on the continuation page."""

    page: int
    part: str
    item: str
    label: str
    text: str


def continuation_pages(heading: tuple[str, str], entries: list[Continued]) -> bytes:
    """A US Letter PDF listing `entries`; `heading` is (form line, person line)."""
    form_line, person_line = heading
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=LETTER,
        leftMargin=0.75 * inch,
        rightMargin=0.75 * inch,
        topMargin=0.75 * inch,
        bottomMargin=0.75 * inch,
        title=f"{form_line} - Additional Information".strip(" -"),
    )
    story = [
        Paragraph("Additional Information", styles["Title"]),
        Paragraph(escape(form_line), styles["Heading3"]),
        Paragraph(escape(person_line), body),
        Paragraph(
            "Answers that did not fit in the space the form provides, in full.", styles["Italic"]
        ),
        Spacer(1, 0.2 * inch),
    ]
    for entry in entries:
        numbers = Table(
            [
                [
                    f"Page Number: {entry.page}",
                    f"Part Number: {entry.part or '-'}",
                    f"Item Number: {entry.item or '-'}",
                ]
            ],
            colWidths=[2.3 * inch] * 3,
        )
        numbers.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.5, "black"),
                    ("INNERGRID", (0, 0), (-1, -1), 0.5, "black"),
                    ("FONTNAME", (0, 0), (-1, -1), "Helvetica-Bold"),
                ]
            )
        )
        story += [
            numbers,
            Paragraph(escape(entry.label), styles["Italic"]),
            Paragraph(escape(entry.text).replace("\n", "<br/>"), body),
            Spacer(1, 0.25 * inch),
        ]
    document.build(story)
    return out.getvalue()
