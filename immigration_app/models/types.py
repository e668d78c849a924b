"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Field


class UtcDateTime(sa.types.TypeDecorator):
    """Timestamps stored as UTC and always read back timezone-aware.

    SQLite keeps no zone; PostgreSQL does. This type makes both behave the same,
    so code never compares a naive datetime with an aware one.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def now_field(*, index: bool = False):
    """A required UTC timestamp that defaults to the moment the row is made."""
    return Field(default_factory=utcnow, sa_type=UtcDateTime, nullable=False, index=index)


def optional_time_field(*, index: bool = False):
    """A UTC timestamp that may be empty."""
    return Field(default=None, sa_type=UtcDateTime, nullable=True, index=index)
