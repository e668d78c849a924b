"""Browser tests: the production build served on a free port, driven in Debian's Chromium.

The server gets its own DATA_DIR and database (a SQLite file, or its own
PostgreSQL schema when DATABASE_URL is set), migrated and seeded with the demo firm.
"""

from __future__ import annotations

import functools
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import data_dir_for, database_url_for

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The first production build installs frontend packages and compiles: give it time.
STARTUP_SECONDS = 600


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@functools.cache
def _server_env() -> dict[str, str]:
    # Once per run: on PostgreSQL, making the e2e database drops and recreates its schema.
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DATA_DIR": str(data_dir_for("e2e")),
        "DATABASE_URL": database_url_for("e2e"),
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        # Binds outgoing requests only; it skips an IPv4 probe that cannot reach out here.
        "REFLEX_HTTP_CLIENT_BIND_ADDRESS": "0.0.0.0",  # noqa: S104
    }


def _wait_until_up(url: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the app exited while starting:\n{log_path.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/ping", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"the app did not start in {STARTUP_SECONDS}s:\n{log_path.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    env = _server_env()
    for command in (["migrate"], ["seed-demo"]):
        subprocess.run([BIN / "immigration-app", *command], env=env, check=True, cwd=PROJECT_ROOT)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("server") / "reflex.log"
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
            env={**env, "APP_URL": url},  # the only origin its websocket accepts
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_up(url, server, log_path)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module-scoped: Playwright's sync API keeps an event loop running while it is
    # open, which async tests collected after it would trip over.
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    """A fresh browser profile (no cookies) per test."""
    context = browser.new_context(base_url=app_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def run_in_app(script: str, *args: str) -> str:
    """Run a Python script against the server's database, as the server itself would; returns
    what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=_server_env(),
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


_MAKE_PORTAL_LINK = """
import sys
from sqlmodel import select
from immigration_app.models import Case, CaseMember, Role, User
from immigration_app.services.db import session_scope
from immigration_app.services.portal import create_link, portal_url
from immigration_app.services.users import viewer_of

with session_scope() as session:
    case = session.exec(select(Case).where(Case.case_type == sys.argv[1]).order_by(Case.id)).first()
    member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).first()
    admin = session.exec(select(User).where(User.role == Role.ADMIN)).first()
    _, token = create_link(
        session, actor=viewer_of(admin), reference=case.reference, member_id=member.id,
        send_email=False,
    )
    print(case.reference, portal_url(token).rsplit("/portal/", 1)[1])
"""


@pytest.fixture
def portal_link(app_url: str):
    """Makes a portal link, as staff would, for the client of the first case of a type;
    returns the case's reference and the link's path."""

    def make(case_type: str) -> tuple[str, str]:
        reference, token = run_in_app(_MAKE_PORTAL_LINK, case_type).split()
        return reference, f"/portal/{token}"

    return make


@pytest.fixture
def phone(browser: Browser, app_url: str) -> Iterator[Page]:
    """A fresh browser profile the size of a small phone, with touch."""
    context = browser.new_context(
        base_url=app_url,
        viewport={"width": 360, "height": 780},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()
