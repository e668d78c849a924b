"""The in-process scheduler: it sweeps at once on start (the catch-up) and never twice over."""

from __future__ import annotations

import time
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import func, select

from immigration_app.models import Message, MessageStatus, Reminder, utcnow
from immigration_app.services.db import get_engine, session_scope
from immigration_app.services.deadlines import add_to_case
from immigration_app.services.scheduler import SWEEP_JOB, start_scheduler
from tests.factories import make_case, make_viewer


def _sent() -> int:
    with session_scope() as session:
        return session.exec(
            select(func.count()).select_from(Message).where(Message.status == MessageStatus.SENT)
        ).one()


def _wait_for_sent(count: int, seconds: float = 20) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and _sent() < count:
        time.sleep(0.1)
    return _sent()


def test_missed_reminders_go_out_once_on_start_and_a_restart_sends_nothing_again():
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        case = make_case(session, actor=attorney, attorney_id=attorney.id)
        add_to_case(
            session,
            actor=attorney,
            reference=case.reference,
            title="File the I-130",
            due_on=date.today() + timedelta(days=20),
        )
        # As if the app had been down for three days while they fell due.
        session.exec(
            sa.update(Reminder)
            .where(Reminder.deadline_id.is_not(None))
            .values(due_at=utcnow() - timedelta(days=3))
        )

    scheduler = start_scheduler()
    try:
        assert _wait_for_sent(4) == 4  # 14, 7, 1 days before and overdue: once each
        job = scheduler.get_job(SWEEP_JOB)
        assert job.next_run_time > utcnow()  # the next regular sweep, a minute on
    finally:
        scheduler.shutdown()
    with get_engine().connect() as connection:
        stored = connection.execute(sa.text("SELECT id FROM apscheduler_jobs")).scalars().all()
    assert stored == [SWEEP_JOB]  # the job store is the app's database

    scheduler = start_scheduler()
    try:
        time.sleep(1.5)  # the restart sweeps at once, and finds nothing left to send
        assert _sent() == 4
    finally:
        scheduler.shutdown()
