"""Test settings: a throw-away DATA_DIR, and a database of our own.

Without DATABASE_URL the tests use a SQLite file in a temporary folder. With
DATABASE_URL pointing at PostgreSQL (as CI does), unit tests and browser tests
each get their own schema in that database, created afresh for the run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import sqlalchemy as sa

_RUN_DIR = Path(tempfile.mkdtemp(prefix="immigration-tests-"))
# Read once, before any test module points DATABASE_URL at its own schema.
_BASE_DATABASE_URL = os.environ.get("DATABASE_URL", "")


def database_url_for(purpose: str) -> str:
    """A database for `purpose` (unit, e2e): its own SQLite file, or its own PostgreSQL schema."""
    base = _BASE_DATABASE_URL
    if not base.startswith("postgresql"):
        return f"sqlite:///{_RUN_DIR / f'{purpose}.db'}"
    engine = sa.create_engine(base)
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {purpose} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {purpose}"))
    engine.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{purpose}"


def data_dir_for(purpose: str) -> Path:
    path = _RUN_DIR / f"data-{purpose}"
    path.mkdir(exist_ok=True)
    return path
