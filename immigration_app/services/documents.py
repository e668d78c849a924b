"""Files on a case's checklist: recording an upload, staff review, what is missing, downloads.

The bytes live in the encrypted store (services/storage.py); this module keeps the rows that
say which file answers which item, and every status change as a case event. A file is never
replaced: a new upload is the item's next version.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, and_, col, func, select, update

from immigration_app.catalog.checklists import checklist_sections
from immigration_app.models import (
    Case,
    CaseChecklistItem,
    CaseMember,
    DocumentFile,
    FileReview,
    ItemStatus,
    Person,
    User,
    utcnow,
)
from immigration_app.services import storage
from immigration_app.services.audit import PORTAL_ACTOR, record_event
from immigration_app.services.checklists import case_item
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.firm import FirmClock, firm_clock
from immigration_app.services.people import display_name
from immigration_app.services.viewer import Viewer, visible_case, visible_cases

# Items that still need something from the client.
OUTSTANDING = (ItemStatus.NEEDED, ItemStatus.REJECTED)
# Items that no longer hold a case back.
SETTLED = (ItemStatus.ACCEPTED, ItemStatus.WAIVED)

# Reasons staff pick most often, worded for the client in both languages. "other" sends the
# text the staff member types, as typed.
REJECTION_REASONS: dict[str, dict[str, str]] = {
    "unreadable": {
        "en": "We could not read it. Please take the photo again in good light, flat and in focus.",
        "es": "No pudimos leerlo. Tome la foto otra vez con buena luz, plana y enfocada.",
    },
    "cut_off": {
        "en": "Part of the page is cut off. Please send the whole page, all four corners showing.",
        "es": "Falta una parte de la página. Envíe la página completa, con las cuatro esquinas.",
    },
    "missing_pages": {
        "en": "Some pages are missing. Please send every page, including the back if it has text.",
        "es": "Faltan páginas. Envíe todas las páginas, también el reverso si tiene texto.",
    },
    "expired": {
        "en": "This document has expired. Please send a current one.",
        "es": "Este documento está vencido. Envíe uno vigente.",
    },
    "wrong_document": {
        "en": "This is not the document we asked for. Please check the description and try again.",
        "es": "Este no es el documento que pedimos. Revise la descripción e inténtelo de nuevo.",
    },
    "needs_translation": {
        "en": "It is not in English. Please also send a certified English translation.",
        "es": "No está en inglés. Envíe también una traducción certificada al inglés.",
    },
}


def status_after_files(session: Session, item: CaseChecklistItem) -> ItemStatus:
    """What an item's status is, judged by its files (used when a waiver is undone)."""
    reviews = set(
        session.exec(select(DocumentFile.review).where(DocumentFile.item_id == item.id)).all()
    )
    if FileReview.PENDING in reviews:
        return ItemStatus.UPLOADED
    if item.accepted_on is not None and FileReview.ACCEPTED in reviews:
        return ItemStatus.ACCEPTED
    return ItemStatus.REJECTED if item.status_reason and reviews else ItemStatus.NEEDED


def _settled(session: Session, case_id: int) -> bool:
    """Whether every required item of the case is accepted or waived."""
    outstanding = session.exec(
        select(func.count())
        .select_from(CaseChecklistItem)
        .where(
            CaseChecklistItem.case_id == case_id,
            CaseChecklistItem.required,
            col(CaseChecklistItem.status).not_in([str(status) for status in SETTLED]),
        )
    ).one()
    return outstanding == 0


def _note_if_complete(
    session: Session, item: CaseChecklistItem, actor: Viewer | None, *, was_settled: bool
) -> None:
    """Record "documents complete" at the moment the last required item settles: only when
    this item is required and was outstanding until now (settling an optional item, or
    waiving an accepted one, completes nothing new)."""
    if not item.required or was_settled:
        return
    session.flush()
    if _settled(session, item.case_id):
        record_event(
            session,
            kind="documents_complete",
            summary="Every required document is accepted or waived",
            actor=actor,
            case_id=item.case_id,
        )


# --- uploads -------------------------------------------------------------------------------


def add_file(
    session: Session,
    *,
    item: CaseChecklistItem,
    staged: storage.StagedFile,
    uploaded_by: Viewer | None = None,
    link_id: int | None = None,
) -> DocumentFile:
    """Move a checked upload into the store and record it as the item's next version.

    Photos also get a one-page PDF (a photo that cannot be decoded is refused as damaged).
    Should the database write fail, the blobs written here are removed again.
    """
    kind = "pdf" if staged.media_type == "application/pdf" else "photo"
    if kind not in item.kinds:
        raise storage.UploadRefused(
            "unsupported_type",
            f"{item.title_en} must be sent as {' or '.join(item.kinds)}. Nothing was saved.",
        )
    blob = storage.commit(staged)
    written = [blob]
    try:
        pdf_blob = ""
        if staged.media_type.startswith("image/"):
            try:
                page = storage.photo_to_pdf(storage.read_all(blob), staged.media_type)
            except Exception as error:  # Pillow raises many kinds for a broken image
                raise storage.UploadRefused(
                    "damaged", "This photo is damaged and cannot be opened. Nothing was saved."
                ) from error
            pdf_blob, _ = storage.store_bytes(page)
            written.append(pdf_blob)
        version = (
            session.exec(
                select(func.max(DocumentFile.version)).where(DocumentFile.item_id == item.id)
            ).one()
            or 0
        ) + 1
        document = DocumentFile(
            item_id=item.id,
            case_id=item.case_id,
            version=version,
            original_name=staged.original_name,
            media_type=staged.media_type,
            extension=staged.extension,
            size_bytes=staged.size,
            sha256=staged.sha256,
            blob_name=blob,
            pdf_blob_name=pdf_blob,
            uploaded_by_id=uploaded_by.id if uploaded_by else None,
            uploaded_via_link_id=link_id,
        )
        session.add(document)
        before = str(item.status)
        item.status, item.status_changed_at = ItemStatus.UPLOADED, utcnow()
        item.status_changed_by_id = uploaded_by.id if uploaded_by else None
        session.add(item)
        record_event(
            session,
            kind="document_uploaded",
            summary=f"{item.title_en}: {staged.original_name} uploaded (version {version})",
            actor=uploaded_by,
            actor_label=None if uploaded_by else PORTAL_ACTOR,
            case_id=item.case_id,
            before={"status": before},
            after={"status": "uploaded", "file": staged.original_name, "sha256": staged.sha256},
        )
        session.flush()
    except BaseException:
        for name in written:
            storage.delete_blob(name)
        raise
    return document


def add_staff_file(
    session: Session, *, actor: Viewer, reference: str, item_id: int, staged: storage.StagedFile
) -> DocumentFile:
    """A file staff add for the client (brought to the office, sent by mail)."""
    _, item = case_item(session, viewer=actor, reference=reference, item_id=item_id)
    return add_file(session, item=item, staged=staged, uploaded_by=actor)


# --- review ----------------------------------------------------------------------------------


def _set_reviews(session: Session, item_id: int, review: FileReview) -> int:
    result = session.exec(
        update(DocumentFile)
        .where(DocumentFile.item_id == item_id, DocumentFile.review == FileReview.PENDING)
        .values(review=review)
    )
    return result.rowcount


def accept_item(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    item_id: int,
    issued_on: date | None = None,
) -> CaseChecklistItem:
    """Accept what the client sent for an item. A document that goes stale (a police
    certificate, say) is valid for its days counted from the day it was issued, which staff
    read off the document: counting from today would show it valid for longer than it is."""
    case, item = case_item(session, viewer=actor, reference=reference, item_id=item_id)
    if item.status != ItemStatus.UPLOADED:
        raise InvalidInput({"item": "There is nothing waiting for review on this item."})
    today = firm_clock(session).today()
    if item.expires_after_days:
        if issued_on is None or issued_on > today:
            raise InvalidInput(
                {
                    "issued_on": f"Enter the date it was issued (not in the future): it is "
                    f"valid for {item.expires_after_days} days from then."
                }
            )
        if issued_on + timedelta(days=item.expires_after_days) < today:
            raise InvalidInput(
                {"issued_on": "Issued on that date, it has already expired: reject it instead."}
            )
    _set_reviews(session, item.id, FileReview.ACCEPTED)
    item.status, item.status_reason = ItemStatus.ACCEPTED, ""
    item.accepted_on = today
    item.expires_on = (
        issued_on + timedelta(days=item.expires_after_days) if item.expires_after_days else None
    )
    item.status_changed_at, item.status_changed_by_id = utcnow(), actor.id
    session.add(item)
    record_event(
        session,
        kind="document_accepted",
        summary=f"{item.title_en} accepted",
        actor=actor,
        case_id=case.id,
        before={"status": "uploaded"},
        after={"status": "accepted"},
    )
    _note_if_complete(session, item, actor, was_settled=False)
    return item


def rejection_text(reason_code: str, note: str, language: str) -> str:
    """What the client reads: a standard reason in their language, or the staff's own words."""
    standard = REJECTION_REASONS.get(reason_code, {})
    return standard.get(language) or standard.get("en") or note


def reject_item(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    item_id: int,
    reason_code: str,
    note: str = "",
) -> CaseChecklistItem:
    """Send an upload back. The client sees why, in their language, and what to do."""
    case, item = case_item(session, viewer=actor, reference=reference, item_id=item_id)
    if item.status != ItemStatus.UPLOADED:
        raise InvalidInput({"item": "There is nothing waiting for review on this item."})
    if reason_code not in REJECTION_REASONS and not note.strip():
        raise InvalidInput({"reason": "Choose a reason or write one; the client will read it."})
    # A standard reason is stored by its code, so each client reads it in their language.
    stored = reason_code if reason_code in REJECTION_REASONS else note.strip()[:1000]
    _set_reviews(session, item.id, FileReview.REJECTED)
    item.status, item.status_reason = ItemStatus.REJECTED, stored
    item.accepted_on = item.expires_on = None
    item.status_changed_at, item.status_changed_by_id = utcnow(), actor.id
    session.add(item)
    record_event(
        session,
        kind="document_rejected",
        summary=f"{item.title_en} sent back: {rejection_text(stored, stored, 'en')[:300]}",
        actor=actor,
        case_id=case.id,
        before={"status": "uploaded"},
        after={"status": "rejected", "reason": stored},
    )
    return item


def client_reason(item: CaseChecklistItem, language: str) -> str:
    """The rejection reason of an item as its client reads it."""
    if item.status != ItemStatus.REJECTED:
        return ""
    return rejection_text(item.status_reason, item.status_reason, language)


def waive_item(
    session: Session, *, actor: Viewer, reference: str, item_id: int, reason: str
) -> CaseChecklistItem:
    """Mark an item as not needed on this case. The reason is kept (staff only)."""
    case, item = case_item(session, viewer=actor, reference=reference, item_id=item_id)
    if not reason.strip():
        raise InvalidInput({"reason": "Say why this case does not need it."})
    if item.status == ItemStatus.WAIVED:
        return item
    before = {"status": str(item.status)}
    item.status, item.status_reason = ItemStatus.WAIVED, reason.strip()[:1000]
    item.status_changed_at, item.status_changed_by_id = utcnow(), actor.id
    session.add(item)
    record_event(
        session,
        kind="checklist_item_waived",
        summary=f"Waived {item.title_en}: {item.status_reason[:300]}",
        actor=actor,
        case_id=case.id,
        before=before,
        after={"status": "waived", "reason": item.status_reason},
    )
    settled_before = before["status"] in {str(status) for status in SETTLED}
    _note_if_complete(session, item, actor, was_settled=settled_before)
    return item


def restore_item(
    session: Session, *, actor: Viewer, reference: str, item_id: int
) -> CaseChecklistItem:
    """Undo a waiver: the item is needed again (or back to review when files are waiting)."""
    case, item = case_item(session, viewer=actor, reference=reference, item_id=item_id)
    if item.status != ItemStatus.WAIVED:
        return item
    item.status = status_after_files(session, item)
    item.status_reason = ""
    item.status_changed_at, item.status_changed_by_id = utcnow(), actor.id
    session.add(item)
    record_event(
        session,
        kind="checklist_item_restored",
        summary=f"{item.title_en} is needed again",
        actor=actor,
        case_id=case.id,
        before={"status": "waived"},
        after={"status": str(item.status)},
    )
    return item


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileView:
    id: int
    version: int
    name: str  # the standard download name
    original_name: str
    size: str
    media_type: str
    review: str
    uploaded: str
    uploaded_by: str
    url: str
    inline_url: str


@dataclass(frozen=True)
class ItemView:
    id: int
    member_id: int
    member: str
    role: str
    code: str
    section: str
    section_title: str
    title: str
    explain: str
    kinds: str
    translation: bool
    required: bool
    status: str
    reason: str  # rejection (as the client reads it in English) or waiver reason
    added_for_case: bool
    expires_on: str
    expires_after_days: int  # > 0: acceptance asks when the document was issued
    outstanding: bool  # required and still owed by the client (needed or sent back)
    expired: bool
    files: list[FileView]


def download_name(
    case: Case, person: Person, item_code: str, document: DocumentFile, clock: FirmClock
) -> str:
    # The firm's date of the upload, as the page shows it (an evening upload is not tomorrow's).
    day = document.uploaded_at.astimezone(clock.time_zone).date()
    return storage.download_name(
        case.reference,
        f"{person.family_name} {person.given_name}",
        item_code,
        day,
        document.version,
        document.extension,
    )


def _file_views(
    session: Session,
    clock: FirmClock,
    case: Case,
    items: list[CaseChecklistItem],
    people: dict[int, Person],
) -> dict[int, list[FileView]]:
    by_item = {item.id: item for item in items}
    documents = session.exec(
        select(DocumentFile)
        .where(col(DocumentFile.item_id).in_(list(by_item)))
        .order_by(col(DocumentFile.version).desc())
    ).all()
    staff = {
        user.id: user.full_name
        for user in session.exec(
            select(User).where(
                col(User.id).in_({d.uploaded_by_id for d in documents if d.uploaded_by_id})
            )
        )
    }
    views: dict[int, list[FileView]] = defaultdict(list)
    for document in documents:
        item = by_item[document.item_id]
        views[item.id].append(
            FileView(
                id=document.id,
                version=document.version,
                name=download_name(case, people[item.member_id], item.code, document, clock),
                original_name=document.original_name,
                size=storage.human_size(document.size_bytes),
                media_type=document.media_type,
                review=str(document.review),
                uploaded=clock.moment(document.uploaded_at),
                uploaded_by=staff.get(document.uploaded_by_id, "")
                if document.uploaded_by_id
                else "Client (portal)",
                url=f"/api/documents/{document.id}",
                inline_url=f"/api/documents/{document.id}?inline=1",
            )
        )
    return views


def _members(session: Session, case_id: int) -> dict[int, tuple[CaseMember, Person]]:
    rows = session.exec(
        select(CaseMember, Person)
        .join(Person, Person.id == CaseMember.person_id)
        .where(CaseMember.case_id == case_id)
    ).all()
    return {member.id: (member, person) for member, person in rows}


def in_checklist_order(items: Iterable[CaseChecklistItem]) -> list[CaseChecklistItem]:
    """Person by person, section by section, then as the checklist lists them."""
    order = {key: section.order for key, section in checklist_sections().items()}
    return sorted(
        items,
        key=lambda item: (item.member_id, order.get(item.section, 99), item.position, item.id),
    )


def case_documents(session: Session, *, viewer: Viewer, reference: str) -> list[ItemView]:
    """Every checklist item of a case with its files, person by person, section by section."""
    case = visible_case(session, viewer=viewer, reference=reference)
    return item_views(session, case, language="en")


def item_views(
    session: Session, case: Case, *, language: str, member_id: int | None = None
) -> list[ItemView]:
    """A case's items (one member's, when given) in checklist order, worded in `language`."""
    clock = firm_clock(session)
    members = _members(session, case.id)
    query = select(CaseChecklistItem).where(CaseChecklistItem.case_id == case.id)
    if member_id is not None:
        query = query.where(CaseChecklistItem.member_id == member_id)
    sections = checklist_sections()
    items = in_checklist_order(session.exec(query).all())
    people = {member_id: person for member_id, (_, person) in members.items()}
    files = _file_views(session, clock, case, items, people)
    today = clock.today()
    spanish = language == "es"
    views = []
    for item in items:
        member, person = members[item.member_id]
        section = sections.get(item.section)
        views.append(
            ItemView(
                id=item.id,
                member_id=item.member_id,
                member=display_name(person),
                role=str(member.role),
                code=item.code,
                section=item.section,
                section_title=(section.title_es if spanish else section.title_en)
                if section
                else item.section,
                title=item.title_es if spanish else item.title_en,
                explain=item.explain_es if spanish else item.explain_en,
                kinds=", ".join(item.kinds),
                translation=item.translation,
                required=item.required,
                status=str(item.status),
                reason=client_reason(item, language)
                if item.status == ItemStatus.REJECTED
                else item.status_reason,
                added_for_case=item.added_for_case,
                expires_on=clock.date(item.expires_on),
                expires_after_days=item.expires_after_days,
                outstanding=item.required and item.status in OUTSTANDING,
                expired=item.expires_on is not None and item.expires_on < today,
                files=files.get(item.id, []),
            )
        )
    return views


@dataclass(frozen=True)
class PersonChoice:
    member_id: int
    label: str  # "Maria Garcia (applicant)"


def case_people(session: Session, *, viewer: Viewer, reference: str) -> list[PersonChoice]:
    """The people on a case, to choose whom a portal link or a new item is for."""
    case = visible_case(session, viewer=viewer, reference=reference)
    return [
        PersonChoice(member_id, f"{display_name(person)} ({str(member.role).replace('_', ' ')})")
        for member_id, (member, person) in sorted(_members(session, case.id).items())
    ]


def still_needed():
    """The condition on checklist items: required, and not yet sent or sent back."""
    return and_(
        CaseChecklistItem.required,
        col(CaseChecklistItem.status).in_([str(status) for status in OUTSTANDING]),
    )


def missing_count_of(case_id):
    """How many required documents a case still needs, as a scalar subquery on `case_id` (a
    column of the outer query): counted per listed case through the case_id index."""
    return (
        select(func.count())
        .where(CaseChecklistItem.case_id == case_id, still_needed())
        .correlate_except(CaseChecklistItem)
        .scalar_subquery()
    )


def missing_counts(session: Session, case_ids: Iterable[int]) -> dict[int, int]:
    """The missing documents of these cases, in one grouped query (cases missing none: absent)."""
    ids = list(case_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(CaseChecklistItem.case_id, func.count())
        .where(col(CaseChecklistItem.case_id).in_(ids), still_needed())
        .group_by(CaseChecklistItem.case_id)
    ).all()
    return dict(rows)


def outstanding_by_member(
    session: Session, case_id: int
) -> list[tuple[CaseMember, Person, dict[str, list[str]]]]:
    """Who on a case still owes required documents, with the titles in each language."""
    rows = session.exec(
        select(CaseChecklistItem, CaseMember, Person)
        .join(CaseMember, CaseMember.id == CaseChecklistItem.member_id)
        .join(Person, Person.id == CaseMember.person_id)
        .where(
            CaseChecklistItem.case_id == case_id,
            still_needed(),
        )
        .order_by(CaseMember.id, CaseChecklistItem.position, CaseChecklistItem.id)
    ).all()
    owed: dict[int, tuple[CaseMember, Person, dict[str, list[str]]]] = {}
    for item, member, person in rows:
        _, _, titles = owed.setdefault(member.id, (member, person, {"en": [], "es": []}))
        titles["en"].append(item.title_en)
        titles["es"].append(item.title_es)
    return list(owed.values())


@dataclass(frozen=True)
class QueueRow:
    reference: str
    person: str
    item_id: int
    title: str
    files: int
    waiting_since: str
    waiting_days: int


def review_queue(session: Session, *, viewer: Viewer, limit: int = 100) -> list[QueueRow]:
    """Uploads waiting for staff review across the cases the viewer may see, oldest first."""
    clock = firm_clock(session)
    pending = (
        select(
            DocumentFile.item_id,
            func.count().label("files"),
            func.min(DocumentFile.uploaded_at).label("since"),
        )
        .where(DocumentFile.review == FileReview.PENDING)
        .group_by(DocumentFile.item_id)
        .subquery()
    )
    rows = session.exec(
        select(Case.reference, CaseChecklistItem, Person, pending.c.files, pending.c.since)
        .join(pending, pending.c.item_id == CaseChecklistItem.id)
        .join(Case, Case.id == CaseChecklistItem.case_id)
        .join(CaseMember, CaseMember.id == CaseChecklistItem.member_id)
        .join(Person, Person.id == CaseMember.person_id)
        .where(CaseChecklistItem.status == ItemStatus.UPLOADED, visible_cases(viewer))
        .order_by(pending.c.since)
        .limit(limit)
    ).all()
    today = clock.today()
    return [
        QueueRow(
            reference=reference,
            person=display_name(person),
            item_id=item.id,
            title=item.title_en,
            files=files,
            waiting_since=clock.moment(since),
            waiting_days=(today - since.astimezone(clock.time_zone).date()).days,
        )
        for reference, item, person, files, since in rows
    ]


# --- downloads -------------------------------------------------------------------------------


# What a browser may show in place; anything else (HEIC) always downloads.
INLINE_TYPES = (storage.PDF, storage.JPEG, storage.PNG)


@dataclass(frozen=True)
class Download:
    blob_name: str
    filename: str
    media_type: str
    size: int
    inline: bool = False  # shown in the browser (asked for, and a type it can show safely)


def open_document(
    session: Session,
    *,
    viewer: Viewer,
    document_id: int,
    inline: bool = False,
    client_address: str = "",
) -> Download:
    """A file the viewer may see, ready to stream; the view or download is an event."""
    document = session.get(DocumentFile, document_id)
    case = session.get(Case, document.case_id) if document else None
    if case is None:
        raise NotFound("No such document.")
    visible_case(session, viewer=viewer, reference=case.reference)
    item = session.get(CaseChecklistItem, document.item_id)
    member = session.get(CaseMember, item.member_id)
    person = session.get(Person, member.person_id)
    name = download_name(case, person, item.code, document, firm_clock(session))
    inline = inline and document.media_type in INLINE_TYPES
    record_event(
        session,
        kind="document_viewed" if inline else "document_downloaded",
        summary=f"{'Viewed' if inline else 'Downloaded'} {name}",
        actor=viewer,
        case_id=case.id,
        after={"document_id": document.id, "sha256": document.sha256},
        client_address=client_address,
    )
    return Download(document.blob_name, name, document.media_type, document.size_bytes, inline)
