"""What the Requests for evidence section of a case's USCIS tab shows: each RFE or NOID with its
deadlines and the items USCIS asks for, the accepted documents that can answer it, and where the
open request's response packet and its four-eyes review stand."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from immigration_app.models import (
    Case,
    CaseChecklistItem,
    CaseMember,
    Deadline,
    DeadlineStatus,
    EvidenceRequest,
    FilingPacket,
    ItemStatus,
    Person,
    User,
)
from immigration_app.services import approval, reviews
from immigration_app.services.documents import in_checklist_order
from immigration_app.services.evidence_requests import (
    NEEDS,
    PURPOSE,
    pending_review,
    request_title,
)
from immigration_app.services.firm import firm_clock
from immigration_app.services.people import display_name
from immigration_app.services.viewer import Viewer, visible_case


@dataclass(frozen=True)
class RequestedView:
    key: str
    text: str
    item_id: int  # 0: the firm answers it itself
    asked_of: str
    status: str  # the checklist item's status, "" when nobody was asked


@dataclass(frozen=True)
class RequestView:
    id: int
    kind: str
    title: str
    receipt_number: str
    due: str  # the printed date: the government's deadline
    internal_target: str
    days_left: int
    target_days_left: int
    is_open: bool
    filed_on: str
    deadline_note: str  # how the deadline was closed, or its warning
    requested: list[RequestedView]


@dataclass(frozen=True)
class DocumentChoice:
    item_id: int
    title: str
    chosen: bool


@dataclass(frozen=True)
class ResponseView:
    """The response packet of the open request and where its review stands."""

    request_id: int  # 0 when no request is open
    state: str  # approval.STATES
    message: str
    packet_id: int
    version: int
    can_submit: bool
    may_decide: bool
    why_not: str
    can_record: bool


@dataclass(frozen=True)
class RequestsTab:
    requests: list[RequestView]
    documents: list[DocumentChoice]
    response: ResponseView
    people: list[tuple[str, str]]  # who the firm can ask: (member id, name)


def _requested(session: Session, request: EvidenceRequest) -> list[RequestedView]:
    ids = [e["item_id"] for e in request.requested if e.get("item_id")]
    rows = session.exec(
        select(CaseChecklistItem, Person)
        .join(CaseMember, CaseMember.id == CaseChecklistItem.member_id)
        .join(Person, Person.id == CaseMember.person_id)
        .where(col(CaseChecklistItem.id).in_(ids))
    ).all()
    items = {item.id: (item, person) for item, person in rows}
    views = []
    for entry in request.requested:
        item, person = items.get(entry.get("item_id") or 0, (None, None))
        views.append(
            RequestedView(
                key=entry["key"],
                text=entry["text"],
                item_id=item.id if item else 0,
                asked_of=display_name(person) if person else "",
                status=str(item.status) if item else "",
            )
        )
    return views


def _request_view(session: Session, request: EvidenceRequest, clock) -> RequestView:
    deadline = session.get(Deadline, request.deadline_id) if request.deadline_id else None
    target = deadline.internal_target_on if deadline else None
    today = clock.today()
    note = deadline.warning if deadline else ""
    if deadline is not None and deadline.status != DeadlineStatus.OPEN:
        note = f"Deadline {deadline.status}: {deadline.closed_note}"
    return RequestView(
        id=request.id,
        kind=request.kind,
        title=request_title(request, clock),
        receipt_number=request.receipt_number,
        due=clock.date(request.due_on),
        internal_target=clock.date(target),
        days_left=(request.due_on - today).days,
        target_days_left=(target - today).days if target else 0,
        is_open=request.response_filed_on is None,
        filed_on=clock.date(request.response_filed_on),
        deadline_note=note,
        requested=_requested(session, request),
    )


def _documents(session: Session, case: Case, request: EvidenceRequest | None):
    items = in_checklist_order(
        session.exec(
            select(CaseChecklistItem).where(
                CaseChecklistItem.case_id == case.id,
                CaseChecklistItem.status == ItemStatus.ACCEPTED,
            )
        ).all()
    )
    names = {
        member.id: display_name(person)
        for member, person in session.exec(
            select(CaseMember, Person)
            .join(Person, Person.id == CaseMember.person_id)
            .where(CaseMember.case_id == case.id)
        ).all()
    }
    chosen: set[int] = set()
    if request is not None:
        chosen = {e["item_id"] for e in request.requested if e.get("item_id")}
        packet = approval.latest_packet(session, case.id, PURPOSE)
        if packet is not None and packet.built_at >= request.created_at:
            chosen |= {
                int(entry["key"].removeprefix("item:"))
                for entry in packet.contents
                if entry["key"].startswith("item:")
            }
    return [
        DocumentChoice(
            item.id, f"{item.title_en} - {names.get(item.member_id, '')}", item.id in chosen
        )
        for item in items
    ]


def _response(
    session: Session, viewer: Viewer, case: Case, request: EvidenceRequest | None
) -> ResponseView:
    if request is None:
        return ResponseView(0, "none", "", 0, 0, False, False, "", False)
    status = approval.packet_status(session, case, PURPOSE)
    packet = status.packet
    if packet is not None and packet.built_at < request.created_at:
        status, packet = approval.PacketStatus("none", NEEDS["none"]), None
    pending = pending_review(session, case) if status.state == "pending" else None
    why_not = ""
    if pending is not None:
        built = session.get(FilingPacket, pending.packet_id)
        why_not = reviews.why_not_decide(session.get(User, viewer.id), pending, built)
    return ResponseView(
        request_id=request.id,
        state=status.state,
        message=status.message,
        packet_id=packet.id if packet else 0,
        version=packet.version if packet else 0,
        can_submit=status.state in ("draft", "returned") and not status.changes,
        may_decide=pending is not None and not why_not,
        why_not=why_not,
        can_record=status.state == "approved",
    )


def requests_tab(session: Session, *, viewer: Viewer, reference: str) -> RequestsTab:
    """The case's requests, newest first, with the open one's response packet and review."""
    case = visible_case(session, viewer=viewer, reference=reference)
    clock = firm_clock(session)
    requests = session.exec(
        select(EvidenceRequest)
        .where(EvidenceRequest.case_id == case.id)
        .order_by(EvidenceRequest.id.desc())
    ).all()
    current = next((r for r in requests if r.response_filed_on is None), None)
    people = session.exec(
        select(CaseMember.id, Person)
        .join(Person, Person.id == CaseMember.person_id)
        .where(CaseMember.case_id == case.id)
        .order_by(CaseMember.is_primary_client.desc(), CaseMember.id)
    ).all()
    return RequestsTab(
        requests=[_request_view(session, request, clock) for request in requests],
        documents=_documents(session, case, current),
        response=_response(session, viewer, case, current),
        people=[(str(member_id), display_name(person)) for member_id, person in people],
    )
