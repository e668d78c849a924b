"""A case's documents as one zip, for the attorney's own records or another firm taking over.

Laid out as a person would file them: a folder per person, a numbered folder per checklist
section, every version of every file under its standard download name, and a README.txt index
with each item's status and each file's SHA-256 (so a copy can be checked against the record).

The zip is written to a spooled temporary file (memory up to a few MB, then disk), so a case of
any size takes constant memory, and it is complete before the first byte is sent.
"""

from __future__ import annotations

import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from sqlmodel import Session, select

from immigration_app.catalog.checklists import checklist_sections
from immigration_app.models import DocumentFile, utcnow
from immigration_app.services import storage
from immigration_app.services.audit import record_event
from immigration_app.services.documents import item_views
from immigration_app.services.firm import firm_clock
from immigration_app.services.viewer import Viewer, visible_case

SPOOL_BYTES = 8 * 1024 * 1024
READ_BYTES = 64 * 1024


@dataclass(frozen=True)
class FolderFile:
    path: str  # inside the zip
    blob_name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class FolderPlan:
    """What goes into a case's folder, gathered in one short read of the database."""

    case_id: int
    reference: str
    filename: str  # the zip's own name
    files: tuple[FolderFile, ...]
    readme: str


def _folder_part(text: str) -> str:
    """A folder name from a person's name or a section title: no separators, no dot names."""
    return storage.safe_original_name(text.replace("/", "-").replace("\\", "-"))


def plan_case_folder(session: Session, *, viewer: Viewer, reference: str) -> FolderPlan:
    """The layout of a case's folder; NotFound when the viewer may not see the case."""
    case = visible_case(session, viewer=viewer, reference=reference)
    clock = firm_clock(session)
    numbers = {key: f"{at:02d}" for at, key in enumerate(checklist_sections(), start=1)}
    stored = {
        document.id: document
        for document in session.exec(select(DocumentFile).where(DocumentFile.case_id == case.id))
    }
    folders: dict[int, str] = {}
    files: list[FolderFile] = []
    lines = [
        f"Case {case.reference}: documents",
        f"Exported {clock.moment(utcnow())} by {viewer.full_name} ({viewer.email})",
        "",
        "Each item: its status, then every file (all versions) with its SHA-256.",
    ]
    person_heading = None
    for item in item_views(session, case, language="en"):
        if item.member_id not in folders:
            name = _folder_part(f"{item.member} ({item.role.replace('_', ' ')})")
            if name in folders.values():
                name = f"{name} {item.member_id}"
            folders[item.member_id] = name
        section = _folder_part(f"{numbers.get(item.section, '99')} {item.section_title}")
        folder = f"{folders[item.member_id]}/{section}"
        if person_heading != item.member_id:
            person_heading = item.member_id
            lines += ["", f"== {folders[item.member_id]}"]
        need = "required" if item.required else "optional"
        lines += ["", f"{item.title} [{item.code}] ({need}): {item.status}"]
        if item.reason:
            lines.append(f"  reason: {item.reason}")
        if item.expires_on:
            lines.append(f"  expires: {item.expires_on}")
        if not item.files:
            lines.append("  no files")
        for view in sorted(item.files, key=lambda file: file.version):
            document = stored[view.id]
            path = f"{folder}/{view.name}"
            files.append(FolderFile(path, document.blob_name, document.sha256, document.size_bytes))
            lines.append(
                f"  {path}\n    sha256 {document.sha256}, {view.size}, {view.review}, "
                f"uploaded {view.uploaded} by {view.uploaded_by}, sent as {view.original_name!r}"
            )
    if not folders:
        lines += ["", "This case has no checklist items."]
    return FolderPlan(
        case_id=case.id,
        reference=case.reference,
        filename=f"{_folder_part(case.reference)}_documents.zip",
        files=tuple(files),
        readme="\n".join(lines) + "\n",
    )


def write_case_folder(plan: FolderPlan) -> tuple[BinaryIO, int]:
    """The zip of a planned folder, rewound, with its size. The caller closes the file.

    A stored file that does not decrypt raises storage.DocumentCorrupt (and FileNotFoundError
    when it is missing): an export that silently left a document out would be worse.
    """
    stamp = time.localtime()[:6]
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned)
    try:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for file in plan.files:
                info = zipfile.ZipInfo(file.path, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.file_size = file.size  # lets zipfile choose ZIP64 for a huge file
                with archive.open(info, "w") as entry:
                    for chunk in storage.read_blob(file.blob_name):
                        entry.write(chunk)
            archive.writestr("README.txt", plan.readme)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool, size


def stream_file(source: BinaryIO) -> Iterator[bytes]:
    """A file's bytes in pieces, closing it at the end (or when the client goes away)."""
    with source:
        while chunk := source.read(READ_BYTES):
            yield chunk


def record_case_folder_export(
    session: Session, *, viewer: Viewer, plan: FolderPlan, client_address: str = ""
) -> None:
    record_event(
        session,
        kind="case_folder_exported",
        summary=f"Exported the case folder ({len(plan.files)} files)",
        actor=viewer,
        case_id=plan.case_id,
        after={"files": len(plan.files)},
        client_address=client_address,
    )
