"""Recording that a case was filed, and the receipt notice USCIS sends back.

Filing needs the approved packet (the four-eyes rule holds to the last step): the record names
the packet version that went out, and the case moves to "Filed - pending". The receipt notice is
kept encrypted like every document; its receipt number is added to the case, with a warning when
it does not look like one USCIS issues (services/receipts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from immigration_app.models import (
    Case,
    CaseNotice,
    FilingMethod,
    FilingPacket,
    FilingRecord,
    User,
)
from immigration_app.services import cases, storage
from immigration_app.services.approval import require_approval
from immigration_app.services.audit import record_event
from immigration_app.services.documents import INLINE_TYPES, Download
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.firm import firm_clock
from immigration_app.services.receipts import normalize_receipt_number, receipt_warning
from immigration_app.services.users import active_staff
from immigration_app.services.viewer import Viewer, visible_case

METHOD_TITLES = {
    FilingMethod.MAIL: "Mail (USPS)",
    FilingMethod.COURIER: "Courier (FedEx, UPS, DHL)",
    FilingMethod.ONLINE: "Online (USCIS account)",
}
# A filing recorded after the fact is common; one dated long ago is a typing mistake.
_OLDEST_DAYS = 365


@dataclass(frozen=True)
class FilingInput:
    filed_on: str  # ISO date
    method: str
    tracking_number: str = ""
    filed_by_id: int | None = None  # defaults to whoever records it
    receipt_number: str = ""  # an online filing has one at once
    note: str = ""


@dataclass(frozen=True)
class Recorded:
    record: FilingRecord
    warning: str  # about the receipt number, "" when none


def _checked(session: Session, data: FilingInput, today: date) -> dict:
    errors = {}
    try:
        filed_on = date.fromisoformat(data.filed_on.strip())
    except ValueError:
        filed_on = None
        errors["filed_on"] = "Enter the day it was sent."
    if filed_on and filed_on > today:
        errors["filed_on"] = "A filing cannot be recorded before it happens: it is dated later."
    elif filed_on and filed_on < today - timedelta(days=_OLDEST_DAYS):
        errors["filed_on"] = "That is more than a year ago. Check the date."
    method = data.method if data.method in FilingMethod.__members__.values() else None
    if method is None:
        errors["method"] = "Choose how it was sent."
    tracking = " ".join(data.tracking_number.split())
    if method == FilingMethod.COURIER and not tracking:
        errors["tracking_number"] = "Enter the courier's tracking number."
    elif len(tracking) > 64:
        errors["tracking_number"] = "A tracking number is shorter than that; check it."
    receipt = None
    if data.receipt_number.strip():
        receipt = normalize_receipt_number(data.receipt_number)
        if receipt is None:
            errors["receipt_number"] = (
                "A receipt number is 3 letters and 10 digits, e.g. IOE0912345678."
            )
    staff = {user.id for user in active_staff(session)}
    if data.filed_by_id is not None and data.filed_by_id not in staff:
        errors["filed_by_id"] = "Choose who sent it from the firm's staff."
    if len(data.note) > 2000:
        errors["note"] = "Keep the note under 2,000 characters."
    if errors:
        raise InvalidInput(errors)
    return {"filed_on": filed_on, "method": method, "tracking": tracking, "receipt": receipt}


def record_filing(
    session: Session, *, actor: Viewer, reference: str, data: FilingInput
) -> Recorded:
    """Record the approved packet as sent; the case moves to "Filed - pending"."""
    case = visible_case(session, viewer=actor, reference=reference)
    clock = firm_clock(session)
    checked = _checked(session, data, clock.today())
    packet = require_approval(session, case)
    if already_filed(session, packet.id):
        raise InvalidInput({"packet": f"Version {packet.version} is already recorded as filed."})
    record = FilingRecord(
        case_id=case.id,
        packet_id=packet.id,
        filed_on=checked["filed_on"],
        method=checked["method"],
        tracking_number=checked["tracking"],
        filed_by_id=data.filed_by_id or actor.id,
        recorded_by_id=actor.id,
        note=data.note.strip(),
    )
    session.add(record)
    how = METHOD_TITLES[checked["method"]]
    tracking = f", tracking {checked['tracking']}" if checked["tracking"] else ""
    record_event(
        session,
        kind="case_filed",
        summary=f"Filed on {clock.date(record.filed_on)} by {how}{tracking} "
        f"(packet version {packet.version})",
        actor=actor,
        case_id=case.id,
        after={
            "filed_on": record.filed_on.isoformat(),
            "method": str(record.method),
            "tracking_number": record.tracking_number,
            "packet_sha256": packet.sha256,
        },
    )
    session.flush()
    warning = ""
    if checked["receipt"]:
        warning = add_receipt(session, actor=actor, reference=reference, number=checked["receipt"])
    cases.move_case(session, actor=actor, reference=reference, stage="filed_pending")
    return Recorded(record, warning)


def already_filed(session: Session, packet_id: int) -> bool:
    return (
        session.exec(select(FilingRecord.id).where(FilingRecord.packet_id == packet_id)).first()
        is not None
    )


def add_receipt(
    session: Session, *, actor: Viewer, reference: str, number: str, form: str = ""
) -> str:
    """Add a receipt number to the case; the warning about it, "" when it looks right."""
    normalized = cases.add_receipt_number(
        session, actor=actor, reference=reference, receipt_number=number, form=form
    )
    return receipt_warning(normalized, this_year=firm_clock(session).today().year)


def attach_receipt_notice(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    staged: storage.StagedFile,
    receipt_number: str,
    form: str = "",
) -> str:
    """Keep the receipt notice and add its receipt number to the case; returns the warning
    about the number ("" when it looks right). Nothing is kept when the number is refused."""
    case = visible_case(session, viewer=actor, reference=reference)
    if normalize_receipt_number(receipt_number) is None:
        raise InvalidInput(
            {
                "receipt_number": "Type the receipt number printed on the notice: 3 letters and "
                "10 digits, e.g. IOE0912345678."
            }
        )
    warning = add_receipt(
        session, actor=actor, reference=reference, number=receipt_number, form=form
    )
    blob = storage.commit(staged)
    try:
        notice = CaseNotice(
            case_id=case.id,
            kind="receipt",
            receipt_number=normalize_receipt_number(receipt_number),
            original_name=staged.original_name,
            media_type=staged.media_type,
            size_bytes=staged.size,
            sha256=staged.sha256,
            blob_name=blob,
            uploaded_by_id=actor.id,
        )
        session.add(notice)
        record_event(
            session,
            kind="notice_added",
            summary=f"Receipt notice {staged.original_name} added",
            actor=actor,
            case_id=case.id,
            after={"sha256": staged.sha256, "receipt_number": notice.receipt_number},
        )
        session.flush()
    except BaseException:
        storage.delete_blob(blob)
        raise
    return warning


# --- what the Filing tab shows --------------------------------------------------------------------


@dataclass(frozen=True)
class FilingView:
    filed_on: str
    method: str
    tracking_number: str
    filed_by: str
    recorded_by: str
    packet_version: int
    note: str


@dataclass(frozen=True)
class NoticeView:
    id: int
    kind: str
    name: str
    receipt_number: str
    size: str
    added_on: str
    added_by: str


def case_filings(session: Session, *, viewer: Viewer, reference: str) -> list[FilingView]:
    case = visible_case(session, viewer=viewer, reference=reference)
    clock = firm_clock(session)
    names = dict(session.exec(select(User.id, User.full_name)).all())
    rows = session.exec(
        select(FilingRecord, FilingPacket.version)
        .join(FilingPacket, FilingPacket.id == FilingRecord.packet_id)
        .where(FilingRecord.case_id == case.id)
        .order_by(FilingRecord.id.desc())
    ).all()
    return [
        FilingView(
            filed_on=clock.date(record.filed_on),
            method=METHOD_TITLES[FilingMethod(record.method)],
            tracking_number=record.tracking_number,
            filed_by=names.get(record.filed_by_id, ""),
            recorded_by=names.get(record.recorded_by_id, ""),
            packet_version=version,
            note=record.note,
        )
        for record, version in rows
    ]


def case_notices(session: Session, *, viewer: Viewer, reference: str) -> list[NoticeView]:
    case = visible_case(session, viewer=viewer, reference=reference)
    clock = firm_clock(session)
    names = dict(session.exec(select(User.id, User.full_name)).all())
    notices = session.exec(
        select(CaseNotice).where(CaseNotice.case_id == case.id).order_by(CaseNotice.id.desc())
    ).all()
    return [
        NoticeView(
            id=notice.id,
            kind=notice.kind,
            name=notice.original_name,
            receipt_number=notice.receipt_number,
            size=storage.human_size(notice.size_bytes),
            added_on=clock.moment(notice.uploaded_at),
            added_by=names.get(notice.uploaded_by_id, ""),
        )
        for notice in notices
    ]


def open_notice(
    session: Session,
    *,
    viewer: Viewer,
    notice_id: int,
    inline: bool = False,
    client_address: str = "",
) -> Download:
    """A notice the viewer may see, ready to stream; the view or download is an event."""
    notice = session.get(CaseNotice, notice_id)
    if notice is None:
        raise NotFound("No such notice.")
    case = session.get(Case, notice.case_id)
    visible_case(session, viewer=viewer, reference=case.reference)
    name = f"{case.reference} {notice.original_name}"
    inline = inline and notice.media_type in INLINE_TYPES
    record_event(
        session,
        kind="notice_viewed" if inline else "notice_downloaded",
        summary=f"{'Viewed' if inline else 'Downloaded'} notice {notice.original_name}",
        actor=viewer,
        case_id=case.id,
        after={"notice_id": notice.id, "sha256": notice.sha256},
        client_address=client_address,
    )
    return Download(notice.blob_name, name, notice.media_type, notice.size_bytes, inline)
