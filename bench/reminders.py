"""The reminder sweep at firm scale: does its cost depend only on what is due?

Seeds open deadlines with four reminder occurrences each (30, 14, 7 and 1 days before) on
cases with an attorney and a paralegal, and keeps 1% of the occurrences due. A sweep works
in batches (REMINDERS_PER_BATCH due occurrences claimed and turned into messages, then up
to MESSAGES_PER_BATCH messages delivered to the file outbox, each outcome committed); this
times one batch end to end at 10,000 and at 100,000 deadlines in the same database, so the
two figures show whether not-yet-due rows cost anything. Then one whole sweep drains the
due backlog and reports messages per second. Baseline: the bare indexed SELECT of one batch
of due ids through the driver. Last line: one JSON object.

    python -m bench.reminders            # SQLite in a temporary folder
    DATABASE_URL=postgresql+psycopg://... python -m bench.reminders   (a throw-away schema)
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta

from bench import insert_firm, use_throwaway_database

SMALL, LARGE = 10_000, int(os.environ.get("BENCH_DEADLINES", "100000"))
LEADS = (30, 14, 7, 1)
DUE_SHARE = 0.01
SWEEPS = 7
DEADLINES_PER_CASE = 5

_TMP = use_throwaway_database("reminders")

import sqlalchemy as sa  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from immigration_app.models import utcnow  # noqa: E402
from immigration_app.services.db import get_engine  # noqa: E402
from immigration_app.services.schema import migrate_to_head  # noqa: E402
from immigration_app.services.sweep import (  # noqa: E402
    MESSAGES_PER_BATCH,
    REMINDERS_PER_BATCH,
    sweep,
    sweep_batch,
)


def _table(name: str) -> sa.Table:
    return SQLModel.metadata.tables[name]


def seed_deadlines(db, first: int, last: int) -> None:
    """Deadlines first..last (ids), five per case, each with four pending occurrences."""
    now, today = datetime.now(UTC), date.today()
    for start in range(first, last + 1, 5000):
        stop = min(start + 5000, last + 1)
        case_ids = range(
            (start - 1) // DEADLINES_PER_CASE + 1, (stop - 2) // DEADLINES_PER_CASE + 2
        )
        new_cases = [cid for cid in case_ids if (cid - 1) * DEADLINES_PER_CASE + 1 >= start]
        db.execute(
            _table("case_file").insert(),
            [
                {
                    "id": cid,
                    "reference": f"B-{cid:07d}",
                    "case_type": "n400-naturalization",
                    "stage": "preparing_forms",
                    "stage_entered_at": now,
                    "attorney_id": 1 + cid % 3,
                    "paralegal_id": 4 + cid % 6,
                    "opened_on": today,
                    "last_activity_at": now,
                    "no_update_every_days": 14,
                }
                for cid in new_cases
            ],
        )
        db.execute(
            _table("person").insert(),
            [
                {
                    "id": cid,
                    "family_name": "Garcia",
                    "given_name": "Maria",
                    "middle_name": "",
                    "city_of_birth": "",
                    "country_of_birth": "",
                    "country_of_citizenship": "",
                    "a_number": "",
                    "uscis_online_account_number": "",
                    "ssn": "",
                    "phone": "",
                    "email": "",
                    "preferred_language": "en",
                    "created_at": now,
                    "updated_at": now,
                }
                for cid in new_cases
            ],
        )
        db.execute(
            _table("case_member").insert(),
            [
                {"case_id": cid, "person_id": cid, "role": "applicant", "is_primary_client": True}
                for cid in new_cases
            ],
        )
        deadlines, reminders = [], []
        for deadline_id in range(start, stop):
            due_on = today + timedelta(days=40 + deadline_id % 300)
            deadlines.append(
                {
                    "id": deadline_id,
                    "case_id": (deadline_id - 1) // DEADLINES_PER_CASE + 1,
                    "title": "RFE response due",
                    "due_on": due_on,
                    "status": "open",
                    "created_at": now,
                }
            )
            for lead in LEADS:
                reminders.append(
                    {
                        "key": f"deadline:{deadline_id}:{due_on}:staff:{lead}",
                        "kind": "staff_deadline_reminder",
                        "case_id": (deadline_id - 1) // DEADLINES_PER_CASE + 1,
                        "deadline_id": deadline_id,
                        "lead_days": lead,
                        "due_at": datetime.combine(
                            due_on - timedelta(days=lead), datetime.min.time(), UTC
                        ),
                        "status": "pending",
                    }
                )
        db.execute(_table("case_deadline").insert(), deadlines)
        db.execute(_table("reminder").insert(), reminders)


def keep_share_due(deadlines: int) -> None:
    """Make 1% of all occurrences due now (topping up what earlier sweeps took)."""
    reminder = _table("reminder")
    now = datetime.now(UTC)
    with get_engine().begin() as db:
        due = db.execute(
            sa.select(sa.func.count())
            .select_from(reminder)
            .where(reminder.c.status == "pending", reminder.c.due_at <= now)
        ).scalar_one()
        wanted = int(deadlines * len(LEADS) * DUE_SHARE) - due
        if wanted > 0:
            ids = (
                sa.select(reminder.c.id)
                .where(reminder.c.status == "pending", reminder.c.due_at > now)
                .order_by(reminder.c.id.desc())
                .limit(wanted)
            )
            db.execute(
                reminder.update()
                .where(reminder.c.id.in_(ids.scalar_subquery()))
                .values(due_at=now - timedelta(hours=1))
            )


def baseline_select_ms() -> float:
    reminder = _table("reminder")
    raw = get_engine().raw_connection()
    try:
        cursor = raw.cursor()
        placeholder = "?" if get_engine().dialect.name == "sqlite" else "%s"
        started = time.perf_counter()
        cursor.execute(
            f"SELECT id FROM {reminder.name} WHERE status = {placeholder} AND due_at <= "
            f"{placeholder} ORDER BY due_at LIMIT {REMINDERS_PER_BATCH}",
            (
                "pending",
                datetime.now(UTC).isoformat(sep=" ") if placeholder == "?" else datetime.now(UTC),
            ),
        )
        cursor.fetchall()
        return (time.perf_counter() - started) * 1000
    finally:
        raw.close()


def measure(deadlines: int) -> tuple[float, float, int]:
    timings, baselines, sent = [], [], 0
    for _ in range(SWEEPS):
        keep_share_due(deadlines)
        baselines.append(baseline_select_ms())
        started = time.perf_counter()
        report = sweep_batch(utcnow())
        timings.append((time.perf_counter() - started) * 1000)
        sent += report.sent
    return statistics.median(timings), statistics.median(baselines), sent // SWEEPS


def main() -> None:
    migrate_to_head()
    with get_engine().begin() as db:
        insert_firm(db, attorneys=3, paralegals=6)
        seed_deadlines(db, 1, SMALL)
    small_ms, small_baseline, small_sent = measure(SMALL)
    with get_engine().begin() as db:
        seed_deadlines(db, SMALL + 1, LARGE)
    large_ms, large_baseline, large_sent = measure(LARGE)
    keep_share_due(LARGE)
    started = time.perf_counter()
    drained = sweep()
    drain_seconds = time.perf_counter() - started
    outbox = len(list((_TMP / "outbox").glob("*.eml")))
    print(
        f"small: {SMALL} deadlines, sweep {small_ms:.1f} ms ({small_sent} mails); "
        f"large: {LARGE}, sweep {large_ms:.1f} ms ({large_sent} mails); {outbox} .eml files",
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "bench": "reminders",
                "database": get_engine().dialect.name,
                "deadlines": LARGE,
                "reminders": LARGE * len(LEADS),
                "due_share": DUE_SHARE,
                "reminders_per_batch": REMINDERS_PER_BATCH,
                "mails_per_batch": large_sent,
                "sweep_ms": round(large_ms, 1),
                "sweep_ms_small": round(small_ms, 1),
                "growth_ratio": round(large_ms / small_ms, 2),
                "messages_per_batch_limit": MESSAGES_PER_BATCH,
                "drain_messages": drained.sent,
                "drain_messages_per_s": round(drained.sent / drain_seconds, 1),
                "baseline_select_ms": round(large_baseline, 2),
                "baseline_select_ms_small": round(small_baseline, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
