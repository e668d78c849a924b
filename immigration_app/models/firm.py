"""The firm's own settings: one row."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

DATE_FORMATS = {
    "MM/DD/YYYY": "%m/%d/%Y",
    "DD/MM/YYYY": "%d/%m/%Y",
    "YYYY-MM-DD": "%Y-%m-%d",
}


class FirmSettings(SQLModel, table=True):
    __tablename__ = "firm_settings"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    address: str = Field(default="", max_length=500)
    time_zone: str = Field(default="America/New_York", max_length=64)
    date_format: str = Field(default="MM/DD/YYYY", max_length=16)
    # Days before a deadline that staff hear about it (overdue ones: daily).
    staff_reminder_lead_days: str = Field(default="30,14,7,1", max_length=60)
    phone: str = Field(default="", max_length=32)
    # Every staff member must use two-step sign-in; those without it enrol when they next sign in.
    require_two_step: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
