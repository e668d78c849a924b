"""Simulated staff at work against a running server, and what their events cost.

Each session signs in through the login page's form, then loops: open the dashboard, the
next page, a search, a case from the rows on screen, and the dashboard again, with a pause
after each (none: the server, not the staff, sets the pace). Every action is one event,
timed from the first message sent to the reply that ends it. An error is an exception, a
timeout, a disconnect, a redirect to the login page, an error toast or a missing case; the
tab then reloads the dashboard (a new connection, itself counted as an event) and carries on.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from dataclasses import dataclass, field

from bench.staff_client import StaffTab

SEARCHES = ["Garcia", "Nguyen", "Kim", "Patel", "Okafor", "Chen", "Santos", "Maria Lo", "Haile"]
SIGN_IN_TIMEOUT_S = 60  # 100 Argon2 checks queue up behind each other at the start
SIGN_INS_AT_ONCE = 10  # staff arrive over a few seconds, not in the same millisecond
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Tally:
    """Events that started inside the measured window, by kind, and the errors in it."""

    window: tuple[float, float] = (0.0, 0.0)
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def inside(self, started: float) -> bool:
        return self.window[0] <= started < self.window[1]

    def record(self, kind: str, started: float, ms: float) -> None:
        if self.inside(started):
            self.latencies_ms.setdefault(kind, []).append(ms)

    def all_ms(self) -> list[float]:
        return [ms for values in self.latencies_ms.values() for ms in values]


def percentile(values: list[float], q: int) -> float | None:
    if len(values) < 2:
        return round(values[0], 1) if values else None
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


async def _act(tally: Tally, kind: str, action) -> bool:
    started = time.monotonic()
    try:
        ms = await action()
    except Exception as failure:  # any failure is an error of the run, counted and shown
        if tally.inside(started):
            tally.errors.append(f"{kind}: {type(failure).__name__} {failure}"[:300])
        return False
    tally.record(kind, started, ms)
    return True


def _steps(tab: StaffTab, turn: int) -> list:
    """One round of a staff member's work, as (kind, action) pairs."""
    search = SEARCHES[turn % len(SEARCHES)]
    return [
        ("dashboard", lambda: tab.navigate("/")),
        ("next_page", lambda: tab.dashboard("go_to_page", page=2)),
        ("search", lambda: tab.dashboard("set_filter", name="q", value=search)),
        ("case", lambda: tab.open_case(tab.case_references[turn % len(tab.case_references)])),
    ]


async def _work(tab: StaffTab, tally: Tally, stop_at: float, turn: int, think_s: float) -> None:
    """Dashboard, next page, a search, a case, until the window closes."""
    await asyncio.sleep(random.uniform(0, think_s))  # with think time, staff do not click in step
    while time.monotonic() < stop_at:
        turn += 1
        for kind, action in _steps(tab, turn):
            if time.monotonic() >= stop_at:
                return
            if kind == "case" and not tab.case_references:
                continue  # a search that found nothing: no case to open
            if not await _act(tally, kind, action):
                await _act(tally, "reload", tab.reopen)
                break
            await asyncio.sleep(think_s)  # a person reading the page before the next click


async def _sign_in(tab: StaffTab, account: dict, gate: asyncio.Semaphore) -> str | None:
    """Open the login page and sign in; the reason if it failed."""
    async with gate:
        try:
            await tab.open_app("/login")
            await tab.sign_in(account["email"], account["password"])
        except Exception as failure:  # reported as a sign-in error of the run
            return f"sign_in {account['email']}: {type(failure).__name__} {failure}"[:300]
    return None


def _process_group_cpu_s(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of a process group."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


async def run_sessions(
    base_url: str,
    accounts: list[dict],
    *,
    seconds: float,
    warm_up_s: float,
    server_pgid: int,
    think_s: float = 0.0,
) -> dict:
    """Sign every account in, warm up, then measure `seconds` of work; figures as a dict."""
    tabs = [StaffTab(base_url, timeout_s=10) for _ in accounts]
    for tab in tabs:
        tab.timeout_s = SIGN_IN_TIMEOUT_S
    gate = asyncio.Semaphore(SIGN_INS_AT_ONCE)
    signed_in_at = time.monotonic()
    refused = await asyncio.gather(
        *(_sign_in(tab, account, gate) for tab, account in zip(tabs, accounts, strict=True))
    )
    sign_in_s = time.monotonic() - signed_in_at
    working = [tab for tab, why in zip(tabs, refused, strict=True) if why is None]
    for tab in working:
        tab.timeout_s = 10
    start = time.monotonic() + warm_up_s
    tally = Tally(window=(start, start + seconds))
    sessions = [
        asyncio.create_task(_work(tab, tally, tally.window[1], turn, think_s))
        for turn, tab in enumerate(working)
    ]
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    server_cpu, client_cpu = _process_group_cpu_s(server_pgid), time.process_time()
    await asyncio.sleep(seconds)
    server_cpu = _process_group_cpu_s(server_pgid) - server_cpu
    client_cpu = time.process_time() - client_cpu
    await asyncio.gather(*sessions)  # the last events finish; only those started inside count
    await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
    latencies = tally.all_ms()
    errors = [why for why in refused if why] + tally.errors
    return {
        "sessions": len(accounts),
        "events": len(latencies),
        "events_per_s": round(len(latencies) / seconds, 1),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "errors": len(errors),
        "p95_ms_by_event": {
            kind: percentile(values, 95) for kind, values in sorted(tally.latencies_ms.items())
        },
        "sign_in_s": round(sign_in_s, 1),
        "server_cpu_pct": round(100 * server_cpu / seconds),
        "client_cpu_pct": round(100 * client_cpu / seconds),
        "error_samples": errors[:5],
    }
