"""Requests for evidence and notices of intent to deny, from the notice to the response filed.

The firm's SOP for an RFE or a NOID: record it with the government's deadline (the date printed
on the notice) and the firm's own earlier target (the case type's buffer, from the deadline
engine); write down each item USCIS asks for, asking the client for the ones only they have
(an item on their portal checklist, with the usual reminders); build the response packet from
the accepted documents that answer it; have a second person approve it (the same four-eyes
review as a filing); record the day it was filed, which closes the deadline and puts the case
back to "Filed - pending".
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date

from sqlmodel import Session, select

from immigration_app.models import (
    Case,
    CaseChecklistItem,
    CaseNotice,
    Deadline,
    DeadlineStatus,
    EvidenceRequest,
    FilingPacket,
    PacketReview,
    ReviewDecision,
)
from immigration_app.services import approval, reviews
from immigration_app.services.audit import record_event
from immigration_app.services.cases import move_case
from immigration_app.services.checklists import ItemText, add_case_item
from immigration_app.services.db import session_scope
from immigration_app.services.deadlines import add_from_trigger, close_deadline
from immigration_app.services.documents import OUTSTANDING, waive_item
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.firm import firm_clock
from immigration_app.services.packets import BuiltPacket, build_packet
from immigration_app.services.receipts import normalize_receipt_number
from immigration_app.services.stages import skipped_by
from immigration_app.services.viewer import Viewer, visible_case

KIND_TITLES = {"rfe": "Request for evidence", "noid": "Notice of intent to deny"}
PURPOSE = "rfe_response"
MAX_ITEM_TEXT = 500
MAX_ITEMS = 60
_ASKED_EN = "USCIS asks for this in its letter to you. Please send it as soon as you can."
_ASKED_ES = "USCIS pide este documento en su carta. Por favor, envíelo lo antes posible."


def _request(session: Session, case: Case, request_id: int) -> EvidenceRequest:
    request = session.get(EvidenceRequest, request_id)
    if request is None or request.case_id != case.id:
        raise NotFound("That request is not on this case.")
    return request


def _open(session: Session, case: Case, request_id: int) -> EvidenceRequest:
    request = _request(session, case, request_id)
    if request.response_filed_on is not None:
        raise InvalidInput({"request": "The response to this request is already filed."})
    return request


def request_title(request: EvidenceRequest, clock) -> str:
    return f"{KIND_TITLES[request.kind]} dated {clock.date(request.notice_date)}"


def _move_quietly(session: Session, actor: Viewer, case: Case, stage: str) -> str:
    """Move the case to `stage` unless it is there or the firm skips it; "" or why not."""
    if case.stage == stage or skipped_by(session, stage, case.case_type):
        return ""
    try:
        move_case(session, actor=actor, reference=case.reference, stage=stage)
    except InvalidInput as refused:  # move_case checks before it writes anything
        return " ".join(refused.fields.values())
    return ""


def open_request(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    kind: str,
    notice_date: date | None,
    due_on: date | None,
    receipt_number: str = "",
    notice_id: int | None = None,
) -> EvidenceRequest:
    """Record an RFE or NOID with its printed due date and the deadline (and internal target)
    the deadline engine makes from it; the case moves to the RFE / NOID response stage."""
    case = visible_case(session, viewer=actor, reference=reference)
    problems: dict[str, str] = {}
    if kind not in KIND_TITLES:
        problems["kind"] = "Choose a request for evidence or a notice of intent to deny."
    if notice_date is None:
        problems["notice_date"] = "Type the notice date printed on the notice."
    if due_on is None:
        problems["due_on"] = "Type the response due date printed on the notice."
    elif notice_date is not None and due_on < notice_date:
        problems["due_on"] = "The due date is before the notice date: check both on the notice."
    number = normalize_receipt_number(receipt_number) if receipt_number.strip() else ""
    if number is None:
        problems["receipt_number"] = "A receipt number is 3 letters and 10 digits."
    form = ""
    if notice_id is not None:
        notice = session.get(CaseNotice, notice_id)
        if notice is None or notice.case_id != case.id:
            raise NotFound("That notice is not on this case.")
        form = str(notice.reading.get("form_number") or "")
        taken = session.exec(
            select(EvidenceRequest.id).where(EvidenceRequest.notice_id == notice_id)
        ).first()
        if taken is not None:
            problems["notice"] = "A request is already recorded for this notice."
    if problems:
        raise InvalidInput(problems)
    trigger = "rfe_notice_i539" if kind == "rfe" and form == "I-539" else f"{kind}_notice"
    made = add_from_trigger(
        session,
        actor=actor,
        case=case,
        trigger=trigger,
        trigger_on=notice_date,
        mailed=True,
        printed_on=due_on,
    )
    deadline = next((d for d in made if d.kind == "due"), None)
    request = EvidenceRequest(
        case_id=case.id,
        kind=kind,
        notice_id=notice_id,
        receipt_number=number or "",
        notice_date=notice_date,
        due_on=due_on,
        deadline_id=deadline.id if deadline else None,
        created_by_id=actor.id,
    )
    session.add(request)
    session.flush()
    clock = firm_clock(session)
    target = deadline.internal_target_on if deadline else None
    record_event(
        session,
        kind="evidence_request_opened",
        summary=f"{request_title(request, clock)} recorded: the response must be received by "
        f"{clock.date(due_on)}" + (f"; our target is {clock.date(target)}" if target else ""),
        actor=actor,
        case_id=case.id,
        after={"request_id": request.id, "kind": kind, "due_on": due_on.isoformat()},
    )
    _move_quietly(session, actor, case, "rfe_noid_response")
    return request


# --- what USCIS asks for ------------------------------------------------------------------------


def _ask(
    session: Session,
    actor: Viewer,
    case: Case,
    request: EvidenceRequest,
    entry: dict,
    member_id: int,
    title_es: str,
) -> int:
    """Put the entry on a member's portal checklist; the new item's id."""
    clock = firm_clock(session)
    text = ItemText(
        code=f"{request.kind}-{request.id}-{entry['key']}",
        section="case-evidence",
        title_en=entry["text"][:200],
        title_es=(title_es.strip() or entry["text"])[:200],
        explain_en=_ASKED_EN,
        explain_es=_ASKED_ES,
    )
    item = add_case_item(
        session,
        actor=actor,
        reference=case.reference,
        member_id=member_id,
        text=text,
        reason=f"USCIS asks for it in the {request_title(request, clock)}",
    )
    session.flush()
    return item.id


def add_requested_item(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    request_id: int,
    text: str,
    member_id: int | None = None,
    title_es: str = "",
) -> EvidenceRequest:
    """Write down one thing USCIS asks for; with `member_id`, ask that client for it too."""
    case = visible_case(session, viewer=actor, reference=reference)
    request = _open(session, case, request_id)
    text = " ".join(text.split())
    if not text:
        raise InvalidInput({"text": "Write what USCIS asks for, as the notice says it."})
    if len(text) > MAX_ITEM_TEXT:
        raise InvalidInput({"text": f"Keep it under {MAX_ITEM_TEXT} characters."})
    if len(request.requested) >= MAX_ITEMS:
        raise InvalidInput({"text": f"A request holds at most {MAX_ITEMS} items."})
    entry = {"key": secrets.token_hex(4), "text": text, "item_id": None}
    if member_id is not None:
        entry["item_id"] = _ask(session, actor, case, request, entry, member_id, title_es)
    request.requested = [*request.requested, entry]
    session.add(request)
    asked = " (asked of the client)" if entry["item_id"] else ""
    record_event(
        session,
        kind="evidence_item_added",
        summary=f"Requested by USCIS: {text[:200]}{asked}",
        actor=actor,
        case_id=case.id,
        after={"request_id": request.id, "text": text, "item_id": entry["item_id"]},
    )
    return request


def ask_client(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    request_id: int,
    key: str,
    member_id: int,
    title_es: str = "",
) -> EvidenceRequest:
    """Ask a client, through their portal checklist, for an item already written down."""
    case = visible_case(session, viewer=actor, reference=reference)
    request = _open(session, case, request_id)
    entry = next((e for e in request.requested if e["key"] == key), None)
    if entry is None:
        raise NotFound("That item is no longer on the request.")
    if entry.get("item_id"):
        raise InvalidInput({"member_id": "The client is already asked for this item."})
    item_id = _ask(session, actor, case, request, entry, member_id, title_es)
    request.requested = [
        {**e, "item_id": item_id} if e["key"] == key else e for e in request.requested
    ]
    session.add(request)
    return request


def remove_requested_item(
    session: Session, *, actor: Viewer, reference: str, request_id: int, key: str
) -> EvidenceRequest:
    """Take an item off the request; a client still asked for it no longer is."""
    case = visible_case(session, viewer=actor, reference=reference)
    request = _open(session, case, request_id)
    entry = next((e for e in request.requested if e["key"] == key), None)
    if entry is None:
        return request
    item = session.get(CaseChecklistItem, entry["item_id"]) if entry.get("item_id") else None
    if item is not None and item.status in OUTSTANDING:
        waive_item(
            session,
            actor=actor,
            reference=reference,
            item_id=item.id,
            reason="Taken off the list of what USCIS asks for.",
        )
    request.requested = [e for e in request.requested if e["key"] != key]
    session.add(request)
    record_event(
        session,
        kind="evidence_item_removed",
        summary=f"No longer on the request: {entry['text'][:200]}",
        actor=actor,
        case_id=case.id,
        before={"request_id": request.id, "text": entry["text"]},
    )
    return request


# --- the response packet, its review and its filing -----------------------------------------------


def build_response(
    *,
    actor: Viewer,
    reference: str,
    request_id: int,
    item_ids: list[int],
    progress: Callable[[int, int], None] | None = None,
) -> BuiltPacket:
    """Build the response packet: the cover letter and the chosen accepted documents.
    Runs its own transactions, as packets.build_packet does."""
    with session_scope() as session:
        case = visible_case(session, viewer=actor, reference=reference)
        _open(session, case, request_id)
    if not item_ids:
        raise InvalidInput({"documents": "Choose the accepted documents that answer the request."})
    return build_packet(
        actor=actor,
        reference=reference,
        purpose=PURPOSE,
        item_ids=sorted(set(item_ids)),
        progress=progress,
    )


def _current_packet(session: Session, case: Case, request: EvidenceRequest) -> FilingPacket:
    packet = approval.latest_packet(session, case.id, PURPOSE)
    if packet is None or packet.built_at < request.created_at:
        raise InvalidInput({"packet": "Build the response packet first."})
    return packet


def submit_response(
    session: Session, *, actor: Viewer, reference: str, request_id: int, note: str = ""
) -> PacketReview:
    """Put the newest response packet to a second person (the four-eyes rule)."""
    case = visible_case(session, viewer=actor, reference=reference)
    packet = _current_packet(session, case, _open(session, case, request_id))
    return reviews.submit_for_review(
        session, actor=actor, reference=reference, packet_id=packet.id, note=note
    )


def pending_review(session: Session, case: Case) -> PacketReview | None:
    review = approval.latest_review(session, case.id, PURPOSE)
    return review if review and review.decision == ReviewDecision.PENDING else None


def decide_response(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    request_id: int,
    approve: bool,
    comments: str = "",
    checks: list[str] | None = None,
) -> PacketReview:
    """Approve or return the response packet waiting for review (reviews.decide_review)."""
    case = visible_case(session, viewer=actor, reference=reference)
    _open(session, case, request_id)
    review = pending_review(session, case)
    if review is None:
        raise InvalidInput({"review": "No response packet is waiting for review."})
    return reviews.decide_review(
        session,
        actor=actor,
        reference=reference,
        review_id=review.id,
        approve=approve,
        comments=comments,
        checks=checks,
    )


NEEDS = {
    "none": "Build the response packet and have it reviewed first.",
    "draft": "Submit the response packet for review first: a second person approves it.",
    "pending": "The response packet is waiting for its review: record it once approved.",
    "returned": "The reviewer returned the response packet. Make the changes, build it again "
    "and submit it for review.",
    "void": "The approval no longer holds because the case changed after it. Build the "
    "response packet again and submit it for review.",
}


def record_response_filed(
    session: Session, *, actor: Viewer, reference: str, request_id: int, filed_on: date | None
) -> EvidenceRequest:
    """The approved response went to USCIS: close the deadline, back to "Filed - pending"."""
    case = visible_case(session, viewer=actor, reference=reference)
    request = _open(session, case, request_id)
    clock = firm_clock(session)
    if filed_on is None:
        raise InvalidInput({"filed_on": "Enter the day the response was sent."})
    if filed_on > clock.today():
        raise InvalidInput({"filed_on": "That day is still to come: record it once sent."})
    if request.notice_date and filed_on < request.notice_date:
        raise InvalidInput({"filed_on": "That is before the notice itself. Check the date."})
    status = approval.packet_status(session, case, PURPOSE)
    if status.state != "approved":
        raise InvalidInput({"packet": NEEDS[status.state]})
    packet = _current_packet(session, case, request)
    request.response_filed_on, request.response_packet_id = filed_on, packet.id
    session.add(request)
    note = f"Response filed on {clock.date(filed_on)} (packet version {packet.version})."
    deadline = session.get(Deadline, request.deadline_id) if request.deadline_id else None
    if deadline is not None and deadline.status == DeadlineStatus.OPEN:
        close_deadline(
            session,
            actor=actor,
            reference=reference,
            deadline_id=deadline.id,
            outcome=DeadlineStatus.COMPLETED,
            note=note,
        )
    record_event(
        session,
        kind="evidence_response_filed",
        summary=f"Response to the {request_title(request, clock)} filed: {note}",
        actor=actor,
        case_id=case.id,
        after={"request_id": request.id, "packet_id": packet.id, "filed_on": filed_on.isoformat()},
    )
    if case.stage == "rfe_noid_response":
        _move_quietly(session, actor, case, "filed_pending")
    return request
