"""A case's documents as one zip, for the attorney's own records or another firm taking over.

Laid out as a person would file them: a folder per person, a numbered folder per checklist
section, every version of every file under its standard download name, and a README.txt index
with each item's status and each file's SHA-256 (so a copy can be checked against the record).

Every stored file is first checked to decrypt, so a damaged store gets a clear refusal rather
than a broken zip. Then the zip is made as it is sent, a piece at a time: constant memory for a
case of any size, and no decrypted copy ever written to disk.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from sqlmodel import Session, select

from immigration_app.catalog.checklists import checklist_sections
from immigration_app.models import DocumentFile, utcnow
from immigration_app.services import storage
from immigration_app.services.audit import record_event
from immigration_app.services.documents import item_views
from immigration_app.services.firm import firm_clock
from immigration_app.services.viewer import Viewer, visible_case

ZIP64_FROM = 2**31  # entries this large need ZIP64 sizes, which a streamed zip must announce


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


def check_case_folder(plan: FolderPlan) -> None:
    """Raise storage.DocumentCorrupt (FileNotFoundError when missing) for a stored file that
    does not decrypt: an export that silently left a document out would be worse."""
    for file in plan.files:
        for _ in storage.read_blob(file.blob_name):
            pass


class _Pipe(io.RawIOBase):
    """Collects what zipfile writes until the generator below hands it on. It cannot seek, so
    zipfile writes each entry's sizes after its data, as a streamed zip must."""

    def __init__(self) -> None:
        super().__init__()
        self._written = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._written += data
        return len(data)

    def take(self) -> bytes:
        taken = bytes(self._written)
        self._written.clear()
        return taken


def stream_case_folder(plan: FolderPlan) -> Iterator[bytes]:
    """The zip of a planned (and checked) folder, piece by piece."""
    stamp = time.localtime()[:6]
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in plan.files:
            info = zipfile.ZipInfo(file.path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = file.size  # lets zipfile choose ZIP64 for a huge file
            with archive.open(info, "w", force_zip64=file.size > ZIP64_FROM) as entry:
                for chunk in storage.read_blob(file.blob_name):
                    entry.write(chunk)
                    yield pipe.take()
        archive.writestr("README.txt", plan.readme)
    yield pipe.take()


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
