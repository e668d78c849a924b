"""The four-eyes review of a packet: submitting a version, and a second person deciding on it.

Who may decide: an attorney, or a staff member an admin marked as a reviewer, and never the
person who built or submitted the packet, whatever their role (an admin included). This is
checked here, on the server, for every decision: the page hiding a button proves nothing.

A decision is about the exact bytes submitted: approving is refused once the case has changed
since the packet was built, and an approval stops holding when anything changes afterwards
(services/approval.py). The case moves with the review: to Internal review when a packet is
submitted, to Ready to file when it is approved, back to Preparing forms when it is returned.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from immigration_app import catalog
from immigration_app.models import (
    Case,
    FilingPacket,
    PacketReview,
    ReviewDecision,
    Role,
    User,
    utcnow,
)
from immigration_app.services import cases
from immigration_app.services.approval import latest_packet
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.messages import queue_staff_message
from immigration_app.services.packet_plan import changes_since, replan
from immigration_app.services.people import client_name
from immigration_app.services.stages import skipped_by
from immigration_app.services.viewer import Viewer, visible_case

# What the reviewer confirms before approving a filing, in the order they check it.
REVIEW_CHECKS = {
    "names_dates": "Names and dates agree across the forms and the evidence",
    "exhibits": "Every required exhibit is present",
    "letter": "The cover letter matches the evidence enclosed",
    "editions": "Every form is on the current edition",
    "signatures": "Signatures are present where the forms need them",
}
# ...and before approving the answer to an RFE or a NOID.
RESPONSE_CHECKS = {
    "answers": "The response answers every item the request lists",
    "names_dates": "Names and dates agree with the case as filed",
    "letter": "The cover letter matches the evidence enclosed",
    "deadline": "It can reach USCIS before the printed due date",
}
CHECKS_FOR = {"filing": REVIEW_CHECKS, "rfe_response": RESPONSE_CHECKS}
MAX_TEXT = 2000


def may_review(user: User | None) -> bool:
    return bool(user and user.is_active and (user.role == Role.ATTORNEY or user.is_reviewer))


def why_not_decide(user: User | None, review: PacketReview, packet: FilingPacket) -> str:
    """Why `user` may not decide this review, or "" when they may: the four-eyes rule that
    decisions, review panels and the dashboard's "awaiting your review" all follow."""
    if not may_review(user):
        return "An attorney, or a reviewer the admin chose, decides on it."
    if user.id in (review.submitted_by_id, packet.built_by_id):
        return (
            "You built or submitted this packet, so another reviewer decides on it: "
            "nobody reviews their own work."
        )
    return ""


def cases_to_decide(session: Session, user: User | None) -> list[int]:
    """The cases with a pending review `user` may decide (any the firm has: a handful)."""
    if not may_review(user):
        return []
    pending = session.exec(
        select(PacketReview, FilingPacket)
        .join(FilingPacket, FilingPacket.id == PacketReview.packet_id)
        .where(PacketReview.decision == ReviewDecision.PENDING)
    ).all()
    return [
        review.case_id for review, packet in pending if not why_not_decide(user, review, packet)
    ]


def _packet_of_case(session: Session, case: Case, packet_id: int) -> FilingPacket:
    packet = session.get(FilingPacket, packet_id)
    if packet is None or packet.case_id != case.id:
        raise NotFound("No such packet on this case.")
    return packet


def _refuse_stale(session: Session, case: Case, packet: FilingPacket, doing: str) -> None:
    newest = latest_packet(session, case.id, packet.purpose)
    if newest is not None and newest.id != packet.id:
        raise InvalidInput(
            {"packet": f"Version {newest.version} is newer: {doing} that one instead."}
        )
    changes = changes_since(packet, replan(session, case, packet))
    if changes:
        raise InvalidInput(
            {
                "packet": f"The case changed since version {packet.version} was built: "
                f"{'; '.join(changes)}. Build the packet again first."
            }
        )


def _move_on(session: Session, actor: Viewer, case: Case, stage: str, *, back: bool = False):
    """Move the case to `stage` when it is behind it (or, `back`, ahead of it), unless the
    firm skips that stage for this case type."""
    order = [known.key for known in catalog.stages()]
    here, there = order.index(case.stage), order.index(stage)
    if (there < here if back else there > here) and not skipped_by(session, stage, case.case_type):
        cases.move_case(session, actor=actor, reference=case.reference, stage=stage)


def submit_for_review(
    session: Session, *, actor: Viewer, reference: str, packet_id: int, note: str = ""
) -> PacketReview:
    """Ask a second person to review this packet version (the newest, still matching the case)."""
    case = visible_case(session, viewer=actor, reference=reference)
    packet = _packet_of_case(session, case, packet_id)
    _refuse_stale(session, case, packet, "submit")
    note = note.strip()
    if len(note) > MAX_TEXT:
        raise InvalidInput({"note": f"Keep the note under {MAX_TEXT:,} characters."})
    earlier = session.exec(
        select(PacketReview).where(
            PacketReview.packet_id == packet.id,
            PacketReview.decision.in_([ReviewDecision.PENDING, ReviewDecision.APPROVED]),
        )
    ).first()
    if earlier is not None:
        state = "approved" if earlier.decision == ReviewDecision.APPROVED else "waiting for review"
        raise InvalidInput({"packet": f"Version {packet.version} is already {state}."})
    if packet.purpose == "filing":
        _move_on(session, actor, case, "internal_review")
    review = PacketReview(
        case_id=case.id,
        packet_id=packet.id,
        packet_sha256=packet.sha256,
        submitted_by_id=actor.id,
        submit_note=note,
    )
    session.add(review)
    session.flush()
    _tell_reviewers(session, case, packet, review, actor)
    record_event(
        session,
        kind="review_requested",
        summary=f"Packet version {packet.version} submitted for review"
        + (f": {note[:200]}" if note else ""),
        actor=actor,
        case_id=case.id,
        after={"review_id": review.id, "packet_sha256": packet.sha256},
    )
    return review


def decide_review(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    review_id: int,
    approve: bool,
    comments: str = "",
    checks: list[str] | None = None,
) -> PacketReview:
    """Approve the packet (every check confirmed) or return it (with comments saying why)."""
    case = visible_case(session, viewer=actor, reference=reference)
    review = session.get(PacketReview, review_id)
    if review is None or review.case_id != case.id:
        raise NotFound("No such review on this case.")
    packet = session.get(FilingPacket, review.packet_id)
    if why_not := why_not_decide(session.get(User, actor.id), review, packet):
        raise NotPermitted(why_not)
    if review.decision != ReviewDecision.PENDING:
        raise InvalidInput({"review": f"This review was already {review.decision}."})
    comments = comments.strip()
    required = CHECKS_FOR[packet.purpose]
    checks = [key for key in required if key in (checks or [])]
    if len(comments) > MAX_TEXT:
        raise InvalidInput({"comments": f"Keep the comments under {MAX_TEXT:,} characters."})
    if approve:
        _refuse_stale(session, case, packet, "review")
        missing = [text for key, text in required.items() if key not in checks]
        if missing:
            raise InvalidInput({"checks": f"Confirm every check before approving: {missing[0]}."})
    elif not comments:
        raise InvalidInput({"comments": "Say what needs to change, so the preparer can fix it."})
    review.decision = ReviewDecision.APPROVED if approve else ReviewDecision.RETURNED
    review.decided_by_id, review.decided_at = actor.id, utcnow()
    review.comments, review.checks = comments, checks
    session.add(review)
    record_event(
        session,
        kind="packet_approved" if approve else "packet_returned",
        summary=(
            f"Packet version {packet.version} approved"
            if approve
            else f"Packet version {packet.version} returned: {comments[:200]}"
        ),
        actor=actor,
        case_id=case.id,
        after={"review_id": review.id, "packet_sha256": review.packet_sha256, "checks": checks},
    )
    session.flush()
    _tell_preparer(session, case, packet, review, actor)
    if packet.purpose == "filing":
        if approve:
            _move_on(session, actor, case, "ready_to_file")
        else:
            _move_on(session, actor, case, "preparing_forms", back=True)
    return review


# --- telling the people involved ------------------------------------------------------------------


def _tell_reviewers(
    session: Session, case: Case, packet: FilingPacket, review: PacketReview, actor: Viewer
) -> None:
    """The case's attorney hears a packet waits for them; when that attorney prepared it, every
    other reviewer does (a small firm's list)."""
    attorney = session.get(User, case.attorney_id) if case.attorney_id else None
    if attorney is not None and not why_not_decide(attorney, review, packet):
        recipients = [attorney]
    else:
        own = {review.submitted_by_id, packet.built_by_id}
        recipients = [session.get(User, choice.id) for choice in reviewers(session, exclude=own)]
    for user in recipients:
        queue_staff_message(
            session,
            user=user,
            template="staff_review_requested",
            key=f"review:{review.id}:requested",
            case=case,
            values={
                "client_name": client_name(session, case),
                "packet_version": str(packet.version),
                "submitted_by": actor.full_name,
                "review_note": review.submit_note,
            },
        )


def _tell_preparer(
    session: Session, case: Case, packet: FilingPacket, review: PacketReview, actor: Viewer
) -> None:
    preparer = session.get(User, review.submitted_by_id)
    if preparer is None or not preparer.is_active:
        return
    queue_staff_message(
        session,
        user=preparer,
        template="staff_review_decided",
        key=f"review:{review.id}:decided",
        case=case,
        values={
            "client_name": client_name(session, case),
            "packet_version": str(packet.version),
            "decision": str(review.decision),
            "decided_by": actor.full_name,
            "comments": review.comments,
        },
    )


# --- what the review panel shows ------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewerChoice:
    id: int
    name: str


def reviewers(session: Session, *, exclude: set[int]) -> list[ReviewerChoice]:
    """Who could review: attorneys and marked reviewers, minus the packet's own people."""
    users = session.exec(select(User).where(User.is_active).order_by(User.full_name)).all()
    return [
        ReviewerChoice(user.id, user.full_name)
        for user in users
        if may_review(user) and user.id not in exclude
    ]
