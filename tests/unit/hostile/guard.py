"""What every hostile input is held to: it ends within a bound, in a result or a clear error,
and a refusal leaves nothing behind on disk.

The watchdog is a real-time signal (SIGALRM): it interrupts a reader stuck in a Python loop and
raises `Hung`, a BaseException so that no `except Exception` in the code under test swallows
it. The bound is generous; it says "did not hang", not "was fast".
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from immigration_app.services.storage import STAGING_DIR
from immigration_app.settings import get_settings

HANG_SECONDS = 20


class Hung(BaseException):
    """The code under test was still running when the watchdog fired."""


@contextmanager
def watchdog(seconds: float = HANG_SECONDS) -> Iterator[None]:
    def fire(signum, frame):
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _documents_dir() -> Path:
    return get_settings().documents_dir


def stored_blobs() -> set[Path]:
    """Every committed blob in DATA_DIR's documents folder."""
    root = _documents_dir()
    if not root.is_dir():
        return set()
    return {path for path in root.rglob("*") if path.is_file() and path.parent.name != STAGING_DIR}


def staging_files() -> set[Path]:
    staging = _documents_dir() / STAGING_DIR
    return set(staging.iterdir()) if staging.is_dir() else set()


def is_clear_message(text: str) -> bool:
    """A sentence for a person: words, not a traceback or a repr."""
    return (
        bool(text.strip())
        and "Traceback" not in text
        and "Error" not in text
        and "0x" not in text
        and len(text) < 500
    )
