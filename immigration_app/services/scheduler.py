"""The in-process scheduler: one sweep job a minute, its job store in the app database.

Started by the app's lifespan (never at import: production forks workers after importing
the app). On start the sweep runs at once, which is the catch-up after downtime: everything
that fell due while the app was down is due now and is sent once, not once per missed minute.
"""

from __future__ import annotations

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from immigration_app.models import utcnow
from immigration_app.services.db import get_engine

SWEEP_JOB = "sweep"
SWEEP_EVERY_SECONDS = 60


def start_scheduler() -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=get_engine())},
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
    return scheduler
