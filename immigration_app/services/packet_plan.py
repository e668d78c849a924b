"""What a case's packet holds and in which order, and whether a built packet still matches it.

The order is the case type's: the cover letter, then G-1145 and G-28 (USCIS reads them first),
then the other forms as the case type lists them, then the accepted documents in checklist order
as lettered exhibits. Each part is named by a stable key ("letter", "form:I-130", "item:42") and
carries its source's SHA-256, so comparing a built packet's contents with today's plan says
exactly what changed since: a form filled again, an exhibit replaced, added or removed, the
letter rewritten. That comparison is what voids an approval.

An RFE response reuses the same parts: the letter and the exhibits staff chose, no forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from immigration_app.models import (
    Case,
    CaseChecklistItem,
    CaseMember,
    DocumentFile,
    FileReview,
    FilingPacket,
    ItemStatus,
    Person,
)
from immigration_app.services.cover_letter import LetterText, case_letter
from immigration_app.services.documents import in_checklist_order
from immigration_app.services.form_filling import case_form_numbers, latest_filled
from immigration_app.services.people import display_name
from immigration_app.services.storage import PDF

PURPOSES = ("filing", "rfe_response")
# USCIS asks for these on top of the forms they accompany.
_FIRST_FORMS = ("G-1145", "G-28")


@dataclass(frozen=True)
class PlannedPart:
    key: str  # "letter", "form:I-130", "item:42"
    kind: str  # letter, form or exhibit
    title: str
    sha256: str
    source_id: int | None = None  # the filled form's or the document file's id
    blob_name: str = ""
    media_type: str = PDF


@dataclass(frozen=True)
class PacketPlan:
    purpose: str
    letter: LetterText
    parts: list[PlannedPart]
    not_filled: list[str]  # forms the case type files that have no filled copy

    @property
    def form_numbers(self) -> list[str]:
        return [part.key.removeprefix("form:") for part in self.parts if part.kind == "form"]

    @property
    def exhibits(self) -> list[PlannedPart]:
        return [part for part in self.parts if part.kind == "exhibit"]


def form_order(case: Case) -> list[str]:
    numbers = [number for number, _ in case_form_numbers(case)]
    return [n for n in _FIRST_FORMS if n in numbers] + [n for n in numbers if n not in _FIRST_FORMS]


def _form_parts(session: Session, case: Case) -> tuple[list[PlannedPart], list[str]]:
    filled = latest_filled(session, case.id)
    optional = {number for number, is_optional in case_form_numbers(case) if is_optional}
    parts, not_filled = [], []
    for number in form_order(case):
        row = filled.get(number)
        if row is None:
            if number not in optional:
                not_filled.append(number)
            continue
        parts.append(
            PlannedPart(
                f"form:{number}", "form", f"Form {number}", row.sha256, row.id, row.blob_name
            )
        )
    return parts, not_filled


def _exhibit_parts(session: Session, case: Case, item_ids: list[int] | None) -> list[PlannedPart]:
    query = select(CaseChecklistItem).where(
        CaseChecklistItem.case_id == case.id, CaseChecklistItem.status == ItemStatus.ACCEPTED
    )
    if item_ids is not None:
        query = query.where(col(CaseChecklistItem.id).in_(item_ids))
    items = in_checklist_order(session.exec(query).all())
    people = dict(
        session.exec(
            select(CaseMember.id, Person)
            .join(Person, Person.id == CaseMember.person_id)
            .where(CaseMember.case_id == case.id)
        ).all()
    )
    named = len({item.member_id for item in items}) > 1  # say whose it is when it is not clear
    newest: dict[int, DocumentFile] = {}
    files = session.exec(
        select(DocumentFile)
        .where(
            col(DocumentFile.item_id).in_([item.id for item in items]),
            DocumentFile.review == FileReview.ACCEPTED,
        )
        .order_by(DocumentFile.version)
    )
    for file in files:
        newest[file.item_id] = file
    parts = []
    for item in items:
        file = newest.get(item.id)
        if file is None:
            continue
        title = item.title_en
        if named:
            title = f"{title} - {display_name(people[item.member_id])}"
        # A photo goes in as the Letter page made of it at upload.
        blob, media = (file.pdf_blob_name, PDF) if file.pdf_blob_name else (file.blob_name, None)
        parts.append(
            PlannedPart(
                f"item:{item.id}",
                "exhibit",
                title,
                file.sha256,
                file.id,
                blob,
                media or file.media_type,
            )
        )
    return parts


def plan_packet(
    session: Session, case: Case, *, purpose: str = "filing", item_ids: list[int] | None = None
) -> PacketPlan:
    """The parts the case's packet holds today. A filing has the forms and every accepted
    document; an RFE response (`item_ids`: the documents answering it) has no forms."""
    if purpose not in PURPOSES:
        raise ValueError(f"A packet is for one of {PURPOSES}, not {purpose!r}.")
    forms, not_filled = _form_parts(session, case) if purpose == "filing" else ([], [])
    exhibits = _exhibit_parts(session, case, item_ids)
    form_numbers = [part.key.removeprefix("form:") for part in forms]
    letter = case_letter(session, case, form_numbers, purpose)
    letter_part = PlannedPart("letter", "letter", "Cover letter", letter.sha256)
    return PacketPlan(purpose, letter, [letter_part, *forms, *exhibits], not_filled)


def replan(session: Session, case: Case, packet: FilingPacket) -> PacketPlan:
    """Today's plan for the same packet: for an RFE response, the same chosen documents."""
    item_ids = None
    if packet.purpose == "rfe_response":
        keys = [entry["key"] for entry in packet.contents if entry["kind"] == "exhibit"]
        item_ids = [int(key.removeprefix("item:")) for key in keys]
    return plan_packet(session, case, purpose=packet.purpose, item_ids=item_ids)


def contents_of(plan: PacketPlan, first_pages: dict[str, int]) -> list[dict[str, Any]]:
    """What a built packet records about each part (see FilingPacket.contents)."""
    return [
        {
            "key": part.key,
            "kind": part.kind,
            "title": part.title,
            "source_id": part.source_id,
            "sha256": part.sha256,
            "first_page": first_pages.get(part.key, 0),
        }
        for part in plan.parts
    ]


def changes_since(packet: FilingPacket, plan: PacketPlan) -> list[str]:
    """What differs between a built packet and today's plan, in words for staff ([]: nothing)."""
    built = {entry["key"]: entry for entry in packet.contents}
    now = {part.key: part for part in plan.parts}
    changes = []
    for key, part in now.items():
        was = built.get(key)
        if was is None:
            changes.append(f"{_what(part.kind, part.title)} was added")
        elif was["sha256"] != part.sha256:
            changes.append(f"{_what(part.kind, part.title)} changed")
    changes += [
        f"{_what(entry['kind'], entry['title'])} was removed"
        for key, entry in built.items()
        if key not in now
    ]
    return changes


def _what(kind: str, title: str) -> str:
    return {"letter": "The cover letter", "form": title}.get(kind, f"Exhibit “{title}”")
