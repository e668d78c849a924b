"""What the Notices section of a case's USCIS tab shows: each notice, newest first, with what was
read from it and its proposals, each open (with the values staff may correct), confirmed, blocked
with the reason, or already on the case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from immigration_app.models import Case, CaseNotice, ReceiptNumber, User
from immigration_app.services.case_notices import EDITABLE, TITLES, TYPED, assess, can_type
from immigration_app.services.firm import FirmClock, firm_clock
from immigration_app.services.stages import skipped_by, stage_titles
from immigration_app.services.storage import human_size
from immigration_app.services.viewer import Viewer, visible_case

LABELS = {
    "receipt_number": "Receipt number",
    "form_number": "Form",
    "notice_date": "Notice date",
    "received_date": "Received date",
    "priority_date": "Priority date",
    "applicant_name": "Applicant",
    "petitioner_name": "Petitioner",
    "appointment_date": "Appointment date",
    "appointment_time": "Appointment time",
    "appointment_place": "Appointment place",
    "response_due": "Response due (printed)",
    "valid_from": "Valid from",
    "valid_to": "Valid to",
    "date": "Date",
    "time": "Time",
    "place": "Place",
    "due": "Response due (printed)",
}
# What a reading shows, in this order.
_FACTS = (
    *("receipt_number", "form_number", "notice_date", "received_date", "priority_date"),
    *("applicant_name", "petitioner_name", "appointment_date", "appointment_time"),
    *("appointment_place", "response_due", "valid_from", "valid_to"),
)
_DATES = {key for key in LABELS if key.endswith(("_date", "_due", "_from", "_to"))} | {
    "date",
    "due",
}
# Shown for a typed notice's kind choice, and named in the form.
KIND_CHOICES = [(kind, title) for kind, title in TITLES.items() if kind != "other"]


@dataclass(frozen=True)
class ValueField:
    key: str
    label: str
    value: str  # as the input takes it (dates ISO)
    input_type: str  # text or date


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class ProposalView:
    ref: str  # "<notice id>-<kind>": names this proposal on the page
    kind: str
    title: str
    state: str  # open, confirmed, blocked, on_case
    note: str
    fields: list[ValueField]
    suggest_stage: str  # after a confirmed decision: the stage to offer ("" for none)
    suggest_title: str


@dataclass(frozen=True)
class NoticeCard:
    id: int
    title: str
    kind: str
    name: str
    size: str
    added_on: str
    added_by: str
    from_client: bool
    scanned: bool
    typed_by: str
    url: str
    facts: list[Fact]
    warning: str
    proposals: list[ProposalView]
    can_type: bool
    typed: list[ValueField]  # the typing form's fields, with what was typed before


def _shown(key: str, value, clock: FirmClock) -> str:
    if key in _DATES and value:
        return clock.date(date.fromisoformat(value))
    return str(value)


def _fields(kind: str, values: dict) -> list[ValueField]:
    return [
        ValueField(key, LABELS[key], str(values.get(key) or ""), input_type)
        for key, input_type in EDITABLE[kind]
    ]


def _proposals(session: Session, case: Case, notice: CaseNotice) -> list[ProposalView]:
    views = []
    confirmed_values = notice.reading.get("confirmed_values", {})
    for proposal in notice.reading.get("proposals", []):
        kind = proposal["kind"]
        values = confirmed_values.get(kind, proposal["values"])
        state, note = assess(session, case, notice, kind, values)
        suggest = ""
        if kind == "decision" and state == "confirmed" and case.stage != "decision":
            suggest = "" if skipped_by(session, "decision", case.case_type) else "decision"
        views.append(
            ProposalView(
                ref=f"{notice.id}-{kind}",
                kind=kind,
                title=proposal["title"],
                state=state,
                note=note,
                fields=_fields(kind, values),
                suggest_stage=suggest,
                suggest_title=stage_titles(session).get(suggest, "") if suggest else "",
            )
        )
    return views


def _warning(session: Session, case: Case, notice: CaseNotice) -> str:
    if notice.scanned and not notice.reading.get("ocr"):
        if notice.reading.get("typed_by"):
            return ""
        return (
            "This notice is a picture (a scan or a photo), so nothing could be read from it. "
            "Type what it says below."
        )
    if can_type(notice) and not notice.reading.get("typed_by"):
        return "Nothing in this PDF reads as a USCIS notice. If it is one, type what it says below."
    if notice.receipt_number:
        owner = session.exec(
            select(ReceiptNumber.case_id).where(
                ReceiptNumber.receipt_number == notice.receipt_number
            )
        ).first()
        if owner is not None and owner != case.id:
            other = session.get(Case, owner).reference
            return (
                f"This notice's receipt number is on case {other}. Check that the notice belongs "
                "to this case before confirming anything."
            )
    return ""


def _facts(notice: CaseNotice, clock: FirmClock) -> list[Fact]:
    reading = notice.reading
    facts = [
        Fact(LABELS[key], _shown(key, reading[key], clock)) for key in _FACTS if reading.get(key)
    ]
    if not reading and notice.receipt_number:  # kept with the Filing tab's receipt form
        facts = [Fact("Receipt number", notice.receipt_number)]
    return facts


def notice_cards(session: Session, *, viewer: Viewer, reference: str) -> list[NoticeCard]:
    """The case's notices, newest first."""
    case = visible_case(session, viewer=viewer, reference=reference)
    clock = firm_clock(session)
    names = dict(session.exec(select(User.id, User.full_name)).all())
    notices = session.exec(
        select(CaseNotice).where(CaseNotice.case_id == case.id).order_by(CaseNotice.id.desc())
    ).all()
    cards = []
    for notice in notices:
        reading = notice.reading
        from_client = notice.uploaded_via_link_id is not None
        cards.append(
            NoticeCard(
                id=notice.id,
                title=TITLES.get(notice.kind, TITLES["other"]),
                kind=notice.kind,
                name=notice.original_name,
                size=human_size(notice.size_bytes),
                added_on=clock.moment(notice.uploaded_at),
                added_by="the client, through the portal"
                if from_client
                else names.get(notice.uploaded_by_id, ""),
                from_client=from_client,
                scanned=notice.scanned,
                typed_by=reading.get("typed_by", ""),
                url=f"/api/notices/{notice.id}?inline=1",
                facts=_facts(notice, clock),
                warning=_warning(session, case, notice),
                proposals=_proposals(session, case, notice),
                can_type=can_type(notice),
                typed=[
                    ValueField(
                        key,
                        LABELS[key],
                        str(reading.get(key) or ""),
                        "date" if key in _DATES else "text",
                    )
                    for key in TYPED
                ],
            )
        )
    return cards
