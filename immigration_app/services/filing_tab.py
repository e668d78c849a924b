"""Everything the case's Filing tab shows, read in one transaction: the cover letter, what the
packet will hold, the packets built, where the review stands, and the filing record.

The review checklist comes with what the case itself says about each check (open consistency
errors, required documents still missing, forms on an old edition), so the reviewer confirms
what they saw, not what they assume.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from immigration_app import catalog
from immigration_app.models import (
    Case,
    CaseChecklistItem,
    FilingPacket,
    FilledForm,
    FormTemplate,
    PacketReview,
    ReviewDecision,
    User,
)
from immigration_app.services.approval import packet_status
from immigration_app.services.consistency import open_errors
from immigration_app.services.cover_letter import LetterText
from immigration_app.services.documents import still_needed
from immigration_app.services.filings import (
    METHOD_TITLES,
    FilingView,
    NoticeView,
    already_filed,
    case_filings,
    case_notices,
)
from immigration_app.services.firm import FirmClock, firm_clock
from immigration_app.services.packet_pdf import exhibit_letter
from immigration_app.services.packet_plan import PacketPlan, plan_packet
from immigration_app.services.packets import PacketRow, case_packets
from immigration_app.services.reviews import REVIEW_CHECKS, why_not_decide
from immigration_app.services.users import active_staff
from immigration_app.services.viewer import Viewer, visible_case


@dataclass(frozen=True)
class PlanRow:
    label: str  # "Cover letter", "Form I-130", "Exhibit C"
    title: str


@dataclass(frozen=True)
class CheckRow:
    key: str
    text: str
    hint: str  # what the case says about it; "" when nothing can be read
    hint_ok: bool


@dataclass(frozen=True)
class PendingReview:
    id: int
    packet_id: int
    packet_version: int
    submitted_by: str
    submitted_on: str
    note: str


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class FilingTab:
    case_type: str
    letter: LetterText
    plan: list[PlanRow]
    not_filled: list[str]
    packets: list[PacketRow]
    state: str  # see approval.STATES
    status: str
    changes: list[str]
    latest_packet_id: int | None
    can_submit: bool
    pending: PendingReview | None
    may_decide: bool
    why_not_decide: str  # shown instead of the decision buttons
    checks: list[CheckRow]
    can_file: bool
    methods: list[Choice]
    staff: list[Choice]
    filings: list[FilingView]
    notices: list[NoticeView]


def _plan_rows(plan: PacketPlan) -> list[PlanRow]:
    rows, exhibit = [], 0
    for part in plan.parts:
        if part.kind == "exhibit":
            rows.append(PlanRow(f"Exhibit {exhibit_letter(exhibit)}", part.title))
            exhibit += 1
        else:
            rows.append(PlanRow(part.title, ""))
    return rows


def _old_editions(session: Session, packet: FilingPacket | None) -> list[str]:
    if packet is None:
        return []
    ids = [entry["source_id"] for entry in packet.contents if entry["kind"] == "form"]
    rows = session.exec(
        select(FilledForm.form_number)
        .join(FormTemplate, FormTemplate.id == FilledForm.template_id)
        .where(col(FilledForm.id).in_(ids), FormTemplate.is_current.is_(False))
    ).all()
    return sorted(rows)


def _checks(session: Session, case: Case, packet: FilingPacket | None) -> list[CheckRow]:
    errors = open_errors(session, case)
    missing = session.exec(
        select(func.count())
        .select_from(CaseChecklistItem)
        .where(CaseChecklistItem.case_id == case.id, still_needed())
    ).one()
    old = _old_editions(session, packet)
    hints = {
        "names_dates": (
            f"{len(errors)} consistency error(s) open on the Forms tab"
            if errors
            else "The consistency check finds no errors",
            not errors,
        ),
        "exhibits": (
            f"{missing} required document(s) not yet accepted"
            if missing
            else "Every required document is accepted or waived",
            not missing,
        ),
        "letter": ("The enclosures list is written from the packet itself", True),
        "editions": (
            f"Filled on an edition no longer current: {', '.join(old)}"
            if old
            else "Every form was filled on the current edition",
            not old,
        ),
        "signatures": ("", True),
    }
    return [CheckRow(key, text, *hints[key]) for key, text in REVIEW_CHECKS.items()]


def _pending(session: Session, case: Case, clock: FirmClock) -> PendingReview | None:
    row = session.exec(
        select(PacketReview, FilingPacket.version, User.full_name)
        .join(FilingPacket, FilingPacket.id == PacketReview.packet_id)
        .join(User, User.id == PacketReview.submitted_by_id)
        .where(
            PacketReview.case_id == case.id,
            PacketReview.decision == ReviewDecision.PENDING,
            FilingPacket.purpose == "filing",
        )
    ).first()
    if row is None:
        return None
    review, version, name = row
    return PendingReview(
        review.id,
        review.packet_id,
        version,
        name,
        clock.moment(review.submitted_at),
        review.submit_note,
    )


def _why_not(session: Session, viewer: Viewer, pending: PendingReview | None) -> str:
    if pending is None:
        return ""
    review = session.get(PacketReview, pending.id)
    packet = session.get(FilingPacket, review.packet_id)
    return why_not_decide(session.get(User, viewer.id), review, packet)


def filing_tab(session: Session, *, viewer: Viewer, reference: str) -> FilingTab:
    case = visible_case(session, viewer=viewer, reference=reference)
    clock = firm_clock(session)
    plan = plan_packet(session, case)
    status = packet_status(session, case)
    pending = _pending(session, case, clock)
    why_not = _why_not(session, viewer, pending)
    return FilingTab(
        case_type=catalog.case_types()[case.case_type].title,
        letter=plan.letter,
        plan=_plan_rows(plan),
        not_filled=plan.not_filled,
        packets=case_packets(session, viewer=viewer, reference=reference),
        state=status.state,
        status=status.message,
        changes=status.changes,
        latest_packet_id=status.packet.id if status.packet else None,
        can_submit=status.state in ("draft", "returned") and not status.changes,
        pending=pending,
        may_decide=pending is not None and not why_not,
        why_not_decide=why_not,
        checks=_checks(session, case, status.packet),
        can_file=status.state == "approved" and not already_filed(session, status.packet.id),
        methods=[Choice(str(method), title) for method, title in METHOD_TITLES.items()],
        staff=[Choice(str(user.id), user.full_name) for user in active_staff(session)],
        filings=case_filings(session, viewer=viewer, reference=reference),
        notices=case_notices(session, viewer=viewer, reference=reference),
    )
