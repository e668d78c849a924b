"""A 50 MB document through the client portal's real upload, against a bare streaming endpoint.

Seeds a firm, its admin, one naturalization case and the client's portal link through the
app's services, makes a valid 50 MB PDF (a blank page and 50 MB of random bytes attached)
and serves the production build with UPLOAD_LIMIT_MB=100. In headless Chromium the client
opens the link, chooses a document, picks the file and taps "Send now": Reflex's streamed
chunk upload (POST /_upload) into the background handler that encrypts each chunk into the
staging file, checks it and records a new version. Timed from the tap to "Received" (median
of 3, after a warm-up upload of a small PDF). Meanwhile a thread sums the resident memory of
every process of the server every 20 ms: the growth is the peak during an upload minus the
figure just before it (the largest of the 3). The server side of it, from the staging file
appearing to the version recorded, is reported as well.

Baseline, in the same run and from the same page: a bare Starlette `POST /upload` that
streams the request body to a temporary file (no multipart parsing, no checks), served by
Granian (the app's own HTTP server) in a thread of this process; the page posts a same-size
Blob as FormData with an XMLHttpRequest, as Reflex does, timed from send() to load. Last
line: one JSON object.

    python -m bench.upload            # SQLite in a temporary folder
    DATABASE_URL=postgresql+psycopg://... python -m bench.upload   (a throw-away schema)
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC
from pathlib import Path

from bench import (
    CHROMIUM_ARGS,
    free_port,
    log_tail,
    serve_app,
    stop_app,
    use_throwaway_database,
)

MB = 50
FILE_BYTES = MB * 1024 * 1024
LIMIT_MB = 100  # the bench server's UPLOAD_LIMIT_MB, so 50 MB is accepted
RUNS = 3
SAMPLE_SECONDS = 0.02  # how often the server's memory is read
MEMBERS_SECONDS = 0.5  # how often the server's processes are listed again
UPLOAD_TIMEOUT_MS = 600_000

_TMP = use_throwaway_database("upload")
os.environ["UPLOAD_LIMIT_MB"] = str(LIMIT_MB)

from pypdf import PdfWriter  # noqa: E402
from sqlmodel import select  # noqa: E402

from immigration_app import catalog  # noqa: E402
from immigration_app.models import CaseChecklistItem, CaseMember, DocumentFile  # noqa: E402
from immigration_app.services.cases import MemberInput, open_case  # noqa: E402
from immigration_app.services.db import get_engine, session_scope  # noqa: E402
from immigration_app.services.firm import update_firm_settings  # noqa: E402
from immigration_app.services.people import PersonInput  # noqa: E402
from immigration_app.services.portal import create_link  # noqa: E402
from immigration_app.services.schema import migrate_to_head  # noqa: E402
from immigration_app.services.users import create_user, viewer_of  # noqa: E402
from immigration_app.settings import get_settings  # noqa: E402

CASE_TYPE = "n400-naturalization"


# --- data -------------------------------------------------------------------------------------


def seed() -> tuple[str, str]:
    """A firm, its admin, one case and its client's portal link, through the app's services.

    Returns the link's token and the title of the client's first item that takes a PDF.
    """
    migrate_to_head()
    with session_scope() as session:
        admin = create_user(
            session,
            email="bench-admin@bench.example",
            full_name="Bench Admin",
            role="admin",
            password=secrets.token_urlsafe(16),
            actor=None,
        )
        actor = viewer_of(admin)
        update_firm_settings(
            session,
            actor=actor,
            name="Bench firm",
            address="",
            time_zone="America/Chicago",
            date_format="MM/DD/YYYY",
        )
        client = PersonInput(family_name="Garcia", given_name="Maria", date_of_birth="1980-05-17")
        role = catalog.case_types()[CASE_TYPE].client_role
        case = open_case(
            session,
            actor=actor,
            case_type=CASE_TYPE,
            members=[MemberInput(role=role, new_person=client)],
        )
        member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).one()
        _, token = create_link(
            session, actor=actor, reference=case.reference, member_id=member.id, send_email=False
        )
        items = session.exec(
            select(CaseChecklistItem)
            .where(CaseChecklistItem.member_id == member.id)
            .order_by(CaseChecklistItem.id)
        ).all()
        item = next(item for item in items if "pdf" in item.kinds)
        return token, item.title_en


def make_pdf(path: Path, size: int | None) -> Path:
    """A valid PDF: a blank page, plus random bytes attached so the file is exactly `size`."""

    def render(attached: int) -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(612, 792)
        if attached:
            writer.add_attachment("bench-data.bin", os.urandom(attached))
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    content = render(0)
    if size is not None:
        attached = size - len(render(1000)) + 1000
        for _ in range(3):  # the stream's length is written in digits: settle in a step or two
            content = render(attached)
            if len(content) == size:
                break
            attached += size - len(content)
    path.write_bytes(content)
    return path


def latest_upload() -> DocumentFile:
    with session_scope() as session:
        return session.exec(select(DocumentFile).order_by(DocumentFile.id.desc())).first()


# --- the server's memory ----------------------------------------------------------------------


def _group_members(pgid: int) -> list[int]:
    """Every process in a process group, from /proc/*/stat."""
    members = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        if int(fields[2]) == pgid:  # state, ppid, pgrp, ...
            members.append(int(entry.name))
    return members


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass  # it ended meanwhile
    return 0


class ServerWatch(threading.Thread):
    """Sums VmRSS over the server's process group every 20 ms, keeping the peak since `mark`;
    also notes when an upload's staging file first appears (the server's first chunk)."""

    def __init__(self, pgid: int, staging: Path):
        super().__init__(daemon=True)
        self.pgid, self.staging = pgid, staging
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._members: list[int] = []
        self._listed = 0.0
        self.before_kb = self.peak_kb = self.samples = 0
        self.staged_at: float | None = None  # wall clock (time.time) of the first .part file

    def total_kb(self) -> int:
        if time.monotonic() - self._listed > MEMBERS_SECONDS:
            self._members, self._listed = _group_members(self.pgid), time.monotonic()
        return sum(_rss_kb(pid) for pid in self._members)

    def run(self) -> None:
        while not self._done.wait(SAMPLE_SECONDS):
            with self._lock:
                total = self.total_kb()
                self.peak_kb, self.samples = max(self.peak_kb, total), self.samples + 1
                if self.staged_at is None and self._staging_started():
                    self.staged_at = time.time()

    def _staging_started(self) -> bool:
        try:
            return any(name.endswith(".part") for name in os.listdir(self.staging))
        except FileNotFoundError:
            return False

    def mark(self) -> None:
        """Start a measurement: the memory now is the reference and the peak so far."""
        with self._lock:
            self._listed = 0.0  # list the processes afresh
            self.before_kb = self.peak_kb = self.total_kb()
            self.samples, self.staged_at = 0, None

    def processes(self) -> int:
        with self._lock:
            return len(self._members)

    def growth_mb(self) -> float:
        with self._lock:
            return (self.peak_kb - self.before_kb) / 1024

    def stop(self) -> None:
        self._done.set()
        if self.ident is not None:  # it was started
            self.join(timeout=5)


# --- the baseline: a bare streaming endpoint --------------------------------------------------


class Baseline:
    """Starlette's `POST /upload` writing the raw body to a temporary file, on Granian (the
    HTTP server the app runs on) in a thread of this process, with CORS for the app's origin."""

    def __init__(self, port: int, origin: str):
        from granian.constants import Interfaces
        from granian.log import LogLevels
        from granian.server.embed import Server
        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware
        from starlette.responses import PlainTextResponse
        from starlette.routing import Route

        async def upload(request):
            received = 0
            with tempfile.TemporaryFile(dir=_TMP) as out:
                async for chunk in request.stream():
                    out.write(chunk)
                    received += len(chunk)
            return PlainTextResponse(str(received))

        app = Starlette(
            routes=[Route("/upload", upload, methods=["POST"])],
            middleware=[Middleware(CORSMiddleware, allow_origins=[origin], allow_methods=["POST"])],
        )
        self.url = f"http://127.0.0.1:{port}/upload"
        self._server = Server(
            app,
            address="127.0.0.1",
            port=port,
            interface=Interfaces.ASGINL,
            log_level=LogLevels.warning,
        )
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._server.serve())

    def __enter__(self) -> Baseline:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._loop.call_soon_threadsafe(self._server.stop)
        self._thread.join(timeout=10)


# Posts a Blob of `size` bytes as FormData, as Reflex's upload does; resolves to milliseconds
# from send() to load, and what the endpoint says it received.
_POST_BLOB = """
async ([url, size]) => {
  const form = new FormData();
  form.append("files", new Blob([new Uint8Array(size)], {type: "application/pdf"}), "bench.pdf");
  return await new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let started = 0;
    xhr.upload.onprogress = () => {};
    xhr.onload = () => xhr.status === 200
      ? resolve({ms: performance.now() - started, received: Number(xhr.responseText)})
      : reject(new Error(`HTTP ${xhr.status}`));
    xhr.onerror = () => reject(new Error("network error"));
    xhr.open("POST", url);
    started = performance.now();
    xhr.send(form);
  });
}
"""


def baseline_upload(page, url: str, size: int) -> float:
    """Seconds for the page to post `size` bytes to the bare endpoint."""
    result = page.evaluate(_POST_BLOB, [url, size])
    if result["received"] < size:
        raise RuntimeError(f"the baseline received {result['received']} of {size} bytes")
    return result["ms"] / 1000


# --- the real path: the client portal ---------------------------------------------------------

_SEND_BUTTON = re.compile(r"^(Send this document|Add more pages|Send it again): ")


def real_upload(page, path: Path, title: str, watch: ServerWatch, log_path: Path) -> dict:
    """The client sends `path` for the item `title`, from its button to "Received"."""
    item = page.get_by_role("group", name=title, exact=True)
    item.get_by_role("button", name=_SEND_BUTTON).click()
    page.get_by_role("heading", name=f"Send: {title}").wait_for()
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Choose files").click()
    chooser.value.set_files(path)
    page.get_by_text(path.name, exact=True).wait_for()
    send = page.get_by_role("button", name="Send now")
    send.wait_for()
    watch.mark()
    started = time.perf_counter()
    send.click()
    results = page.get_by_role("status")
    results.wait_for(timeout=UPLOAD_TIMEOUT_MS)
    received = results.get_by_text("Received", exact=True)
    if not received.is_visible():
        raise RuntimeError(
            f"the upload of {path.name} was not received: {results.inner_text()!r}\n"
            f"server log:\n{log_tail(log_path)}"
        )
    seconds = time.perf_counter() - started
    growth, staged_at = watch.growth_mb(), watch.staged_at
    document = latest_upload()
    if document.original_name != path.name or document.size_bytes != path.stat().st_size:
        raise RuntimeError(f"the last document recorded is not {path.name}: {document}")
    recorded = document.uploaded_at.astimezone(UTC).timestamp()
    page.get_by_role("button", name="Back to my documents").click()
    page.get_by_role("heading", name="Your documents").wait_for()
    return {
        "seconds": seconds,
        "server_seconds": recorded - staged_at if staged_at else None,
        "rss_growth_mb": growth,
        "rss_before_mb": watch.before_kb / 1024,
        "samples": watch.samples,
    }


def measure(token: str, title: str, big: Path, small: Path) -> dict:
    from playwright.sync_api import sync_playwright

    port, baseline_port = free_port(), free_port()
    log_path = _TMP / "server.log"
    print(f"starting the production server on port {port} (log: {log_path})", file=sys.stderr)
    server = serve_app(port, log_path, extra_env={"UPLOAD_LIMIT_MB": str(LIMIT_MB)})
    watch = ServerWatch(server.pid, get_settings().documents_dir / "tmp")
    origin = f"http://127.0.0.1:{port}"
    real, bare, processes = [], [], 0
    try:
        watch.start()
        with Baseline(baseline_port, origin) as baseline, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            page = browser.new_page(base_url=origin)
            page.set_default_timeout(60_000)
            page.goto(f"/portal/{token}")
            page.get_by_role("heading", name="Your documents").wait_for()
            # Warm-ups: lazy imports, the first staging folder, the first connection.
            real_upload(page, small, title, watch, log_path)
            baseline_upload(page, baseline.url, small.stat().st_size)
            for run in range(RUNS):
                real.append(real_upload(page, big, title, watch, log_path))
                bare.append(baseline_upload(page, baseline.url, FILE_BYTES))
                print(
                    f"run {run + 1}: portal {real[-1]['seconds']:.2f} s "
                    f"(server {real[-1]['server_seconds'] or 0:.2f} s, "
                    f"RSS +{real[-1]['rss_growth_mb']:.1f} MB over "
                    f"{real[-1]['rss_before_mb']:.0f} MB, {real[-1]['samples']} samples), "
                    f"baseline {bare[-1]:.2f} s",
                    file=sys.stderr,
                )
            processes = watch.processes()
            browser.close()
    finally:
        stop_app(server)  # first: nothing may leave the server running
        watch.stop()
    return {"real": real, "bare": bare, "server_processes": processes}


def main() -> None:
    token, title = seed()
    folder = Path(tempfile.mkdtemp(prefix="files-", dir=_TMP))
    big = make_pdf(folder / "passport-scan.pdf", FILE_BYTES)
    small = make_pdf(folder / "warm-up.pdf", None)
    mb = big.stat().st_size / (1024 * 1024)
    print(f"item {title!r}; {big.stat().st_size} bytes in {big.name}", file=sys.stderr)
    try:
        runs = measure(token, title, big, small)
    finally:  # some 250 MB of files and encrypted versions; the log and database stay
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(get_settings().documents_dir, ignore_errors=True)
    real_s = statistics.median(run["seconds"] for run in runs["real"])
    server_s = [run["server_seconds"] for run in runs["real"] if run["server_seconds"]]
    baseline_s = statistics.median(runs["bare"])
    result = {
        "bench": "upload",
        "database": get_engine().dialect.name,
        "mb": round(mb, 2),
        "mb_s": round(mb / real_s, 1),
        "baseline_mb_s": round(mb / baseline_s, 1),
        "ratio": round(baseline_s / real_s, 2),
        "rss_growth_mb": round(max(run["rss_growth_mb"] for run in runs["real"]), 1),
        "seconds": round(real_s, 2),
        "server_seconds": round(statistics.median(server_s), 2) if server_s else None,
        "baseline_seconds": round(baseline_s, 2),
        "rss_growth_runs_mb": [round(run["rss_growth_mb"], 1) for run in runs["real"]],
        "rss_before_mb": round(runs["real"][-1]["rss_before_mb"], 1),
        "server_processes": runs["server_processes"],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
