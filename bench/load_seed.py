"""The load benchmark's firm, in a database of its own: `python -m bench.load_seed SESSIONS`.

Run by `bench.load` in a child process, once per database, because the app reads
DATA_DIR and DATABASE_URL once per process. Importing `bench.dashboard` makes the
throw-away database (SQLite in a temporary folder, or a fresh schema in DATABASE_URL's
PostgreSQL) and gives its seeding: BENCH_CASES cases with their people, events,
receipts and deadlines. Then one staff account per simulated session, each with its
own password and a real Argon2 hash, since they sign in through the real form.
Prints one JSON object: the database, the data folder and the accounts.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import sys
import time
from datetime import UTC, datetime

from sqlmodel import SQLModel

from bench import dashboard  # first: its import points the app at a throw-away database
from immigration_app.services.db import get_engine
from immigration_app.services.passwords import hash_password
from immigration_app.services.schema import migrate_to_head

FIRST_ACCOUNT_ID = 1000  # after the firm's own 15 staff


def staff_accounts(sessions: int) -> list[dict]:
    """Attorneys (who see every case) and paralegals (who see theirs and the unassigned), alternating."""
    return [
        {
            "id": FIRST_ACCOUNT_ID + n,
            "email": f"load{n:03d}@bench.example",
            "password": secrets.token_urlsafe(16),
            "role": "attorney" if n % 2 == 0 else "paralegal",
        }
        for n in range(sessions)
    ]


def insert_accounts(accounts: list[dict]) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "id": account["id"],
            "email": account["email"],
            "full_name": f"Load Tester {n:03d}",
            "password_hash": hash_password(account["password"]),
            "role": account["role"],
            "is_active": True,
            "created_at": now,
        }
        for n, account in enumerate(accounts)
    ]
    with get_engine().begin() as db:
        db.execute(SQLModel.metadata.tables["app_user"].insert(), rows)


def main() -> None:
    sessions = int(sys.argv[1])
    migrate_to_head()
    started = time.perf_counter()
    dashboard.seed(random.Random(20261127))
    accounts = staff_accounts(sessions)
    insert_accounts(accounts)
    print(
        f"seeded {dashboard.CASES} cases in {time.perf_counter() - started:.0f}s", file=sys.stderr
    )
    print(
        json.dumps(
            {
                "database_url": os.environ["DATABASE_URL"],
                "data_dir": os.environ["DATA_DIR"],
                "cases": dashboard.CASES,
                "accounts": accounts,
            }
        )
    )


if __name__ == "__main__":
    main()
