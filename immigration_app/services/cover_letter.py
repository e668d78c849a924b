"""The cover letter on top of a filing packet: its wording, and the page it prints as.

The wording starts from the firm's "cover_letter" message template (Admin > Messages), filled
with the case's data. Staff may rewrite a case's letter; from then on the case keeps its own text
(a `CoverLetter` row) until they go back to the template. Either way `{enclosures}` stays in the
body until the packet is built: the list of what is enclosed is written from the packet's own
parts, so the letter can never promise what the packet does not hold.

The addressee (a lockbox or service center) is not in the template: it depends on the case type
and changes when USCIS moves its lockboxes, so the firm keeps one per case type, and staff can
write another on a case.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from sqlmodel import Session, select

from immigration_app import catalog
from immigration_app.models import (
    Case,
    CaseMember,
    CaseTypeSetting,
    CoverLetter,
    MemberRole,
    Person,
    ReceiptNumber,
    User,
    utcnow,
)
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput
from immigration_app.services.firm import firm_settings
from immigration_app.services.messages import firm_wording
from immigration_app.services.people import display_name
from immigration_app.services.templates import render, template_text
from immigration_app.services.viewer import Viewer, visible_case

# The firm's template for each kind of packet's letter.
TEMPLATES = {"filing": "cover_letter", "rfe_response": "rfe_cover_letter"}
ENCLOSURES = "{enclosures}"
MAX_BODY = 20_000
MAX_ADDRESSEE = 500
WHERE_TO_FILE = "https://www.uscis.gov/forms/all-forms/where-to-file-paper-forms"


@dataclass(frozen=True)
class LetterText:
    addressee: str
    subject: str
    body: str  # still holding {enclosures}
    edited: bool  # the case has its own wording

    @property
    def sha256(self) -> str:
        """What the letter says, for telling whether it changed since a packet was built."""
        text = "\x00".join((self.addressee, self.subject, self.body))
        return hashlib.sha256(text.encode()).hexdigest()


def forms_filed(form_numbers: list[str]) -> str:
    """["I-130", "I-130A", "I-485"] -> "Forms I-130, I-130A and I-485"."""
    if not form_numbers:
        return ""
    if len(form_numbers) == 1:
        return f"Form {form_numbers[0]}"
    return f"Forms {', '.join(form_numbers[:-1])} and {form_numbers[-1]}"


def _person(session: Session, case: Case, *roles: MemberRole) -> Person | None:
    for role in roles:
        person = session.exec(
            select(Person)
            .join(CaseMember, CaseMember.person_id == Person.id)
            .where(CaseMember.case_id == case.id, CaseMember.role == role)
            .order_by(CaseMember.id)
        ).first()
        if person is not None:
            return person
    return None


def _values(session: Session, case: Case, form_numbers: list[str]) -> dict[str, str]:
    firm = firm_settings(session)
    petitioner = _person(session, case, MemberRole.PETITIONER)
    beneficiary = _person(session, case, MemberRole.BENEFICIARY, MemberRole.APPLICANT)
    attorney = session.get(User, case.attorney_id) if case.attorney_id else None
    receipt = session.exec(
        select(ReceiptNumber.receipt_number)
        .where(ReceiptNumber.case_id == case.id)
        .order_by(ReceiptNumber.id)
    ).first()
    return {
        "petitioner_name": display_name(petitioner) if petitioner else "",
        "beneficiary_name": display_name(beneficiary) if beneficiary else "",
        "case_type": catalog.case_types()[case.case_type].title,
        "forms_filed": forms_filed(form_numbers),
        "case_reference": case.reference,
        "receipt_number": receipt or "",
        "attorney_name": attorney.full_name if attorney else "",
        "firm_name": firm.name,
        "firm_phone": firm.phone,
        # Kept for the build, which lists what the packet holds.
        "enclosures": ENCLOSURES,
    }


def type_addressee(session: Session, case_type: str) -> str:
    setting = session.get(CaseTypeSetting, case_type)
    return setting.filing_addressee if setting else ""


def case_letter(
    session: Session, case: Case, form_numbers: list[str], purpose: str = "filing"
) -> LetterText:
    """The case's own filing letter when staff wrote one, else the firm's template for this
    kind of packet filled in. An RFE response goes where the case's letter is addressed."""
    own = session.get(CoverLetter, case.id)
    if own is not None and purpose == "filing":
        return LetterText(own.addressee, own.subject, own.body, edited=True)
    subject, body = template_text(TEMPLATES[purpose], "en", firm_wording(session))
    subject, body = render(subject, body, _values(session, case, form_numbers))
    addressee = own.addressee if own else type_addressee(session, case.case_type)
    return LetterText(addressee, subject, body, edited=False)


def _checked(addressee: str, subject: str, body: str) -> tuple[str, str, str]:
    addressee, subject, body = addressee.strip(), subject.strip(), body.strip()
    errors = {}
    if not addressee:
        errors["addressee"] = (
            f"Write where the packet goes: the lockbox or service center on {WHERE_TO_FILE}."
        )
    elif len(addressee) > MAX_ADDRESSEE:
        errors["addressee"] = f"Keep the address under {MAX_ADDRESSEE} characters."
    if not subject:
        errors["subject"] = "Write the RE: line."
    elif "\n" in subject or len(subject) > 300:
        errors["subject"] = "Keep the RE: line on one line, under 300 characters."
    if ENCLOSURES not in body:
        errors["body"] = (
            f"Keep {ENCLOSURES} in the letter: it becomes the list of what the packet holds."
        )
    elif len(body) > MAX_BODY:
        errors["body"] = f"Keep the letter under {MAX_BODY:,} characters."
    if errors:
        raise InvalidInput(errors)
    return addressee, subject, body


def save_case_letter(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    addressee: str,
    subject: str,
    body: str,
    for_case_type: bool = False,
) -> CoverLetter:
    """Keep the case's own letter; `for_case_type` also makes the addressee the firm's default
    for every case of this type."""
    case = visible_case(session, viewer=actor, reference=reference)
    addressee, subject, body = _checked(addressee, subject, body)
    row = session.get(CoverLetter, case.id) or CoverLetter(case_id=case.id)
    row.addressee, row.subject, row.body = addressee, subject, body
    row.updated_by_id, row.updated_at = actor.id, utcnow()
    session.add(row)
    record_event(
        session,
        kind="cover_letter_edited",
        summary="Cover letter edited",
        actor=actor,
        case_id=case.id,
        after={"addressee": addressee, "subject": subject},
    )
    if for_case_type:
        setting = session.get(CaseTypeSetting, case.case_type) or CaseTypeSetting(
            case_type=case.case_type
        )
        setting.filing_addressee = addressee
        session.add(setting)
        title = catalog.case_types()[case.case_type].title
        record_event(
            session,
            kind="filing_address_changed",
            summary=f"Filing address for {title} cases changed",
            actor=actor,
            after={"case_type": case.case_type, "addressee": addressee},
        )
    return row


def reset_case_letter(session: Session, *, actor: Viewer, reference: str) -> None:
    """Go back to the firm's template for this case."""
    case = visible_case(session, viewer=actor, reference=reference)
    row = session.get(CoverLetter, case.id)
    if row is None:
        return
    session.delete(row)
    record_event(
        session,
        kind="cover_letter_edited",
        summary="Cover letter back to the firm's template",
        actor=actor,
        case_id=case.id,
    )


# --- the printed letter ---------------------------------------------------------------------------


_BODY = ParagraphStyle("body", fontName="Times-Roman", fontSize=11.5, leading=15)
_FIRM = ParagraphStyle("firm", fontName="Times-Bold", fontSize=16, leading=20, alignment=1)
_LETTERHEAD = ParagraphStyle("letterhead", parent=_BODY, fontSize=9.5, leading=12, alignment=1)
_SUBJECT = ParagraphStyle("subject", parent=_BODY, fontName="Times-Bold")


def letter_date(day: date) -> str:
    """How a US letter dates itself: "November 27, 2026"."""
    return f"{day:%B} {day.day}, {day.year}"


def _lines(text: str, style: ParagraphStyle) -> list:
    """One paragraph per line of `text` (escaped: it is the firm's or staff's wording, not
    markup), and a half-line gap for each blank line."""
    flow = []
    for line in text.split("\n"):
        if line.strip():
            flow.append(Paragraph(escape(line), style))
        else:
            flow.append(Spacer(1, style.leading * 0.6))
    return flow


def letter_pdf(session: Session, letter: LetterText, enclosures: list[str], day: date) -> bytes:
    """The letter on the firm's letterhead, dated `day`, `enclosures` listed where the body
    holds {enclosures}."""
    firm = firm_settings(session)
    head = [Paragraph(escape(firm.name), _FIRM)]
    contact = " | ".join(part for part in (firm.address.replace("\n", ", "), firm.phone) if part)
    if contact:
        head.append(Paragraph(escape(contact), _LETTERHEAD))
    listed = "\n".join(f"{number}. {title}" for number, title in enumerate(enclosures, start=1))
    body = letter.body.replace(ENCLOSURES, listed)
    story = [
        *head,
        Spacer(1, 0.35 * inch),
        Paragraph(letter_date(day), _BODY),
        Spacer(1, 0.25 * inch),
        *_lines(letter.addressee, _BODY),
        Spacer(1, 0.25 * inch),
        Paragraph(escape(letter.subject), _SUBJECT),
        Spacer(1, 0.2 * inch),
        *_lines(body, _BODY),
    ]
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=LETTER,
        leftMargin=inch,
        rightMargin=inch,
        topMargin=0.75 * inch,
        bottomMargin=0.9 * inch,
        title=letter.subject,
        author=firm.name,
    )
    document.build(story)
    return out.getvalue()
