"""The backup archive's format: what goes in it, how each member is checked, and how it comes out.

Kept apart from the databases and from the order a backup or restore runs in, because the format
is a promise to every archive already written: a reader of this file sees all of it in one place.

    database/app.sqlite3 or database/app.pgdump    the snapshot (pg_dump --format=custom)
    documents/<xx>/<name>.bin                      the encrypted blobs, as they are stored
    document.key                                   only with include_key
    manifest.json                                  format, created_at, revision, files, checksums

manifest.json, the last member, lists every file with its size and SHA-256. `verify_archive` checks
them all before a restore writes anything, and `extracted` checks each member again as it writes it.
BackupError lives here, the bottom of the three backup modules, so each of them can raise it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from immigration_app.services import storage

FORMAT = "case-desk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
KEY_MEMBER = "document.key"
DOCUMENTS = "documents"
DATABASE_MEMBERS = {"sqlite": "database/app.sqlite3", "postgresql": "database/app.pgdump"}
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


# --- writing --------------------------------------------------------------------------------------


def write_archive(
    partial: Path,
    *,
    compressed: bool,
    database: dict,
    snapshot: Path,
    documents_dir: Path,
    blobs: list[str],
    key: bytes | None,
) -> int:
    """Fill the archive; returns how many blobs went in."""
    files, archived = [], 0
    with partial.open("r+b") as raw:
        # Not tarfile's "w:gz": that would name the temporary file in the gzip header.
        packed = gzip.GzipFile(filename="", mode="wb", fileobj=raw) if compressed else raw
        with tarfile.open(fileobj=packed, mode="w", format=tarfile.PAX_FORMAT) as tar:
            with snapshot.open("rb") as source:
                files.append(_add_member(tar, DATABASE_MEMBERS[database["kind"]], source))
            for name in blobs:
                try:
                    source = (documents_dir / name).open("rb")
                except FileNotFoundError:
                    continue  # removed since it was listed: a failed upload cleaning up
                with source:
                    files.append(_add_member(tar, f"{DOCUMENTS}/{name}", source))
                archived += 1
            if key is not None:
                files.append(_add_bytes(tar, KEY_MEMBER, key))
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "alembic_revision": database["alembic_revision"],
                "database": {k: v for k, v in database.items() if k != "alembic_revision"},
                "document_key_included": key is not None,
                "documents": archived,
                "files": files,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
        if compressed:
            packed.close()
        raw.flush()
        os.fsync(raw.fileno())
    return archived


class _Hashing:
    """A file wrapper that hashes and counts what is read through it."""

    def __init__(self, source: BinaryIO):
        self.source, self.sha256, self.size = source, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add_member(tar: tarfile.TarFile, member: str, source: BinaryIO) -> dict:
    info = tarfile.TarInfo(member)
    info.size = os.fstat(source.fileno()).st_size
    info.mode, info.mtime = 0o600, int(datetime.now(UTC).timestamp())
    hashing = _Hashing(source)
    tar.addfile(info, hashing)  # reads exactly info.size bytes, or raises
    return {"path": member, "size": hashing.size, "sha256": hashing.sha256.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, member: str, data: bytes) -> dict:
    info = tarfile.TarInfo(member)
    info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))
    return {"path": member, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


# --- checking -------------------------------------------------------------------------------------


def verify_archive(archive: Path) -> tuple[dict, bytes | None]:
    """The manifest and the archived key text, once every member matches its checksum."""
    seen: dict[str, tuple[int, str]] = {}
    manifest_bytes = key = None
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            for member in tar:
                name = _member_name(member)
                if name in seen or (name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(f"The archive holds {name} twice; it was not made by backup.")
                source = tar.extractfile(member)
                if name in (MANIFEST, KEY_MEMBER):
                    data = source.read()
                    if name == MANIFEST:
                        manifest_bytes = data
                        continue
                    key = data
                    seen[name] = (len(data), hashlib.sha256(data).hexdigest())
                    continue
                hashing = _Hashing(source)
                while hashing.read(_CHUNK):
                    pass
                seen[name] = (hashing.size, hashing.sha256.hexdigest())
    except FileNotFoundError:
        raise BackupError(f"There is no archive at {archive}.") from None
    except (IsADirectoryError, PermissionError) as error:
        raise BackupError(f"The archive {archive} cannot be read: {error.strerror}.") from None
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(
            f"{archive} is damaged or incomplete ({error}). Nothing was restored."
        ) from None
    manifest = _parse_manifest(manifest_bytes)
    listed = {entry["path"]: (entry["size"], entry["sha256"]) for entry in manifest["files"]}
    damaged = sorted(name for name in listed if name in seen and seen[name] != listed[name])
    missing = sorted(set(listed) - set(seen))
    unlisted = sorted(set(seen) - set(listed))
    if damaged or missing or unlisted:
        parts = [
            f"{len(damaged)} file(s) do not match their checksum ({', '.join(damaged[:3])})"
            if damaged
            else "",
            f"{len(missing)} file(s) are missing ({', '.join(missing[:3])})" if missing else "",
            f"{len(unlisted)} file(s) are not in the manifest" if unlisted else "",
        ]
        raise BackupError(
            f"{archive} is damaged: {'; '.join(p for p in parts if p)}. Nothing was restored."
        )
    database_member = DATABASE_MEMBERS[manifest["database"]["kind"]]
    others = set(DATABASE_MEMBERS.values()) - {database_member}
    if database_member not in listed or others & set(listed):
        raise BackupError(f"{archive} does not hold one database snapshot. Nothing was restored.")
    if manifest["document_key_included"] != (key is not None):
        raise BackupError(f"{archive}'s manifest and contents disagree about the document key.")
    return manifest, key


def _member_name(member: tarfile.TarInfo) -> str:
    name = member.name
    path = PurePosixPath(name)
    allowed = name in (MANIFEST, KEY_MEMBER, *DATABASE_MEMBERS.values()) or (
        len(path.parts) >= 2
        and path.parts[0] == DOCUMENTS
        and path.parts[1] != storage.STAGING_DIR
        and not path.is_absolute()
        and "\\" not in name
        and all(part not in ("", ".", "..") for part in path.parts)
    )
    if not (allowed and member.isfile()):
        raise BackupError(f"The archive holds {name!r}, which backup never writes. Not restored.")
    return name


def _parse_manifest(data: bytes | None) -> dict:
    if data is None:
        raise BackupError("The archive has no manifest.json: it is incomplete. Nothing restored.")
    try:
        manifest = json.loads(data)
        ok = (
            manifest["format"] == FORMAT
            and isinstance(manifest["format_version"], int)
            and {"created_at", "alembic_revision", "document_key_included"} <= set(manifest)
            and isinstance(manifest["documents"], int)
            and manifest["database"]["kind"] in DATABASE_MEMBERS
            and all({"path", "size", "sha256"} <= set(entry) for entry in manifest["files"])
        )
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise BackupError("The archive's manifest.json is damaged. Nothing was restored.")
    if manifest["format_version"] > FORMAT_VERSION:
        raise BackupError("A newer version of the app made this archive: upgrade the app first.")
    return manifest


# --- extracting -----------------------------------------------------------------------------------


@contextmanager
def extracted(
    archive: Path, manifest: dict, *, snapshot_dir: Path, documents_dir: Path, written: list[Path]
) -> Iterator[tuple[Path, list[str]]]:
    """Second pass over the archive: the blobs into `documents_dir`, the snapshot into a temp file
    in `snapshot_dir`. Each member is checked against the manifest again as it is written, and
    everything written is added to `written`, for `remove_written` if the restore fails."""
    kind = manifest["database"]["kind"]
    listed = {entry["path"]: entry for entry in manifest["files"]}
    snapshot_dir.mkdir(parents=True, exist_ok=True)
    snapshot = private_temp(snapshot_dir, ".restore")
    blobs: list[str] = []
    try:
        try:
            with tarfile.open(archive, mode="r:*") as tar:
                for member in tar:
                    name = _member_name(member)
                    if name in (MANIFEST, KEY_MEMBER):
                        continue
                    if name not in listed:
                        raise BackupError(f"{archive} changed while it was being restored.")
                    source = tar.extractfile(member)
                    if name == DATABASE_MEMBERS[kind]:
                        with snapshot.open("wb") as out:
                            _copy_checked(source, out, listed[name])
                    elif name.startswith(f"{DOCUMENTS}/"):
                        relative = name.removeprefix(f"{DOCUMENTS}/")
                        _write_blob(source, documents_dir / relative, listed[name], written)
                        blobs.append(relative)
        except (tarfile.TarError, EOFError, zlib.error) as error:
            raise BackupError(f"{archive} could not be read again ({error}).") from None
        for path in written:
            if path.is_dir():
                storage.fsync_dir(path)
        yield snapshot, blobs
    finally:
        snapshot.unlink(missing_ok=True)


def _copy_checked(source: BinaryIO, out: BinaryIO, entry: dict) -> None:
    hashing = _Hashing(source)
    while chunk := hashing.read(_CHUNK):
        out.write(chunk)
    if (hashing.size, hashing.sha256.hexdigest()) != (entry["size"], entry["sha256"]):
        raise BackupError(f"{entry['path']} changed while the archive was being restored.")
    out.flush()
    os.fsync(out.fileno())


def _write_blob(source: BinaryIO, path: Path, entry: dict, written: list[Path]) -> None:
    _make_dirs(path.parent, written)
    partial = path.parent / f".{path.name}.part"
    written.append(partial)  # removed if the restore fails, under whichever name it has by then
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        _copy_checked(source, out, entry)
    if path.exists():
        raise BackupError(f"{path} appeared during the restore: is the app running?")
    os.replace(partial, path)
    written[-1] = path


def write_new(path: Path, data: bytes, written: list[Path]) -> None:
    """Write a file that must not exist yet (owner-only), adding it and new folders to `written`."""
    _make_dirs(path.parent, written)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    written.append(path)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _make_dirs(folder: Path, written: list[Path]) -> None:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700)
        written.append(path)


def remove_written(written: list[Path]) -> None:
    """Undo a failed restore: what it wrote goes, newest first (files before their folders)."""
    for path in reversed(written):
        if path.is_dir():
            with suppress(OSError):  # something else is in it now; leave it
                path.rmdir()
        else:
            path.unlink(missing_ok=True)


# --- files ----------------------------------------------------------------------------------------


def private_temp(folder: Path, suffix: str) -> Path:
    """A new empty file in `folder`, readable by the owner only."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=".case-desk-backup-", suffix=suffix)
    os.close(fd)
    return Path(name)
