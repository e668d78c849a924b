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


def insert_firm(db, *, attorneys: int, paralegals: int, extra_staff: list[dict] | None = None):
    """The bench firm's settings and staff (ids 1.., attorneys first), by bulk insert.

    Call after `use_throwaway_database` and after the app's models are imported.
    """
    from datetime import UTC, datetime

    from sqlmodel import SQLModel

    tables = SQLModel.metadata.tables
    now = datetime.now(UTC)
    db.execute(
        tables["firm_settings"].insert(),
        [
            {
                "name": "Bench firm",
                "address": "",
                "time_zone": "America/Chicago",
                "date_format": "MM/DD/YYYY",
            }
        ],
    )
    staff = [
        {
            "id": n,
            "email": f"staff{n}@bench.example",
            "full_name": f"Staff Member {n:02d}",
            "password_hash": "x",
            "role": "attorney" if n <= attorneys else "paralegal",
            "is_active": True,
            "created_at": now,
        }
        for n in range(1, attorneys + paralegals + 1)
    ]
    db.execute(tables["app_user"].insert(), staff + (extra_staff or []))
