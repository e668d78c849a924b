"""Running tests/unit/crash/child.py as a real process, waiting for it to pause, and killing it."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tests.unit.crash.child import FINISHED, PAUSED

PROJECT = Path(__file__).resolve().parents[3]
# Generous: a child imports the whole app before it starts its work, on a busy CI machine too.
PAUSE_TIMEOUT_SECONDS = 60


@dataclass
class Child:
    process: subprocess.Popen
    lines: queue.Queue = field(default_factory=queue.Queue)
    errors: list[str] = field(default_factory=list)

    def output(self) -> str:
        return "".join(self.errors)[-4000:]


def _read_into(stream, put) -> None:
    for line in stream:
        put(line)
    stream.close()
    put(None)  # the end: the child exited (or was killed)


def start_child(scenario: str, *arguments: object) -> Child:
    """Start `scenario` of child.py in its own process, with this process's environment (the
    crash database, DATA_DIR, the test mail server)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.unit.crash.child", scenario, *map(str, arguments)],
        cwd=PROJECT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    child = Child(process)
    errors = threading.Thread(target=_read_into, args=(process.stderr, child.errors.append))
    errors.daemon = True
    errors.start()
    threading.Thread(target=_read_into, args=(process.stdout, child.lines.put), daemon=True).start()
    return child


def wait_for_pause(child: Child) -> str:
    """The detail the child printed when it paused; fails if it ends or never pauses."""
    while True:
        try:
            line = child.lines.get(timeout=PAUSE_TIMEOUT_SECONDS)
        except queue.Empty:
            kill(child, check=False)
            raise AssertionError(f"The child never paused. Its errors:\n{child.output()}") from None
        if line is None:
            child.process.wait(timeout=PAUSE_TIMEOUT_SECONDS)
            raise AssertionError(f"The child ended before its pause:\n{child.output()}")
        if line.startswith(PAUSED):
            return line.removeprefix(PAUSED).strip()
        if line.startswith(FINISHED):
            raise AssertionError("The child finished its work without reaching its pause.")


def kill(child: Child, *, check: bool = True) -> None:
    """SIGKILL: no clean-up handler, no `finally`, no rollback runs in the child."""
    if child.process.poll() is None:
        os.kill(child.process.pid, signal.SIGKILL)
    child.process.wait(timeout=PAUSE_TIMEOUT_SECONDS)
    if check:
        assert child.process.returncode == -signal.SIGKILL, child.output()


def kill_when_paused(scenario: str, *arguments: object) -> str:
    """Run `scenario` until it pauses, kill it there; returns what it said when it paused."""
    child = start_child(scenario, *arguments)
    try:
        detail = wait_for_pause(child)
    except BaseException:
        kill(child, check=False)
        raise
    kill(child)
    return detail
