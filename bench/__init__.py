"""Benchmarks: `python -m bench.<name>`; each prints one JSON object as its last line."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Debian's Chromium, as the browser tests drive it (Playwright cannot download browsers here).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The first production build installs frontend packages and compiles: give it time.
STARTUP_SECONDS = 900


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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_app(
    port: int, log_path: Path, extra_env: dict[str, str] | None = None
) -> subprocess.Popen:
    """The production server on the bench's database, as `make run` starts it; returns once
    it answers. It runs in a session of its own: `stop_app` ends it with all its workers.

    Its environment is the bench's (DATA_DIR and DATABASE_URL from `use_throwaway_database`)
    with the scheduler off, plus `extra_env`.
    """
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",  # the venv's node and npm
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        # Binds outgoing requests only; it skips an IPv4 probe that cannot reach out here.
        "REFLEX_HTTP_CLIENT_BIND_ADDRESS": "0.0.0.0",  # noqa: S104
        "SCHEDULER_ENABLED": "false",
        "APP_URL": f"http://127.0.0.1:{port}",  # the only origin its websocket accepts
        **(extra_env or {}),
    }
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                BIN / "reflex",
                "run",
                "--env",
                "prod",
                "--single-port",
                "--frontend-port",
                str(port),
                "--backend-port",
                str(port),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the app exited; see {log_path}:\n{log_tail(log_path)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2):
                return server
        except OSError:
            time.sleep(1)
    stop_app(server)
    raise RuntimeError(f"the app did not start in {STARTUP_SECONDS}s; see {log_path}")


def stop_app(server: subprocess.Popen) -> None:
    """End a server from `serve_app` and every process it started."""
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def log_tail(log_path: Path, chars: int = 4000) -> str:
    """The end of a server log, to show when something failed."""
    try:
        return log_path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""
