"""Building a case's filing packet, and keeping every build as a versioned, encrypted document.

A build reads the parts in one short transaction, assembles the PDF outside any transaction (a
300-page packet takes seconds, and a write lock held that long would stall every other worker),
and stores it in a second one, after checking that nothing changed in between. The PDF goes into
the store first and its row second; when the row cannot be written the stored file is removed,
so a failed build leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, func, select

from immigration_app import catalog
from immigration_app.models import Case, FilingPacket, PacketReview, ReviewDecision, User
from immigration_app.services import storage
from immigration_app.services.audit import record_event
from immigration_app.services.cover_letter import WHERE_TO_FILE, letter_pdf
from immigration_app.services.db import session_scope
from immigration_app.services.documents import Download
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.firm import firm_clock
from immigration_app.services.packet_pdf import (
    AssembledPacket,
    PacketPart,
    PacketRefused,
    assemble_packet,
    exhibit_letter,
)
from immigration_app.services.packet_plan import PacketPlan, contents_of, plan_packet
from immigration_app.services.storage import PDF
from immigration_app.services.viewer import Viewer, visible_case

PURPOSE_TITLES = {"filing": "Filing packet", "rfe_response": "RFE response"}


@dataclass(frozen=True)
class BuiltPacket:
    id: int
    version: int
    page_count: int
    sha256: str


@dataclass
class _Gathered:
    plan: PacketPlan
    parts: list[PacketPart]
    heading: str


def enclosure_list(plan: PacketPlan) -> list[str]:
    """What the letter lists as enclosed, in packet order."""
    listed = [f"Form {number}" for number in plan.form_numbers]
    exhibits = plan.exhibits
    if exhibits:
        listed.append("Exhibit index")
    listed += [
        f"Exhibit {exhibit_letter(number)}: {part.title}" for number, part in enumerate(exhibits)
    ]
    return listed


def _heading(case: Case) -> str:
    return f"{case.reference} - {catalog.case_types()[case.case_type].title}"


def _refuse_unready(plan: PacketPlan) -> None:
    if plan.purpose == "filing" and not plan.form_numbers:
        raise InvalidInput(
            {"packet": "Fill the case's forms first (Forms tab): a packet holds them."}
        )
    if plan.purpose == "rfe_response" and not plan.exhibits:
        raise InvalidInput({"packet": "Choose the accepted documents that answer the request."})
    if not plan.letter.addressee:
        raise InvalidInput(
            {
                "addressee": "Write where the packet goes in the cover letter: the lockbox or "
                f"service center on {WHERE_TO_FILE}."
            }
        )


def _gather(
    session: Session, *, actor: Viewer, reference: str, purpose: str, item_ids: list[int] | None
) -> _Gathered:
    case = visible_case(session, viewer=actor, reference=reference)
    plan = plan_packet(session, case, purpose=purpose, item_ids=item_ids)
    _refuse_unready(plan)
    letter = letter_pdf(session, plan.letter, enclosure_list(plan), firm_clock(session).today())
    parts = [PacketPart("letter", "Cover letter", letter, PDF)]
    for part in plan.parts[1:]:
        try:
            data = storage.read_all(part.blob_name)
        except (storage.DocumentCorrupt, FileNotFoundError):
            raise InvalidInput(
                {
                    "packet": f"{part.title} could not be read from the document store. Restore "
                    "the store from a backup, or upload the document again."
                }
            ) from None
        parts.append(PacketPart(part.kind, part.title, data, part.media_type))
    return _Gathered(plan, parts, _heading(case))


def _fingerprint(plan: PacketPlan) -> list[tuple[str, str]]:
    return [(part.key, part.sha256) for part in plan.parts]


def _store(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    gathered: _Gathered,
    item_ids: list[int] | None,
    assembled: AssembledPacket,
) -> BuiltPacket:
    case = visible_case(session, viewer=actor, reference=reference)
    plan = gathered.plan
    now = plan_packet(session, case, purpose=plan.purpose, item_ids=item_ids)
    if _fingerprint(now) != _fingerprint(plan):
        raise InvalidInput(
            {"packet": "The case changed while the packet was being built. Build it again."}
        )
    version = 1 + (
        session.exec(
            select(func.max(FilingPacket.version)).where(FilingPacket.case_id == case.id)
        ).one()
        or 0
    )
    first_pages = {
        part.key: page for part, page in zip(plan.parts, assembled.first_pages, strict=True)
    }
    blob_name, sha256 = storage.store_bytes(assembled.data)
    try:
        packet = FilingPacket(
            case_id=case.id,
            purpose=plan.purpose,
            version=version,
            blob_name=blob_name,
            sha256=sha256,
            size_bytes=len(assembled.data),
            page_count=assembled.page_count,
            contents=contents_of(plan, first_pages),
            built_by_id=actor.id,
        )
        session.add(packet)
        _withdraw_pending(session, actor, case, plan.purpose, version)
        record_event(
            session,
            kind="packet_built",
            summary=f"{PURPOSE_TITLES[plan.purpose]} version {version} built: "
            f"{assembled.page_count} pages, {len(plan.exhibits)} exhibits",
            actor=actor,
            case_id=case.id,
            after={"version": version, "sha256": sha256, "pages": assembled.page_count},
        )
        session.flush()
    except BaseException:
        storage.delete_blob(blob_name)
        raise
    return BuiltPacket(packet.id, version, packet.page_count, sha256)


def _withdraw_pending(
    session: Session, actor: Viewer, case: Case, purpose: str, version: int
) -> None:
    """A review asked for an older version of the same kind of packet is moot once a newer one
    exists (building an RFE response leaves a filing's review alone)."""
    pending = session.exec(
        select(PacketReview)
        .join(FilingPacket, FilingPacket.id == PacketReview.packet_id)
        .where(
            PacketReview.case_id == case.id,
            PacketReview.decision == ReviewDecision.PENDING,
            FilingPacket.purpose == purpose,
        )
    ).all()
    for review in pending:
        review.decision = ReviewDecision.WITHDRAWN
        session.add(review)
        record_event(
            session,
            kind="review_withdrawn",
            summary=f"Review request withdrawn: packet version {version} was built after it",
            actor=actor,
            case_id=case.id,
            after={"review_id": review.id},
        )


def build_packet(
    *,
    actor: Viewer,
    reference: str,
    purpose: str = "filing",
    item_ids: list[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuiltPacket:
    """Build and keep the case's packet; InvalidInput names what stopped it (an exhibit that
    cannot be read, forms not filled yet, no addressee). Runs its own transactions."""
    with session_scope() as session:
        gathered = _gather(
            session, actor=actor, reference=reference, purpose=purpose, item_ids=item_ids
        )
    try:
        assembled = assemble_packet(gathered.parts, heading=gathered.heading, progress=progress)
    except PacketRefused as refused:
        raise InvalidInput({"packet": refused.message}) from None
    gathered.parts.clear()  # the exhibits' bytes are in the packet now
    with session_scope() as session:
        return _store(
            session,
            actor=actor,
            reference=reference,
            gathered=gathered,
            item_ids=item_ids,
            assembled=assembled,
        )


# --- reading them back ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PacketRow:
    id: int
    version: int
    purpose: str
    page_count: int
    size: str
    sha256: str
    built_by: str
    built_on: str


def case_packets(session: Session, *, viewer: Viewer, reference: str) -> list[PacketRow]:
    """Every packet built for the case, newest first."""
    case = visible_case(session, viewer=viewer, reference=reference)
    clock = firm_clock(session)
    rows = session.exec(
        select(FilingPacket, User.full_name)
        .outerjoin(User, User.id == FilingPacket.built_by_id)
        .where(FilingPacket.case_id == case.id)
        .order_by(FilingPacket.version.desc())
    ).all()
    return [
        PacketRow(
            id=packet.id,
            version=packet.version,
            purpose=PURPOSE_TITLES.get(packet.purpose, packet.purpose),
            page_count=packet.page_count,
            size=storage.human_size(packet.size_bytes),
            sha256=packet.sha256,
            built_by=name or "",
            built_on=clock.moment(packet.built_at),
        )
        for packet, name in rows
    ]


def open_packet(
    session: Session,
    *,
    viewer: Viewer,
    packet_id: int,
    inline: bool = False,
    client_address: str = "",
) -> Download:
    """A packet the viewer may see, ready to stream; the view or download is an event."""
    packet = session.get(FilingPacket, packet_id)
    case = session.get(Case, packet.case_id) if packet else None
    if case is None:
        raise NotFound("No such packet.")
    visible_case(session, viewer=viewer, reference=case.reference)
    name = f"{case.reference} {PURPOSE_TITLES[packet.purpose]} v{packet.version}.pdf"
    record_event(
        session,
        kind="packet_viewed" if inline else "packet_downloaded",
        summary=f"{'Viewed' if inline else 'Downloaded'} {name}",
        actor=viewer,
        case_id=case.id,
        after={"packet_id": packet.id, "sha256": packet.sha256},
        client_address=client_address,
    )
    return Download(packet.blob_name, name, "application/pdf", packet.size_bytes, inline)
