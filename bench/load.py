"""100 staff at once over websockets, on the production server, against a one-person floor.

Each simulated staff member is a tab speaking Reflex's own protocol (bench/staff_client.py:
Socket.IO over the websocket at /_event on loopback, no browser): it signs in through the
login form with an account of its own (a real Argon2 hash), then loops over the dashboard
(its on_load), the next page, a search, a case from the rows on screen (the case page's
on_load) and the dashboard again (bench/load_run.py).
One event is one of those actions, timed from the first message sent to the reply that ends
it; events/s counts the events that started within the measured window (after a warm-up
that follows the sign-ins). Errors: exceptions, 10 s timeouts, disconnects, redirects to
the login page, error toasts, missing cases.

Two paces, each 100 sessions for 60 s:
- at work: a pause of 5 s (`--think-ms`) after each event, the time to read a page, staff
  starting out of step. Latency here is what staff feel: the p95 goal is measured at this pace.
- flat out: no pause at all, so the server sets the pace; this is its throughput, where
  one worker and two are compared (at work, throughput is what the staff ask for).

Servers: SQLite and one worker (GRANIAN_WORKERS=1, Reflex's default disk state manager),
both paces; PostgreSQL (the database `loadbench`, a fresh schema) with Redis (db 7, flushed)
as the state manager and two workers, both paces; and one worker on that same database flat
out, so the workers' effect shows apart from the change of database and state manager.
Each database gets its own firm, seeded in a child process (bench/load_seed.py, reusing
bench.dashboard's seeding): 5,000 cases by default, a tenth of bench.dashboard's firm,
since seeding 50,000 twice takes minutes and the cost of the case list at that scale is
bench.dashboard's subject (`--cases 50000` to run it here).

Baseline, in the same run: one session alone, flat out, on the SQLite server, the latency
floor of the same events with no one else waiting; the gap to 100 sessions is what
concurrency costs. (A bare Socket.IO echo server would only measure the transport, which
is not in question.) The figures include the machine's load average, since the server and
the simulated staff share its cores. Last line: one JSON object.

    python -m bench.load [--sessions 100] [--seconds 60] [--cases 5000] [--sqlite-only]
                         [--think-ms 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import PROJECT_ROOT, free_port, log_tail, serve_app, stop_app
from bench.load_run import run_sessions

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/loadbench"
REDIS_URL = "redis://127.0.0.1:6379/7"
WARM_UP_S = 5
BASELINE_MAX_S = 20
# Every simulated staff member signs in from 127.0.0.1, many times over a run.
GENEROUS_SIGN_IN_LIMITS = {
    "LOGIN_LIMIT_PER_ADDRESS": "10000/minute",
    "LOGIN_LIMIT_PER_ACCOUNT": "1000/minute",
}


# What the last line reports of each run.
REPORTED = (
    "events_per_s",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "errors",
    "p95_ms_by_event",
    "server_cpu_pct",
    "load_avg_1m",
)
BASELINE_KEYS = ("events_per_s", "p50_ms", "p95_ms", "errors")


def figures(run: dict, *, prefix: str = "", suffix: str = "", keys=REPORTED) -> dict:
    """A run's figures under the last line's names (None for a run that was skipped)."""
    return {f"{prefix}{key}{suffix}": run.get(key) for key in keys}


def seed_firm(cases: int, sessions: int, database_url: str | None) -> dict:
    """A fresh firm in a child process; its database URL, data folder and staff accounts."""
    env = {**os.environ, "BENCH_CASES": str(cases)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    seeded = subprocess.run(
        [sys.executable, "-m", "bench.load_seed", str(sessions)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        check=True,
        text=True,
    )
    return json.loads(seeded.stdout.strip().splitlines()[-1])


def create_postgres_database(url: str) -> None:
    """The run's own database, if it is not there yet (the schema inside is made afresh)."""
    import sqlalchemy as sa

    server_url, name = url.rsplit("/", 1)
    engine = sa.create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as db:
        exists = db.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            db.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


def measure(firm: dict, label: str, extra_env: dict[str, str], runs: list[tuple]) -> list[dict]:
    """Serve the production build on `firm`'s database and run each (sessions, seconds,
    think_s)."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    log_path = Path(tempfile.gettempdir()) / f"bench-load-{label}-{port}.log"
    env = {
        "DATABASE_URL": firm["database_url"],
        "DATA_DIR": firm["data_dir"],
        "APP_URL": origin,  # the app allows websockets from its own origin only
        **GENEROUS_SIGN_IN_LIMITS,
        **extra_env,
    }
    print(f"{label}: starting the production server on {origin} (log: {log_path})", file=sys.stderr)
    server = serve_app(port, log_path, extra_env=env)
    try:
        results = []
        for sessions, seconds, think_s in runs:
            load_before = os.getloadavg()[0]
            result = asyncio.run(
                run_sessions(
                    origin,
                    firm["accounts"][:sessions],
                    seconds=seconds,
                    warm_up_s=WARM_UP_S,
                    server_pgid=server.pid,
                    think_s=think_s,
                )
            )
            result["load_avg_1m"] = round(max(load_before, os.getloadavg()[0]), 1)
            print(
                f"{label}, {sessions} sessions, {think_s} s between clicks: {json.dumps(result)}",
                file=sys.stderr,
            )
            if result["errors"]:
                print(f"server log:\n{log_tail(log_path, 2000)}", file=sys.stderr)
            results.append(result)
        return results
    finally:
        stop_app(server)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sessions", type=int, default=100)
    options.add_argument("--seconds", type=float, default=60)
    options.add_argument("--cases", type=int, default=5000)
    options.add_argument("--sqlite-only", action="store_true")
    options.add_argument("--think-ms", type=float, default=5000, help="the pause at work")
    args = options.parse_args()
    at_work = (args.sessions, args.seconds, args.think_ms / 1000)
    flat_out = (args.sessions, args.seconds, 0.0)

    sqlite_firm = seed_firm(args.cases, args.sessions, None)
    floor, sqlite_at_work, sqlite_flat_out = measure(
        sqlite_firm,
        "sqlite-1-worker",
        {"GRANIAN_WORKERS": "1"},
        [(1, min(args.seconds, BASELINE_MAX_S), 0.0), at_work, flat_out],
    )
    postgres_one = postgres_two_at_work = postgres_two_flat_out = {}
    if not args.sqlite_only:
        create_postgres_database(POSTGRES_URL)
        flush_redis(REDIS_URL)
        postgres_firm = seed_firm(args.cases, args.sessions, POSTGRES_URL)
        (postgres_one,) = measure(
            postgres_firm,
            "postgres-redis-1-worker",
            {"GRANIAN_WORKERS": "1", "REFLEX_REDIS_URL": REDIS_URL},
            [flat_out],
        )
        flush_redis(REDIS_URL)
        postgres_two_at_work, postgres_two_flat_out = measure(
            postgres_firm,
            "postgres-redis-2-workers",
            {"GRANIAN_WORKERS": "2", "REFLEX_REDIS_URL": REDIS_URL},
            [at_work, flat_out],
        )

    print(
        json.dumps(
            {
                "bench": "load",
                "cases": args.cases,
                "seconds": args.seconds,
                "think_ms": args.think_ms,
                "cores": len(os.sched_getaffinity(0)),
                "sessions": sqlite_at_work["sessions"],
                **figures(sqlite_at_work),
                **figures(floor, prefix="baseline_1_session_", keys=BASELINE_KEYS),
                **figures(postgres_two_at_work, suffix="_2_workers"),
                **figures(sqlite_flat_out, prefix="flat_out_"),
                **figures(postgres_one, prefix="flat_out_", suffix="_postgres_1_worker"),
                **figures(postgres_two_flat_out, prefix="flat_out_", suffix="_2_workers"),
            }
        )
    )


if __name__ == "__main__":
    main()
