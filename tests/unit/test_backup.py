"""Backup and restore, round trip on whichever database this run uses (SQLite, or PostgreSQL when
DATABASE_URL says so): a firm is seeded in a place of its own, backed up while another thread
keeps writing, and restored into a fresh, empty place."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel, select
from typer.testing import CliRunner

from immigration_app.cli import app
from immigration_app.models import CaseChecklistItem, CaseEvent, CaseNote
from immigration_app.services import storage
from immigration_app.services.backup import (
    BackupError,
    blob_columns,
    create_backup,
    restore_backup,
)
from immigration_app.services.cases import add_note
from immigration_app.services.db import engine_for, session_scope
from immigration_app.services.documents import add_staff_file
from immigration_app.services.schema import alembic_config, migrate_to_head
from immigration_app.settings import Settings, get_settings
from tests.conftest import data_dir_for, database_url_for
from tests.factories import make_case, make_viewer
from tests.files import jpeg_bytes, pdf_bytes

KIND = "postgresql" if get_settings().database_url.startswith("postgresql") else "sqlite"
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
runner = CliRunner()


@dataclass(frozen=True)
class Place:
    """Where one installation keeps its data: a database (file or schema) and a DATA_DIR."""

    database_url: str
    data_dir: Path


_PLACES: list[Place] = []


def fresh_place(purpose: str) -> Place:
    """A new, empty SQLite file or PostgreSQL schema named `purpose`, and an empty DATA_DIR."""
    place = Place(database_url_for(purpose), data_dir_for(purpose))
    _PLACES.append(place)
    return place


def drop_database(place: Place) -> None:
    """The old server is gone. (A PostgreSQL archive restores under its own schema name and is
    renamed after, so that name must be free in the target database.)"""
    engine_for(place.database_url).dispose()
    if place.database_url.startswith("postgresql"):
        schema = place.database_url.rsplit("%3D", 1)[1]
        with engine_for(place.database_url).begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine_for(place.database_url).dispose()
    else:
        Path(sa.engine.make_url(place.database_url).database).unlink(missing_ok=True)


@contextmanager
def using(place: Place, *, document_key: str | None = None) -> Iterator[Settings]:
    """Point the app's settings and engine at `place` for the block, then back where they were."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", place.database_url)
        patch.setenv("DATA_DIR", str(place.data_dir))
        if document_key:
            patch.setenv("DOCUMENT_KEY", document_key)
        else:
            patch.delenv("DOCUMENT_KEY", raising=False)
        get_settings.cache_clear()
        try:
            yield get_settings()
        finally:
            engine_for(place.database_url).dispose()
            get_settings.cache_clear()


@pytest.fixture(scope="module", autouse=True)
def _drop_our_schemas() -> Iterator[None]:
    yield
    for place in _PLACES:
        drop_database(place)


def row_counts() -> dict[str, int]:
    with session_scope() as session:
        return {
            table.name: session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


def referenced_blobs() -> set[str]:
    with session_scope() as session:
        return {
            name
            for column in blob_columns()
            for name in session.execute(sa.select(column)).scalars()
            if name
        }


def upload(session, actor, case, data: bytes, name: str):
    item = session.exec(
        select(CaseChecklistItem).where(
            CaseChecklistItem.case_id == case.id, CaseChecklistItem.code == "green-card"
        )
    ).one()
    staged_upload = storage.start_upload(name)
    staged_upload.write(data)
    staged = staged_upload.finish()
    try:
        return add_staff_file(
            session, actor=actor, reference=case.reference, item_id=item.id, staged=staged
        )
    finally:
        staged.temp_path.unlink(missing_ok=True)


def seed_firm():
    """Staff, a case and a photo of a green card (stored as the photo and a one-page PDF)."""
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        case = make_case(session, actor=attorney)
        upload(session, attorney, case, jpeg_bytes(), "card.jpg")
    return attorney, case


class Writer(threading.Thread):
    """The app at work: notes on the case, and now and then another upload."""

    def __init__(self, attorney, case):
        super().__init__(daemon=True)
        self.attorney, self.case = attorney, case
        self.stop, self.started_writing = threading.Event(), threading.Event()
        self.rounds, self.error = 0, None

    def run(self) -> None:
        try:
            while not self.stop.is_set() and self.rounds < 500:
                with session_scope() as session:
                    add_note(
                        session, actor=self.attorney, reference=self.case.reference, body="Called"
                    )
                    if self.rounds % 3 == 0:
                        upload(session, self.attorney, self.case, pdf_bytes(), "scan.pdf")
                self.rounds += 1
                if self.rounds >= 3:
                    self.started_writing.set()
        except Exception as error:  # reported by the test, not lost in the thread
            self.error = error
            self.started_writing.set()


@dataclass(frozen=True)
class Firm:
    busy: Path  # without the key, taken while the Writer ran
    quiet: Path  # with the key (.tar.gz), taken afterwards
    key_text: str
    counts_before_busy: dict[str, int]
    counts_after_busy: dict[str, int]
    counts: dict[str, int]  # when `quiet` was taken
    documents: dict[str, bytes]  # every referenced blob, decrypted


@pytest.fixture(scope="module")
def firm(tmp_path_factory) -> Firm:
    folder = tmp_path_factory.mktemp("backups")
    source = fresh_place("backup_src")
    with using(source) as settings:
        migrate_to_head()
        attorney, case = seed_firm()
        counts_before_busy = row_counts()
        writer = Writer(attorney, case)
        writer.start()
        try:
            assert writer.started_writing.wait(60)
            busy = create_backup(output=folder / "busy.tar").path
        finally:
            writer.stop.set()
            writer.join(60)
        assert writer.error is None, writer.error
        counts_after_busy = row_counts()
        quiet = create_backup(output=folder / "quiet.tar.gz", include_key=True).path
        documents = {name: storage.read_all(name) for name in referenced_blobs()}
        key_text = settings.document_key_file.read_text().strip()
        counts = row_counts()
    drop_database(source)
    return Firm(busy, quiet, key_text, counts_before_busy, counts_after_busy, counts, documents)


def is_empty(place: Place) -> bool:
    documents = place.data_dir / "documents"
    if documents.exists() and any(path.is_file() for path in documents.rglob("*")):
        return False
    if (place.data_dir / "document.key").exists():
        return False
    url = sa.engine.make_url(place.database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database).exists():
        return True
    with using(place), engine_for(place.database_url).connect() as connection:
        return not sa.inspect(connection).get_table_names()


# --- the archive ----------------------------------------------------------------------------------


def test_an_archive_holds_the_snapshot_every_blob_and_checksums_but_not_the_key(firm):
    with tarfile.open(firm.busy) as tar:
        members = {member.name: tar.extractfile(member).read() for member in tar}
    manifest = json.loads(members.pop("manifest.json"))
    assert (manifest["format"], manifest["format_version"]) == ("case-desk-backup", 1)
    assert datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    assert (manifest["alembic_revision"], manifest["database"]["kind"]) == (HEAD, KIND)
    assert manifest["document_key_included"] is False
    assert "document.key" not in members
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(members)
    for name, data in members.items():
        assert (listed[name]["size"], listed[name]["sha256"]) == (
            len(data),
            hashlib.sha256(data).hexdigest(),
        )
    blobs = {name for name in members if name.startswith("documents/")}
    assert manifest["documents"] == len(blobs) >= 2
    assert not any(b"%PDF" in data or b"JFIF" in data for data in members.values())  # encrypted
    assert firm.busy.stat().st_mode & 0o777 == 0o600

    with tarfile.open(firm.quiet, mode="r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        assert tar.extractfile("document.key").read().decode().strip() == firm.key_text
    assert manifest["document_key_included"] is True


def test_no_half_written_archive_is_left_and_none_is_replaced(firm, tmp_path):
    source = fresh_place("backup_src_small")
    with using(source):
        migrate_to_head()
        with pytest.raises(BackupError, match="already exists"):
            create_backup(output=firm.busy)
        with pytest.raises(BackupError, match=r"\.tar or \.tar\.gz"):
            create_backup(output=tmp_path / "backup.zip")
        made = create_backup(output=tmp_path)
    assert made.path.parent == tmp_path and made.path.name.endswith(".tar")
    assert [path.name for path in tmp_path.iterdir()] == [made.path.name]  # no temp files left


# --- restoring ------------------------------------------------------------------------------------


def test_a_round_trip_restores_every_row_the_key_and_each_documents_bytes(firm):
    target = fresh_place("backup_dst_quiet")
    with using(target) as settings:
        result = restore_backup(archive=firm.quiet)
        assert (result.problems, result.key_restored) == ([], True)
        assert (result.archived_revision, result.revision) == (HEAD, HEAD)
        assert result.blobs_checked == len(firm.documents)
        assert row_counts() == firm.counts
        assert settings.document_key_file.stat().st_mode & 0o777 == 0o600
        assert settings.document_key_file.read_text().strip() == firm.key_text
        for name, data in firm.documents.items():
            assert storage.read_all(name) == data
        assert jpeg_bytes() in firm.documents.values()


def test_a_backup_taken_while_the_app_writes_restores_with_every_document(firm):
    target = fresh_place("backup_dst_busy")
    with using(target, document_key=firm.key_text) as settings:
        result = restore_backup(archive=firm.busy)
        assert (result.problems, result.key_restored) == ([], False)
        assert not settings.document_key_file.exists()
        counts = row_counts()
        for table, count in counts.items():
            assert firm.counts_before_busy[table] <= count <= firm.counts_after_busy[table]
        # A note and its event are written in one transaction: the snapshot has both or neither.
        with session_scope() as session:
            notes = len(session.exec(select(CaseNote)).all())
            note_events = session.exec(select(CaseEvent).where(CaseEvent.kind == "note_added"))
            assert notes == len(note_events.all())
        assert referenced_blobs() <= set(firm.documents)


def test_without_a_key_anywhere_restore_is_refused_and_writes_nothing(firm):
    target = fresh_place("backup_dst_nokey")
    with using(target), pytest.raises(BackupError, match="does not hold the document key"):
        restore_backup(archive=firm.busy)
    assert is_empty(target)


def test_the_firms_key_file_put_in_data_dir_first_opens_the_restored_documents(firm):
    target = fresh_place("backup_dst_keyfile")
    key_file = target.data_dir / "document.key"
    key_file.write_text(firm.key_text + "\n")
    key_file.chmod(0o600)
    with using(target):
        result = restore_backup(archive=firm.busy)
        assert result.problems == []
        assert result.blobs_checked >= 2


def test_a_wrong_key_is_refused_and_what_was_written_is_removed(firm):
    target = fresh_place("backup_dst_wrongkey")
    other_key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with using(target, document_key=other_key), pytest.raises(BackupError, match="does not open"):
        restore_backup(archive=firm.busy)
    assert is_empty(target)
    assert not any((target.data_dir / "documents").rglob("*"))


def test_a_tampered_archive_is_refused_before_anything_is_written(firm, tmp_path):
    tampered = tmp_path / "tampered.tar"
    shutil.copy(firm.busy, tampered)
    with tarfile.open(tampered) as tar:
        blob = next(member for member in tar if member.name.startswith("documents/"))
    with tampered.open("r+b") as archive:
        archive.seek(blob.offset_data + 40)
        byte = archive.read(1)
        archive.seek(blob.offset_data + 40)
        archive.write(bytes([byte[0] ^ 0x01]))
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(firm.busy.read_bytes()[: firm.busy.stat().st_size // 2])

    target = fresh_place("backup_dst_tampered")
    with using(target, document_key=firm.key_text):
        with pytest.raises(BackupError, match=f"do not match their checksum.*{blob.name}"):
            restore_backup(archive=tampered)
        with pytest.raises(BackupError, match="incomplete"):
            restore_backup(archive=truncated)
    assert is_empty(target)


def test_restore_refuses_a_data_dir_with_documents_or_a_database_with_tables(firm):
    with_documents = fresh_place("backup_dst_docs")
    stray = with_documents.data_dir / "documents" / "ab" / ("ab" + "0" * 30 + ".bin")
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"someone else's document")
    with (
        using(with_documents, document_key=firm.key_text),
        pytest.raises(BackupError, match="already holds documents"),
    ):
        restore_backup(archive=firm.busy)

    with_tables = fresh_place("backup_dst_tables")
    with using(with_tables, document_key=firm.key_text):
        migrate_to_head()
        with pytest.raises(BackupError, match="already has tables"):
            restore_backup(archive=firm.busy)
        assert not (with_tables.data_dir / "documents").exists()


def test_an_archive_from_an_older_version_is_migrated_and_one_from_a_newer_is_refused(tmp_path):
    source = fresh_place("backup_src_old")
    with using(source):
        command.upgrade(alembic_config(), "0006")
        old = create_backup(output=tmp_path / "old.tar").path
    drop_database(source)

    newer = tmp_path / "newer.tar"
    with tarfile.open(old) as tar, tarfile.open(newer, mode="w") as out:
        for member in tar:
            data = tar.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["alembic_revision"] = "9999_from_the_future"
                data = json.dumps(manifest).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))

    target = fresh_place("backup_dst_old")
    with using(target):
        with pytest.raises(BackupError, match="made by a newer version"):
            restore_backup(archive=newer)
        result = restore_backup(archive=old)  # no documents, so no key is needed
        assert (result.archived_revision, result.revision) == ("0006", HEAD)
        assert row_counts()  # every table of this version is there


def test_an_archive_restores_only_into_the_same_kind_of_database(firm, tmp_path):
    other_url = (
        f"sqlite:///{tmp_path / 'other.db'}"
        if KIND == "postgresql"
        else "postgresql+psycopg://nobody@127.0.0.1:1/nothing"
    )
    other = Place(other_url, tmp_path / "data")
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    with (
        using(other, document_key=firm.key_text),
        pytest.raises(BackupError, match=f"holds a {names[KIND]} database"),
    ):
        restore_backup(archive=firm.busy)
    assert not (tmp_path / "other.db").exists()
    assert not any((tmp_path / "data").rglob("*.bin"))


# --- the command line -----------------------------------------------------------------------------


def test_the_cli_backs_up_and_restores_and_warns_about_an_archived_key(tmp_path):
    source = fresh_place("backup_cli_src")
    with using(source):
        migrate_to_head()
        seed_firm()
        plain = runner.invoke(app, ["backup", "--output", str(tmp_path)])
        assert plain.exit_code == 0, plain.output
        assert "Backup written to" in plain.output
        assert "2 document file(s)" in plain.output
        assert "WARNING" not in plain.output
        assert "The document key is not in it" in plain.output

        keyed = tmp_path / "with-key.tar.gz"
        with_key = runner.invoke(app, ["backup", "-o", str(keyed), "--include-key"])
        assert with_key.exit_code == 0, with_key.output
        assert "WARNING: this archive holds the document key" in with_key.output

        again = runner.invoke(app, ["backup", "-o", str(keyed)])
        assert again.exit_code == 1
        assert "already exists" in again.output
    drop_database(source)

    # A new server with the same database (schema) name, the usual case: nothing to rename.
    target = Place(database_url_for("backup_cli_src"), tmp_path / "new-server")
    with using(target):
        restored = runner.invoke(app, ["restore", str(keyed)])
        assert restored.exit_code == 0, restored.output
        assert "with the document key" in restored.output
        assert "All 2 documents the database names are present and open." in restored.output
        refused = runner.invoke(app, ["restore", str(keyed)])
        assert refused.exit_code == 1
        assert "already holds documents" in refused.output
        missing = runner.invoke(app, ["restore", str(tmp_path / "nothing.tar")])
        assert missing.exit_code == 1
        assert "There is no archive" in missing.output
