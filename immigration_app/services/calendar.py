"""Private iCal feeds (a staff member's deadlines, or one case's) and the month view.

A feed URL carries a random token; only its hash is stored, so the database never holds a
working URL. A feed answers only while its owner is active and may still see the case, and
revoking it kills the URL at once.
"""

from __future__ import annotations

import calendar as month_grid
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import icalendar
from sqlmodel import Session, select

from immigration_app.models import (
    CalendarFeed,
    Case,
    CaseMember,
    Deadline,
    DeadlineStatus,
    Person,
    User,
    utcnow,
)
from immigration_app.services.audit import record_event
from immigration_app.services.auth import token_digest
from immigration_app.services.errors import NotFound
from immigration_app.services.firm import firm_clock, firm_settings
from immigration_app.services.people import display_name
from immigration_app.services.users import viewer_of
from immigration_app.services.viewer import Viewer, visible_case, visible_cases

FEED_PATH = "/api/calendar/{token}.ics"
APPOINTMENT_LENGTH = timedelta(hours=1)


@dataclass(frozen=True)
class FeedView:
    id: int
    label: str
    created: str


def create_feed(session: Session, *, actor: Viewer, reference: str = "") -> str:
    """A new feed for the actor's own deadlines, or for one case; returns the secret token."""
    case = visible_case(session, viewer=actor, reference=reference) if reference else None
    token = secrets.token_urlsafe(32)
    session.add(
        CalendarFeed(
            token_hash=token_digest(token),
            user_id=None if case else actor.id,
            case_id=case.id if case else None,
            created_by_id=actor.id,
        )
    )
    record_event(
        session,
        kind="calendar_feed_created",
        summary="Calendar feed created" + (f" for case {case.reference}" if case else ""),
        actor=actor,
        case_id=case.id if case else None,
    )
    return token


def my_feeds(session: Session, *, viewer: Viewer) -> list[FeedView]:
    clock = firm_clock(session)
    rows = session.exec(
        select(CalendarFeed, Case.reference)
        .join(Case, Case.id == CalendarFeed.case_id, isouter=True)
        .where(CalendarFeed.created_by_id == viewer.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.created_at)
    ).all()
    return [
        FeedView(
            id=feed.id,
            label=f"Case {reference}" if reference else "My deadlines",
            created=clock.moment(feed.created_at),
        )
        for feed, reference in rows
    ]


def revoke_feed(session: Session, *, actor: Viewer, feed_id: int) -> None:
    feed = session.get(CalendarFeed, feed_id)
    if feed is None or feed.created_by_id != actor.id or feed.revoked_at is not None:
        raise NotFound(f"No feed {feed_id}")
    feed.revoked_at = utcnow()
    session.add(feed)
    record_event(
        session,
        kind="calendar_feed_revoked",
        summary="Calendar feed revoked",
        actor=actor,
        case_id=feed.case_id,
    )


def _feed_deadlines(session: Session, feed: CalendarFeed) -> list | None:
    """The feed's open deadlines, seen with its owner's rights today (not when it was made)."""
    owner = session.get(User, feed.created_by_id)
    if owner is None or not owner.is_active:
        return None
    viewer = viewer_of(owner)
    query = (
        select(Deadline, Case.reference, Person)
        .join(Case, Case.id == Deadline.case_id)
        .join(CaseMember, (CaseMember.case_id == Case.id) & CaseMember.is_primary_client)
        .join(Person, Person.id == CaseMember.person_id)
        .where(Deadline.status == DeadlineStatus.OPEN, visible_cases(viewer))
    )
    if feed.case_id is not None:
        query = query.where(Case.id == feed.case_id)
    else:
        query = query.where((Case.attorney_id == owner.id) | (Case.paralegal_id == owner.id))
    return session.exec(query.order_by(Deadline.due_on)).all()


def feed_ics(session: Session, token: str) -> bytes | None:
    """The feed's calendar (RFC 5545), or None for an unknown or revoked token."""
    feed = session.exec(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == token_digest(token), CalendarFeed.revoked_at.is_(None)
        )
    ).first()
    rows = _feed_deadlines(session, feed) if feed else None
    if rows is None:
        return None
    clock = firm_clock(session)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Case Desk//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{firm_settings(session).name}: deadlines")
    calendar.add("x-wr-timezone", str(clock.time_zone))
    stamp = utcnow()
    for deadline, reference, client in rows:
        event = icalendar.Event()
        event.add("uid", f"deadline-{deadline.id}@case-desk")
        event.add("dtstamp", stamp)
        event.add("summary", f"{deadline.title} · {display_name(client)} ({reference})")
        if deadline.starts_at_local:
            start = datetime.combine(deadline.due_on, deadline.starts_at_local, clock.time_zone)
            event.add("dtstart", start)
            event.add("dtend", start + APPOINTMENT_LENGTH)
        else:
            event.add("dtstart", deadline.due_on)
            event.add("dtend", deadline.due_on + timedelta(days=1))
        if deadline.place:
            event.add("location", deadline.place)
        event.add("description", deadline.explanation)
        calendar.add_component(event)
    return calendar.to_ical()


# --- the month view --------------------------------------------------------------------------


@dataclass(frozen=True)
class DayEntry:
    title: str
    reference: str
    overdue: bool


@dataclass(frozen=True)
class CalendarDay:
    day: int  # 0 for the blanks before the 1st and after the last day
    iso: str
    is_today: bool
    deadlines: list[DayEntry]


@dataclass(frozen=True)
class CalendarWeek:
    days: list[CalendarDay]


@dataclass(frozen=True)
class MonthView:
    title: str  # "November 2026"
    previous: str  # "2026-10"
    following: str
    weeks: list[CalendarWeek]


def month_view(session: Session, *, viewer: Viewer, month: str = "") -> MonthView:
    """Open deadlines of the cases the viewer may see, laid out on a month grid."""
    today = firm_clock(session).today()
    try:
        first = date.fromisoformat(f"{month}-01") if month else today.replace(day=1)
    except ValueError:
        first = today.replace(day=1)
    last = first.replace(day=month_grid.monthrange(first.year, first.month)[1])
    rows = session.exec(
        select(Deadline.due_on, Deadline.title, Case.reference)
        .join(Case, Case.id == Deadline.case_id)
        .where(
            Deadline.status == DeadlineStatus.OPEN,
            Deadline.due_on.between(first, last),
            visible_cases(viewer),
        )
        .order_by(Deadline.due_on, Case.reference)
    ).all()
    by_day: dict[date, list[DayEntry]] = {}
    for due_on, title, reference in rows:
        by_day.setdefault(due_on, []).append(DayEntry(title, reference, due_on < today))
    in_month = first.month
    grid = month_grid.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)
    weeks = [
        CalendarWeek(
            [
                CalendarDay(
                    day=day.day if day.month == in_month else 0,
                    iso=day.isoformat(),
                    is_today=day == today,
                    deadlines=by_day.get(day, []) if day.month == in_month else [],
                )
                for day in week
            ]
        )
        for week in grid
    ]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return MonthView(
        title=f"{first:%B %Y}",
        previous=f"{previous:%Y-%m}",
        following=f"{following:%Y-%m}",
        weeks=weeks,
    )
