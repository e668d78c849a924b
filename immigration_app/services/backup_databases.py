"""The database side of backup and restore: a consistent snapshot of SQLite or PostgreSQL, and
putting one back into an empty database.

Kept apart from the archive format and from the order a backup runs in, because this is where the
two databases differ: sqlite3's online backup API against pg_dump/pg_restore, a file against a
schema. Each snapshot is consistent while the app writes, so a backup never stops the app.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError

from immigration_app.services.backup_archive import DATABASE_MEMBERS, BackupError
from immigration_app.services.db import engine_for
from immigration_app.services.schema import alembic_config
from immigration_app.services.storage import fsync_dir


def database_kind(url: str) -> str:
    backend = sa.engine.make_url(url).get_backend_name()
    if backend not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {backend}.")
    return backend


# --- snapshots ------------------------------------------------------------------------------------


def snapshot_sqlite(url: str, target: Path) -> dict:
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"There is no database at {source} to back up.")
    try:
        with (
            closing(sqlite3.connect(source, timeout=30)) as live,
            closing(sqlite3.connect(target)) as copy,
        ):
            live.backup(copy)  # in one step: a consistent snapshot, even while others write
            # One self-contained file, not a WAL database that needs its -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
            revision = _sqlite_revision(copy)
    except sqlite3.Error as error:
        raise BackupError(f"The database {source} could not be copied ({error}).") from None
    return {"kind": "sqlite", "alembic_revision": revision}


def snapshot_postgresql(url: str, target: Path) -> dict:
    with _pg_connection(url) as connection:
        schema = _pg_schema(connection)
        revision = MigrationContext.configure(connection).get_current_revision()
        server = connection.execute(sa.text("SHOW server_version")).scalar()
    quoted = '"' + schema.replace('"', '""') + '"'  # a pattern, and "..." makes it literal
    options = ["--format=custom", f"--schema={quoted}", "--no-owner", "--no-privileges"]
    _run_pg_tool("pg_dump", [*options, f"--file={target}"], url)
    return {
        "kind": "postgresql",
        "alembic_revision": revision,
        "schema": schema,
        "server_version": server,
        "pg_dump_version": _tool_version("pg_dump"),
    }


# --- before a restore -----------------------------------------------------------------------------


def require_known_revision(revision: str | None) -> None:
    if revision is None:
        return  # a database from before the first migration: migrate_to_head builds it
    try:
        known = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except (CommandError, RevisionError):
        known = None
    if known is None or known.revision != revision:
        raise BackupError(
            f"This archive's database is at revision {revision}, which this version of the app "
            "does not know: it was made by a newer version. Upgrade the app, then restore."
        )


def require_empty_database(url: str, kind: str, archived: dict) -> dict:
    """Refuses a database that has tables; for PostgreSQL, returns where the schema goes."""
    if kind == "sqlite":
        path = sqlite_path(url)
        if path.exists():
            try:
                with closing(sqlite3.connect(path, timeout=30)) as connection:
                    (tables,) = connection.execute(
                        "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view')"
                    ).fetchone()
            except sqlite3.DatabaseError:
                tables = -1  # not a database at all: not ours to replace either
            if tables:
                raise BackupError(
                    f"The database {path} already has tables. Restore only into an empty "
                    "database (and an empty DATA_DIR); nothing was changed."
                )
        return {}
    with _pg_connection(url) as connection:
        target = _pg_schema(connection)
        relations = connection.execute(
            sa.text(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
            ),
            {"schema": target},
        ).scalar()
        schemas = set(connection.execute(sa.text("SELECT nspname FROM pg_namespace")).scalars())
    if relations:
        raise BackupError(
            f"The database schema {target} already has tables. Restore only into an empty "
            "schema (and an empty DATA_DIR); nothing was changed."
        )
    source = archived["schema"]
    if source != target and source in schemas:
        # pg_dump names every object with its schema, so the archive can only be restored under
        # its own schema name and renamed afterwards, and here that name is taken.
        raise BackupError(
            f"The archive's schema {source} exists in this database, so it cannot be restored "
            f"into {target} here. Restore into another database; nothing was changed."
        )
    return {"source": source, "target": target, "target_exists": target in schemas}


# --- restores -------------------------------------------------------------------------------------


def restore_sqlite(snapshot: Path, url: str) -> None:
    target = sqlite_path(url)
    # The target has no tables (checked); a stale -wal beside it would be replayed into ours.
    for suffix in ("-wal", "-shm", "-journal"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    os.replace(snapshot, target)
    fsync_dir(target.parent)


def restore_postgresql(snapshot: Path, url: str, plan: dict) -> None:
    """pg_restore into the empty schema `plan` names (from `require_empty_database`)."""
    source, target = plan["source"], plan["target"]
    options = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    with tempfile.TemporaryDirectory() as scratch:
        if source == target and plan["target_exists"]:
            # The schema is there already (empty): restore what is in it, not the schema itself.
            listing = _run_pg_tool("pg_restore", ["--list", str(snapshot)], None)
            entry = re.compile(rf"^\d+; \d+ \d+ (SCHEMA - |COMMENT - SCHEMA ){re.escape(source)} ")
            kept = [line for line in listing.splitlines() if not entry.match(line)]
            use_list = Path(scratch) / "toc.list"
            use_list.write_text("\n".join(kept) + "\n")
            options.append(f"--use-list={use_list}")
        _run_pg_tool("pg_restore", [*options, str(snapshot)], url)
    if source == target:
        return
    engine = engine_for(url)
    quote = engine.dialect.identifier_preparer.quote
    try:
        with engine.begin() as connection:
            if plan["target_exists"]:
                connection.execute(sa.text(f"DROP SCHEMA {quote(target)} RESTRICT"))
            connection.execute(sa.text(f"ALTER SCHEMA {quote(source)} RENAME TO {quote(target)}"))
    except BaseException:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {quote(source)} CASCADE"))
        raise
    finally:
        engine.dispose()


# --- connections and tools ------------------------------------------------------------------------


def sqlite_path(url: str) -> Path:
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Backups need the SQLite database in a file (DATABASE_URL).")
    return Path(database).resolve()


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if not exists:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


@contextmanager
def _pg_connection(url: str) -> Iterator[sa.Connection]:
    try:
        with engine_for(url).connect() as connection:
            yield connection
    except sa.exc.OperationalError as error:
        where = sa.engine.make_url(url)
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise BackupError(
            f"Cannot reach the database {where.database} on {where.host}: {reason}"
        ) from None


def _pg_schema(connection: sa.Connection) -> str:
    """The schema the app's tables live in: the first one on the search_path (DATABASE_URL's
    `options=-csearch_path=...`, else the server's default), even if it does not exist yet."""
    schema = connection.execute(sa.text("SELECT current_schema()")).scalar()
    if schema:
        return schema
    search_path = connection.execute(sa.text("SHOW search_path")).scalar() or ""
    for part in search_path.split(","):
        name = part.strip().strip('"')
        if name and name != "$user":
            return name
    return "public"


def _conninfo(url: str) -> tuple[str, str | None]:
    """libpq's key=value form of DATABASE_URL, and the password apart (kept off the command
    line, where any local user could read it)."""
    parts = sa.engine.make_url(url)
    params = {"host": parts.host, "port": parts.port, "user": parts.username}
    params["dbname"] = parts.database
    for name, value in parts.query.items():
        params[name] = value if isinstance(value, str) else value[-1]
    quoted = (
        f"{name}='" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"
        for name, value in params.items()
        if value is not None
    )
    return " ".join(quoted), parts.password


def _run_pg_tool(tool: str, arguments: list[str], url: str | None) -> str:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            f"{tool} was not found. Install PostgreSQL's client tools, the server's version or "
            "newer (Debian: apt-get install postgresql-client)."
        )
    command, env = [executable, *arguments], None
    if url is not None:
        conninfo, password = _conninfo(url)
        command.append(f"--dbname={conninfo}")
        if password:
            env = {**os.environ, "PGPASSWORD": password}
    result = subprocess.run(  # noqa: S603  (our own arguments, no shell)
        command, capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def _tool_version(tool: str) -> str:
    return _run_pg_tool(tool, ["--version"], None).strip()
