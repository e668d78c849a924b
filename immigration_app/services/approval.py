"""Whether a case's packet carries a four-eyes approval that still holds, and if not, why.

An approval names the packet's SHA-256. It holds while that packet is the newest one built and
the case still plans the same parts (same letter, same filled forms, same accepted files). It is
read, not stored: any change anywhere on the case voids it at once, without each place that can
change a form or an exhibit having to remember to say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from immigration_app.models import Case, FilingPacket, PacketReview, ReviewDecision, User
from immigration_app.services.errors import InvalidInput
from immigration_app.services.firm import firm_clock
from immigration_app.services.packet_plan import changes_since, replan

STATES = ("none", "draft", "pending", "approved", "returned", "void")


@dataclass(frozen=True)
class PacketStatus:
    state: str  # one of STATES
    message: str  # the state in a sentence for staff
    packet: FilingPacket | None = None  # the newest packet of its purpose
    review: PacketReview | None = None  # the newest review of any packet of that purpose
    changes: list[str] = field(default_factory=list)  # since the newest packet was built


def latest_packet(session: Session, case_id: int, purpose: str = "filing") -> FilingPacket | None:
    return session.exec(
        select(FilingPacket)
        .where(FilingPacket.case_id == case_id, FilingPacket.purpose == purpose)
        .order_by(FilingPacket.version.desc())
    ).first()


def latest_review(session: Session, case_id: int, purpose: str = "filing") -> PacketReview | None:
    return session.exec(
        select(PacketReview)
        .join(FilingPacket, FilingPacket.id == PacketReview.packet_id)
        .where(PacketReview.case_id == case_id, FilingPacket.purpose == purpose)
        .order_by(PacketReview.id.desc())
    ).first()


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.full_name if user else "someone"


def packet_status(session: Session, case: Case, purpose: str = "filing") -> PacketStatus:
    packet = latest_packet(session, case.id, purpose)
    if packet is None:
        return PacketStatus("none", "No packet has been built yet.")
    changes = changes_since(packet, replan(session, case, packet))
    review = latest_review(session, case.id, purpose)
    clock = firm_clock(session)
    if review is not None and review.decision == ReviewDecision.APPROVED:
        approver = _name(session, review.decided_by_id)
        who = f"Approved by {approver} on {clock.moment(review.decided_at)}"
        if review.packet_sha256 != packet.sha256:
            reason = f"version {packet.version} was built after it"
            return PacketStatus("void", f"{who}, but void: {reason}.", packet, review, changes)
        if changes:
            reason = "; ".join(changes)
            return PacketStatus("void", f"{who}, but void: {reason}.", packet, review, changes)
        return PacketStatus("approved", f"{who}.", packet, review, changes)
    if review is not None and review.decision == ReviewDecision.PENDING:
        who = _name(session, review.submitted_by_id)
        message = f"Version {packet.version} is waiting for review (asked by {who})."
        return PacketStatus("pending", message, packet, review, changes)
    if (
        review is not None
        and review.decision == ReviewDecision.RETURNED
        and (review.packet_sha256 == packet.sha256)
    ):
        who = _name(session, review.decided_by_id)
        message = f"Returned by {who}: {review.comments}"
        return PacketStatus("returned", message, packet, review, changes)
    message = f"Version {packet.version} is built and not yet submitted for review."
    return PacketStatus("draft", message, packet, review, changes)


def require_approval(session: Session, case: Case) -> FilingPacket:
    """The approved packet; InvalidInput (on "stage") saying what is missing otherwise."""
    status = packet_status(session, case)
    if status.state == "approved":
        return status.packet
    needs = {
        "none": "Build the filing packet and have it reviewed first (Filing tab).",
        "draft": "Submit the packet for review first: a second person approves it before filing.",
        "pending": "The packet is waiting for its review: it can be filed once approved.",
        "returned": "The reviewer returned the packet. Make the changes, build it again and "
        "submit it for review.",
        "void": "The approval no longer holds because the case changed after it: "
        f"{'; '.join(status.changes) or 'a newer packet was built'}. Build the packet again "
        "and submit it for review.",
    }
    raise InvalidInput({"stage": needs[status.state]})
