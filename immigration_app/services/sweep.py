"""One sweep: due reminders become messages, due messages are sent.

The scheduler runs it every minute; `immigration-app sweep` runs it once. On PostgreSQL with
several workers one leader sweeps at a time (a transaction-level advisory lock); the others
return at once. Correctness never rests on the lock: claims re-check their rows.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from immigration_app.models import utcnow
from immigration_app.services import storage
from immigration_app.services.db import session_scope
from immigration_app.services.outbox import deliver_due
from immigration_app.services.reminders import messages_for_due
from immigration_app.settings import get_settings

log = logging.getLogger(__name__)

SWEEP_LOCK_ID = 0x5EE9  # any constant; names the sweep's advisory lock
# One batch: this many due reminders become messages, and this many queued messages are sent.
# A sweep runs batches until nothing is due or its time is up, so a backlog after downtime
# drains in one sweep while each batch's transaction stays short.
REMINDERS_PER_BATCH = 50
MESSAGES_PER_BATCH = 100
SWEEP_BUDGET_SECONDS = 20.0


@dataclass(frozen=True)
class SweepReport:
    led: bool
    queued: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def did_work(self) -> bool:
        return bool(self.queued or self.sent or self.retrying or self.failed)

    def __add__(self, other: SweepReport) -> SweepReport:
        return SweepReport(
            led=self.led and other.led,
            queued=self.queued + other.queued,
            sent=self.sent + other.sent,
            retrying=self.retrying + other.retrying,
            failed=self.failed + other.failed,
        )

    def __str__(self) -> str:
        if not self.led:
            return "Another worker is sweeping; nothing done."
        return (
            f"{self.queued} messages queued from due reminders; {self.sent} sent, "
            f"{self.retrying} to retry, {self.failed} failed."
        )


def _lead(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True  # SQLite serialises writers; the embedded default runs one worker
    return session.exec(sa.select(sa.func.pg_try_advisory_xact_lock(SWEEP_LOCK_ID))).one()[0]


def sweep_batch(now: datetime) -> SweepReport:
    """One batch: claim due reminders and write their messages, then send queued messages."""
    with session_scope() as session:
        if not _lead(session):
            return SweepReport(led=False)
        queued = messages_for_due(session, now, REMINDERS_PER_BATCH)
    delivered = deliver_due(now, get_settings(), MESSAGES_PER_BATCH)
    return SweepReport(
        led=True,
        queued=queued,
        sent=delivered.sent,
        retrying=delivered.retrying,
        failed=delivered.failed,
    )


def sweep(now: datetime | None = None) -> SweepReport:
    """Batches until nothing is left to do now, or the sweep's time is up."""
    now = now or utcnow()
    started = time.monotonic()
    total = SweepReport(led=True)
    while time.monotonic() - started < SWEEP_BUDGET_SECONDS:
        batch = sweep_batch(now)
        total += batch
        if not batch.led or not batch.did_work:
            break
    if total.did_work:
        log.info("sweep: %s", total)
    # Half-received uploads that a crash or a closed phone left behind. A file still being
    # written is touched on every chunk, so an upload in progress is never taken.
    removed = storage.sweep_stale_uploads()
    if removed:
        log.info("sweep: removed %d abandoned upload(s)", removed)
    return total
