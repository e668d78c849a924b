"""Benchmarks: `python -m bench.<name>`; each prints one JSON object as its last line."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def use_throwaway_database(name: str) -> Path:
    """Point the app at a fresh data folder and database; call before importing app modules.

    SQLite lives in the temporary folder; with DATABASE_URL set to PostgreSQL the bench gets
    its own schema there, dropped and created anew.
    """
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    os.environ["DATA_DIR"] = str(folder)
    os.environ.pop("SMTP_HOST", None)  # mail goes to the file outbox in the folder
    if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        import sqlalchemy as sa

        engine = sa.create_engine(os.environ["DATABASE_URL"])
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench"))
        engine.dispose()
        os.environ["DATABASE_URL"] += "?options=-csearch_path%3Dbench"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.db'}"
    return folder
