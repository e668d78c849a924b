"""The firm's settings, and dates shown the way the firm writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from immigration_app.models import DATE_FORMATS, FirmSettings, utcnow


@dataclass(frozen=True)
class FirmClock:
    """Turns stored UTC moments and plain dates into the firm's local words."""

    time_zone: ZoneInfo
    date_format: str

    def today(self) -> date:
        return utcnow().astimezone(self.time_zone).date()

    def date(self, value: date | None) -> str:
        return value.strftime(DATE_FORMATS[self.date_format]) if value else ""

    def moment(self, value: datetime | None) -> str:
        if value is None:
            return ""
        local = value.astimezone(self.time_zone)
        return f"{self.date(local.date())} {local:%I:%M %p}".replace(" 0", " ", 1)


def firm_settings(session: Session) -> FirmSettings:
    """The firm's settings row; a blank firm until an admin (or the demo seed) names it."""
    return session.exec(select(FirmSettings)).first() or FirmSettings(name="Your firm")


def firm_clock(session: Session) -> FirmClock:
    settings = firm_settings(session)
    return FirmClock(time_zone=ZoneInfo(settings.time_zone), date_format=settings.date_format)
