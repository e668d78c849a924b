"""APScheduler's job table. The scheduler reads and writes it itself (services/scheduler.py);
it is declared here, exactly as its SQLAlchemyJobStore defines it, so that the tables the
migrations build are the whole database and every schema check, ours and `reflex run`'s,
finds nothing missing."""

import sqlalchemy as sa
from sqlmodel import SQLModel

scheduler_jobs = sa.Table(
    "apscheduler_jobs",
    SQLModel.metadata,
    sa.Column("id", sa.Unicode(191), primary_key=True),
    sa.Column("next_run_time", sa.Float(25), index=True),
    sa.Column("job_state", sa.LargeBinary(), nullable=False),
)
