"""The firm's settings, and dates shown the way the firm writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, available_timezones

from sqlmodel import Session, select

from immigration_app.models import DATE_FORMATS, FirmSettings, utcnow
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput, over_column_limits
from immigration_app.services.viewer import Viewer


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
    # Two columns, not the settings row: nearly every read of a page asks for the clock.
    stored = session.exec(select(FirmSettings.time_zone, FirmSettings.date_format)).first()
    settings = stored or firm_settings(session)
    return FirmClock(time_zone=ZoneInfo(settings.time_zone), date_format=settings.date_format)


US_TIME_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
)


def lead_days(text: str) -> tuple[int, ...]:
    """The reminder lead times: "30, 14,7 ,1" -> (30, 14, 7, 1), largest first, no repeats;
    blank means none. ValueError when the text is not whole days."""
    return tuple(sorted({int(part) for part in text.replace(" ", "").split(",") if part}))[::-1]


def _lead_days_text(text: str) -> str:
    """ "30, 14,7 ,1" -> "30,14,7,1"; ValueError when not at most 8 days of 0 to 365."""
    days = lead_days(text)
    if len(days) > 8 or any(not 0 <= day <= 365 for day in days):
        raise ValueError(text)
    return ",".join(str(day) for day in days)


def update_firm_settings(
    session: Session,
    *,
    actor: Viewer,
    name: str,
    address: str,
    time_zone: str,
    date_format: str,
    phone: str | None = None,
    staff_reminder_lead_days: str | None = None,
) -> FirmSettings:
    """Change the firm's settings; a value left as None keeps what is saved."""
    problems = {}
    if staff_reminder_lead_days is not None:
        try:
            staff_reminder_lead_days = _lead_days_text(staff_reminder_lead_days)
        except ValueError:
            problems["staff_reminder_lead_days"] = (
                "List whole days between 0 and 365, separated by commas, e.g. 30, 14, 7, 1."
            )
    if not name.strip():
        problems["name"] = "Enter the firm's name."
    if time_zone not in available_timezones():
        problems["time_zone"] = "Choose a time zone from the list."
    if date_format not in DATE_FORMATS:
        problems["date_format"] = "Choose a date format from the list."
    problems |= over_column_limits(FirmSettings, {"name": name.strip(), "address": address.strip()})
    if problems:
        raise InvalidInput(problems)
    settings = firm_settings(session)
    before = settings.model_dump(exclude={"id"})
    settings.name, settings.address = name.strip(), address.strip()
    settings.time_zone, settings.date_format = time_zone, date_format
    if phone is not None:
        settings.phone = phone.strip()[:32]
    if staff_reminder_lead_days is not None:
        settings.staff_reminder_lead_days = staff_reminder_lead_days
    session.add(settings)
    after = settings.model_dump(exclude={"id"})
    changed = sorted(key for key in after if after[key] != before[key])
    if changed:
        record_event(
            session,
            kind="firm_settings_changed",
            summary=f"Firm settings changed: {', '.join(changed)}",
            actor=actor,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    return settings
