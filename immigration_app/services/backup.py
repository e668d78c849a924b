"""Backup and restore: one archive with a consistent database snapshot and every document blob.

This module holds the order things happen in, and the checks that keep a restore from leaving the
documents unreadable; the archive's format is in backup_archive, the databases in backup_databases.

The database says which documents exist, and a blob is never changed once written. So the snapshot
is taken first (sqlite3's online backup API, or pg_dump: both consistent while the app writes) and
the blobs are copied after it: every blob the snapshot names is on disk by then, and a newer blob
that no row names yet is harmless. The archive's manifest lists every file with its size and
SHA-256, and a restore checks them all before it writes anything.

The document key stays out of the archive unless asked for: with the key, the archive opens every
document, so the key belongs in a separate, safer place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import SQLModel

from immigration_app import models  # noqa: F401  (registers every table, for the blob columns)
from immigration_app.services import storage
from immigration_app.services.backup_archive import (
    BackupError,
    extracted,
    private_temp,
    remove_written,
    verify_archive,
    write_archive,
    write_new,
)
from immigration_app.services.backup_databases import (
    database_kind,
    require_empty_database,
    require_known_revision,
    restore_postgresql,
    restore_sqlite,
    snapshot_postgresql,
    snapshot_sqlite,
    sqlite_path,
)
from immigration_app.services.db import engine_for, session_scope
from immigration_app.services.schema import current_revision, migrate_to_head
from immigration_app.settings import Settings, get_settings

_SUFFIXES = (".tar", ".tar.gz", ".tgz")
_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class BackupResult:
    path: Path
    database_kind: str
    documents: int
    size_bytes: int
    key_included: bool


@dataclass(frozen=True)
class RestoreResult:
    database_kind: str
    documents: int  # blobs restored
    key_restored: bool
    archived_revision: str | None
    revision: str | None  # after migrating to this version's head
    blobs_checked: int  # distinct blob names the database refers to
    problems: list[str] = field(default_factory=list)  # referenced blobs missing or unreadable


# --- backup ---------------------------------------------------------------------------------------


def create_backup(*, output: Path | None = None, include_key: bool = False) -> BackupResult:
    """Write the archive to `output` (a .tar/.tar.gz file, or a folder for a dated .tar)."""
    settings = get_settings()
    kind = database_kind(settings.database_url)
    final = _archive_path(output)
    if final.exists():
        raise BackupError(f"{final} already exists. Choose another name; backups are not replaced.")
    if not final.parent.is_dir():
        raise BackupError(f"The folder {final.parent} does not exist.")
    # Both temporary files sit beside the archive, are readable by the owner only (the snapshot
    # holds every client's details in clear) and go away whatever happens.
    snapshot = private_temp(final.parent, ".snapshot")
    partial = private_temp(final.parent, ".part")
    try:
        if kind == "sqlite":
            database = snapshot_sqlite(settings.database_url, snapshot)
        else:
            database = snapshot_postgresql(settings.database_url, snapshot)
        blobs = _stored_blobs(settings)  # listed after the snapshot, on purpose
        key = storage.key_text(storage.document_key(settings)) if include_key else None
        archived = write_archive(
            partial,
            compressed=final.name.endswith((".tar.gz", ".tgz")),
            database=database,
            snapshot=snapshot,
            documents_dir=settings.documents_dir,
            blobs=blobs,
            key=key,
        )
        if final.exists():
            raise BackupError(f"{final} appeared while the backup ran; it was left alone.")
        os.replace(partial, final)
        storage.fsync_dir(final.parent)
    except OSError as error:  # a full disk, say: a sentence, not a stack trace
        raise BackupError(
            f"The backup could not be written ({error}). No archive was made."
        ) from None
    finally:
        snapshot.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return BackupResult(
        path=final,
        database_kind=kind,
        documents=archived,
        size_bytes=final.stat().st_size,
        key_included=include_key,
    )


def _archive_path(output: Path | None) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    default_name = f"case-desk-backup-{stamp}.tar"
    if output is None:
        return Path.cwd() / default_name
    output = output.expanduser().resolve()
    if output.is_dir():
        return output / default_name
    if not output.name.endswith(_SUFFIXES):
        raise BackupError(f"The archive's name must end in .tar or .tar.gz, not {output.name!r}.")
    return output


def _stored_blobs(settings: Settings) -> list[str]:
    """Every blob in DATA_DIR/documents; uploads in progress (storage's staging folder) are not
    part of a backup."""
    root = settings.documents_dir
    if not root.is_dir():
        return []
    names = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if relative.parts[0] != storage.STAGING_DIR and path.is_file() and not path.is_symlink():
            names.append(relative.as_posix())
    return sorted(names)


# --- restore --------------------------------------------------------------------------------------


def restore_backup(*, archive: Path) -> RestoreResult:
    """Restore into the configured DATA_DIR and database, which must both be empty (and the app
    stopped). Refusals raise BackupError; documents the restored database names but that are
    missing or do not open are listed in the result's `problems`."""
    settings = get_settings()
    kind = database_kind(settings.database_url)
    if not archive.exists():
        raise BackupError(f"There is no archive at {archive}.")
    _require_empty_data_dir(settings)
    manifest, archived_key = verify_archive(archive)  # reads it all; writes nothing
    archived_kind = manifest["database"]["kind"]
    if archived_kind != kind:
        raise BackupError(
            f"This archive holds a {_NAMES[archived_kind]} database and DATABASE_URL points to "
            f"{_NAMES[kind]}: restore it into {_NAMES[archived_kind]}."
        )
    require_known_revision(manifest["alembic_revision"])
    key_to_write = _check_key(settings, archived_key, has_documents=manifest["documents"] > 0)
    plan = require_empty_database(settings.database_url, kind, manifest["database"])
    written: list[Path] = []
    try:
        if key_to_write is not None:
            write_new(settings.document_key_file, key_to_write, written)
        # SQLite's snapshot is unpacked beside the database, so putting it in place is a rename.
        folder = (
            sqlite_path(settings.database_url).parent if kind == "sqlite" else settings.data_dir
        )
        with extracted(
            archive,
            manifest,
            snapshot_dir=folder,
            documents_dir=settings.documents_dir,
            written=written,
        ) as (dump, blobs):
            _require_key_opens(blobs, settings)
            if kind == "sqlite":
                restore_sqlite(dump, settings.database_url)
            else:
                restore_postgresql(dump, settings.database_url, plan)
    except BaseException as error:
        remove_written(written)
        if isinstance(error, OSError):
            raise BackupError(f"The restore failed ({error}); what it wrote was removed.") from None
        raise
    engine_for(settings.database_url).dispose()  # no pooled connection to what was there before
    try:
        migrate_to_head()
    except Exception as error:
        raise BackupError(
            f"The archive was restored, but bringing its database up to date failed ({error}). "
            "Fix the cause, then run: immigration-app migrate"
        ) from error
    checked, problems = check_document_blobs()
    return RestoreResult(
        database_kind=kind,
        documents=len(blobs),
        key_restored=key_to_write is not None,
        archived_revision=manifest["alembic_revision"],
        revision=current_revision(settings.database_url),
        blobs_checked=checked,
        problems=problems,
    )


def _check_key(settings: Settings, archived: bytes | None, *, has_documents: bool) -> bytes | None:
    """The key text to write as DATA_DIR/document.key, if any. Refuses a restore that would leave
    the documents unreadable: no key anywhere, or a different key already in place."""
    key_file = settings.document_key_file
    if archived is None:
        no_key = settings.document_key is None and not key_file.exists()
        if no_key and has_documents:
            raise BackupError(
                "This archive does not hold the document key. Set DOCUMENT_KEY, or copy the "
                f"firm's document.key to {key_file}, then restore again. Nothing was restored."
            )
        return None
    key = storage.key_from_text(archived)
    if key is None:
        raise BackupError("The archive's document.key does not hold a key. Nothing was restored.")
    if settings.document_key is not None and settings.document_key != key:
        raise BackupError(
            "DOCUMENT_KEY is set to another key than the one in this archive, so the restored "
            "documents would not open. Unset DOCUMENT_KEY or set it to the archived key."
        )
    if not key_file.exists():
        return storage.key_text(key)
    try:
        present = storage.document_key(replace(settings, document_key=None))  # the file's key
    except ValueError:
        present = None
    if present != key:
        raise BackupError(
            f"{key_file} holds another key than this archive. Move it away, then restore again."
        )
    return None


def _require_empty_data_dir(settings: Settings) -> None:
    documents = settings.documents_dir
    if documents.is_dir() and any(path.is_file() for path in documents.rglob("*")):
        raise BackupError(
            f"{settings.data_dir} already holds documents. Restore only into an empty DATA_DIR "
            "(and an empty database); nothing was changed."
        )


def _require_key_opens(blobs: list[str], settings: Settings) -> None:
    """At least one archived document decrypts, or the key in place is the wrong one."""
    if not blobs:
        return
    for name in blobs:
        if _blob_problem(name, settings) is None:
            return
    raise BackupError(
        "The document key (DOCUMENT_KEY or document.key) does not open the archived documents: "
        "it is not the key they were stored with. Nothing was restored."
    )


# --- after a restore ------------------------------------------------------------------------------


def blob_columns() -> list[sa.Column]:
    """Every column naming a document blob: the models call them blob_name or <what>_blob_name."""
    return [
        column
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if column.name.endswith("blob_name")
    ]


def check_document_blobs() -> tuple[int, list[str]]:
    """(blob names the database refers to, a sentence for each that is missing or won't open)."""
    settings = get_settings()
    referenced: dict[str, str] = {}
    with session_scope() as session:
        for column in blob_columns():
            query = sa.select(column).where(column.is_not(None), column != "").distinct()
            for name in session.execute(query).scalars():
                referenced.setdefault(name, f"{column.table.name}.{column.name}")
    problems = []
    for name, where in sorted(referenced.items()):
        problem = _blob_problem(name, settings)
        if problem is not None:
            problems.append(f"{where} {name}: {problem}")
    return len(referenced), problems


def _blob_problem(name: str, settings: Settings) -> str | None:
    try:
        for _ in storage.read_blob(name, settings=settings):
            pass
    except FileNotFoundError:
        return "missing"
    except storage.DocumentCorrupt:
        return "does not decrypt with the document key (damaged, or stored with another key)"
    except ValueError:
        return "not a document blob name"
    return None
