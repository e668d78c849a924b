"""The in-process scheduler: one sweep job a minute, its job store in the app database.

Started by the app's lifespan (never at import: production forks workers after importing
the app). On start the sweep runs at once, which is the catch-up after downtime: everything
that fell due while the app was down is due now and is sent once, not once per missed minute.

A second job checks every open case's receipt numbers with USCIS once a day, early in the
firm's morning (services/case_status.py).
"""

from __future__ import annotations

from datetime import time

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from immigration_app.models import utcnow
from immigration_app.services.db import get_engine, session_scope
from immigration_app.services.firm import firm_clock

SWEEP_JOB = "sweep"
SWEEP_EVERY_SECONDS = 60
STATUS_JOB = "uscis_status_daily"
STATUS_CHECK_AT = time(6, 0)  # in the firm's time zone: before the working day starts


def start_scheduler() -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=get_engine()), "memory": MemoryJobStore()},
        # A late run is run once (coalesce), never two sweeps at a time in one process.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone="UTC",
    )
    scheduler.start()
    scheduler.add_job(
        "immigration_app.services.sweep:sweep",
        "interval",
        seconds=SWEEP_EVERY_SECONDS,
        id=SWEEP_JOB,
        name="Send due reminders and queued mail",
        replace_existing=True,
        next_run_time=utcnow(),
    )
    _schedule_status_check(scheduler)
    return scheduler


def _schedule_status_check(scheduler: BackgroundScheduler) -> None:
    """The daily USCIS status check, at STATUS_CHECK_AT in the firm's time zone.

    The job lives in memory, made afresh at each start with the firm's time zone as it is then.
    Its catch-up is its own: started after that hour it runs at once, and a receipt the API
    read in the last 20 hours is skipped, so restarts and several workers never check a
    receipt twice in a day.
    """
    with session_scope() as session:
        zone = firm_clock(session).time_zone
    late = utcnow().astimezone(zone).time() >= STATUS_CHECK_AT
    scheduler.add_job(
        "immigration_app.services.case_status:check_all_active",
        CronTrigger(hour=STATUS_CHECK_AT.hour, minute=STATUS_CHECK_AT.minute, timezone=zone),
        id=STATUS_JOB,
        name="Check USCIS case statuses",
        jobstore="memory",
        replace_existing=True,
        **({"next_run_time": utcnow()} if late else {}),
    )
