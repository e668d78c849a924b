"""The board's flow analytics at firm scale, against a raw-SQL stage count as the baseline.

Seeds 2,000 open cases and 3,000 closed ones, each with its history of stage moves over the
last two years, and fills the event log to 1,000,000 rows with the other kinds of event a
firm writes (notes, profile edits, sign-ins...). Then times what the board's analytics ask
for on each load, for the whole firm: stage_stats + cumulative_flow + weekly_throughput +
aging, median of 20 runs. The baseline is the cheapest thing the board could do: one
`GROUP BY stage` count through the driver. Then it serves the production build on that
database and times, in headless Chromium, from clicking "Board" to every column drawn with
its first card (median of 5, after one warm-up visit). Last line: one JSON object.

    python -m bench.board            # SQLite in a temporary folder
    DATABASE_URL=postgresql+psycopg://... python -m bench.board   (a throw-away schema)
"""

from __future__ import annotations

import json
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

from bench import (
    CHROMIUM_ARGS,
    free_port,
    insert_firm,
    serve_app,
    stop_app,
    use_throwaway_database,
)

ACTIVE_CASES = 2000
CLOSED_CASES = 3000
EVENTS = 1_000_000
HISTORY_DAYS = 730
RUNS = 20
BATCH = 20_000
# The kinds that fill most of the log; sign-ins have no case.
OTHER_KINDS = ["note_added", "profile_updated", "deadline_added", "receipt_added", "sign_in"]

_TMP = use_throwaway_database("board")

import sqlalchemy as sa  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from immigration_app import catalog  # noqa: E402
from immigration_app.services import board_stats  # noqa: E402
from immigration_app.services.db import get_engine, session_scope  # noqa: E402
from immigration_app.services.firm import firm_clock  # noqa: E402
from immigration_app.services.passwords import hash_password  # noqa: E402
from immigration_app.services.schema import migrate_to_head  # noqa: E402
from immigration_app.services.stages import stage_limits  # noqa: E402

BENCH_ADMIN = "bench-admin@bench.example"
BENCH_PASSWORD = secrets.token_urlsafe(16)  # a throwaway admin for the browser run

STAGES = [stage.key for stage in catalog.stages()]
FILED = STAGES.index("filed_pending")
RFE = STAGES.index("rfe_noid_response")
# Where the open cases stand today: many waiting on clients or on USCIS.
OPEN_STAGE_WEIGHTS = [8, 20, 14, 6, 4, 30, 8, 10]


def _table(name: str) -> sa.Table:
    return SQLModel.metadata.tables[name]


def _path_to(final: int, rng: random.Random) -> list[int]:
    """The stages a case went through to reach `final`; some filed cases answered an RFE."""
    path = list(range(final + 1))
    if final > FILED and rng.random() < 0.3:
        path[FILED + 1 : FILED + 1] = [RFE, FILED]
    return path


def _case_history(case_id: int, closed: bool, now: datetime, rng: random.Random):
    """A case row and its case_opened + stage_changed events, moves spread since opening."""
    age_days = rng.uniform(30, HISTORY_DAYS) if closed else rng.uniform(0, 540)
    opened = now - timedelta(days=age_days)
    final = len(STAGES) - 1 if closed else rng.choices(range(len(STAGES)), OPEN_STAGE_WEIGHTS)[0]
    path = _path_to(final, rng)
    # Closed cases finished their moves a while back; open ones are still moving.
    until = opened + timedelta(days=age_days * 0.8) if closed else now
    moments = sorted(opened + (until - opened) * rng.random() for _ in path[1:])
    events = [_event(case_id, "case_opened", None, {"stage": STAGES[0]}, opened)]
    for before, after, moment in zip(path[:-1], path[1:], moments, strict=True):
        events.append(
            _event(
                case_id,
                "stage_changed",
                {"stage": STAGES[before]},
                {"stage": STAGES[after]},
                moment,
            )
        )
    entered = moments[-1] if moments else opened
    case = {
        "id": case_id,
        "reference": f"{opened.year}-{case_id:05d}",
        "case_type": rng.choice(list(catalog.case_types())),
        "stage": STAGES[final],
        "stage_entered_at": entered,
        "attorney_id": rng.randint(1, 5),
        "paralegal_id": rng.choice([None, *range(6, 16)]),
        "opened_on": opened.date(),
        "closed_on": (entered + timedelta(days=rng.randint(1, 20))).date() if closed else None,
        "priority_date": None,
        "next_deadline_on": None,
        "no_update_every_days": 14,
        "last_activity_at": entered,
        "created_by_id": 1,
    }
    return case, events


def _event(case_id, kind: str, before, after, moment: datetime) -> dict:
    return {
        "case_id": case_id,
        "actor_user_id": 1,
        "actor_label": "staff1@bench.example",
        "kind": kind,
        "summary": kind.replace("_", " "),
        "before": before,
        "after": after,
        "client_address": "",
        "created_at": moment,
    }


def _client(case_id: int, now: datetime) -> tuple[dict, dict]:
    person = {
        "id": case_id,
        "family_name": f"Family{case_id:05d}",
        "given_name": "Maria",
        "middle_name": "",
        "date_of_birth": date(1980, 1, 1),
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
    member = {
        "case_id": case_id,
        "person_id": case_id,
        "role": "applicant",
        "is_primary_client": True,
    }
    return person, member


def _other_events(count: int, cases: int, now: datetime, rng: random.Random) -> Iterator[list]:
    """`count` events of other kinds over the history, in batches."""
    for start in range(0, count, BATCH):
        batch = []
        for _ in range(min(BATCH, count - start)):
            kind = rng.choice(OTHER_KINDS)
            case_id = None if kind == "sign_in" else rng.randint(1, cases)
            moment = now - timedelta(seconds=rng.uniform(0, HISTORY_DAYS * 86_400))
            batch.append(_event(case_id, kind, None, None, moment))
        yield batch


def _seed_firm(db, now: datetime) -> None:
    # The admin the browser run signs in as (ids are explicit: no sequence to advance).
    admin = {
        "id": 99,
        "email": BENCH_ADMIN,
        "full_name": "Bench Admin",
        "password_hash": hash_password(BENCH_PASSWORD),
        "role": "admin",
        "is_active": True,
        "created_at": now,
    }
    insert_firm(db, attorneys=5, paralegals=10, extra_staff=[admin])
    db.execute(
        _table("stage_setting").insert(),
        [
            {"stage": "collecting_documents", "sla_days": 21, "wip_limit": 300},
            {"stage": "internal_review", "sla_days": 5, "wip_limit": 100},
        ],
    )


def seed(rng: random.Random) -> int:
    """Bulk-insert the firm; returns how many events the log holds."""
    engine = get_engine()
    now = datetime.now(UTC)
    total_cases = ACTIVE_CASES + CLOSED_CASES
    stage_events = 0
    with engine.begin() as db:
        _seed_firm(db, now)
        for start in range(1, total_cases + 1, BATCH // 10):
            cases, people, members, events = [], [], [], []
            for case_id in range(start, min(start + BATCH // 10, total_cases + 1)):
                case, history = _case_history(case_id, case_id > ACTIVE_CASES, now, rng)
                person, member = _client(case_id, now)
                cases.append(case)
                people.append(person)
                members.append(member)
                events += history
            db.execute(_table("case_file").insert(), cases)
            db.execute(_table("person").insert(), people)
            db.execute(_table("case_member").insert(), members)
            db.execute(_table("case_event").insert(), events)
            stage_events += len(events)
        for batch in _other_events(EVENTS - stage_events, total_cases, now, rng):
            db.execute(_table("case_event").insert(), batch)
    with engine.begin() as db:
        db.execute(sa.text("ANALYZE"))
    print(f"{stage_events} opening and stage events among {EVENTS}", file=sys.stderr)
    return EVENTS


def board_analytics() -> dict[str, float]:
    """One board load's analytics for the whole firm, as a fresh request would run them."""
    timings = {}
    with session_scope() as session:
        clock = firm_clock(session)
        now, today, where = datetime.now(UTC), clock.today(), sa.true()
        limits = stage_limits(session)
        calls: dict[str, Callable[[], object]] = {
            "stage_stats": lambda: board_stats.stage_stats(
                session, where=where, now=now, limits=limits
            ),
            "cumulative_flow": lambda: board_stats.cumulative_flow(
                session, where=where, today=today, time_zone=clock.time_zone
            ),
            "weekly_throughput": lambda: board_stats.weekly_throughput(
                session, where=where, today=today, time_zone=clock.time_zone
            ),
            "aging": lambda: board_stats.aging(session, where=where, now=now),
        }
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            timings[name] = (time.perf_counter() - started) * 1000
    return timings


def baseline() -> float:
    """The stage counts by hand, through the driver (sqlite3 or psycopg): no ORM, no service."""
    raw = get_engine().raw_connection()
    try:
        started = time.perf_counter()
        cursor = raw.cursor()
        cursor.execute(
            "SELECT stage, count(*) FROM case_file WHERE closed_on IS NULL GROUP BY stage"
        )
        cursor.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        raw.rollback()
    finally:
        raw.close()
    return elapsed


BROWSER_RUNS = 5


def usable_ms() -> float:
    """Headless Chromium: from asking for /board to every column drawn with its cards."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = serve_app(port, _TMP / "server.log")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            page = browser.new_page(base_url=f"http://127.0.0.1:{port}")
            page.goto("/login")
            page.get_by_label("Email").fill(BENCH_ADMIN)
            page.get_by_label("Password").fill(BENCH_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("heading", name="Open cases", exact=True).wait_for()
            timings = []
            for _ in range(BROWSER_RUNS + 1):  # the first visit warms the server's caches
                page.goto("/")
                page.get_by_role("heading", name="Open cases", exact=True).wait_for()
                started = time.perf_counter()
                page.get_by_role("link", name="Board").click()
                for stage in catalog.stages():
                    column = page.get_by_role("region", name=stage.title, exact=True)
                    column.get_by_role("listitem").first.wait_for(timeout=60_000)
                timings.append((time.perf_counter() - started) * 1000)
            browser.close()
    finally:
        stop_app(server)
    return statistics.median(timings[1:])


def main() -> None:
    rng = random.Random(20261127)
    migrate_to_head()
    started = time.perf_counter()
    events = seed(rng)
    print(f"seeded in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    # A running server has compiled these queries before: warm both paths, then measure.
    for _ in range(2):
        board_analytics()
        baseline()
    runs = [board_analytics() for _ in range(RUNS)]
    baseline_ms = [baseline() for _ in range(RUNS)]
    for name in runs[0]:
        part = statistics.median(run[name] for run in runs)
        print(f"{name}: {part:.1f} ms (median)", file=sys.stderr)
    result = {
        "bench": "board",
        "database": get_engine().dialect.name,
        "cases": ACTIVE_CASES,
        "events": events,
        "stats_ms": round(statistics.median(sum(run.values()) for run in runs), 2),
        "baseline_ms": round(statistics.median(baseline_ms), 2),
        "usable_ms": round(usable_ms(), 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
