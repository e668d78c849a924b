"""Private iCal feeds parse as RFC 5545, show only what their owner may see, and can be revoked."""

from datetime import date, time

import icalendar
import pytest
from sqlmodel import select

from immigration_app.models import CalendarFeed
from immigration_app.services.calendar import create_feed, feed_ics, month_view, revoke_feed
from immigration_app.services.deadlines import add_to_case
from immigration_app.services.errors import NotFound
from immigration_app.services.firm import firm_clock
from immigration_app.services.users import set_user_active
from tests.factories import make_case, make_viewer


@pytest.fixture
def firm(session):
    attorney = make_viewer(session, role="attorney")
    paralegal = make_viewer(session, role="paralegal")
    mine = make_case(session, actor=attorney, attorney_id=attorney.id, paralegal_id=paralegal.id)
    colleague = make_viewer(session, role="paralegal")
    theirs = make_case(
        session,
        actor=attorney,
        family_name="Nguyen",
        attorney_id=attorney.id,
        paralegal_id=colleague.id,
    )
    add_to_case(
        session,
        actor=attorney,
        reference=mine.reference,
        trigger="biometrics_appointment",
        trigger_on=date(2027, 1, 12),
        starts_at_local=time(9, 30),
        place="ASC Chicago, 101 W Congress Pkwy",
    )
    add_to_case(
        session,
        actor=attorney,
        reference=theirs.reference,
        title="Send translations",
        due_on=date(2027, 1, 20),
    )
    return attorney, paralegal, mine, theirs


def _events(body: bytes) -> list:
    calendar = icalendar.Calendar.from_ical(body)
    return list(calendar.walk("VEVENT"))


def test_a_staff_feed_lists_the_deadlines_of_their_cases(session, firm):
    attorney, paralegal, mine, _ = firm
    events = _events(feed_ics(session, create_feed(session, actor=paralegal)))
    [appointment] = events
    assert "Biometrics" in str(appointment["SUMMARY"]) and mine.reference in str(
        appointment["SUMMARY"]
    )
    assert appointment.decoded("DTSTART").hour == 9
    assert "ASC Chicago" in str(appointment["LOCATION"])
    assert len(_events(feed_ics(session, create_feed(session, actor=attorney)))) == 2


def test_a_case_feed_is_only_that_case_and_dates_are_all_day(session, firm):
    attorney, _, _, theirs = firm
    [event] = _events(
        feed_ics(session, create_feed(session, actor=attorney, reference=theirs.reference))
    )
    assert event.decoded("DTSTART") == date(2027, 1, 20)
    assert event.decoded("DTEND") == date(2027, 1, 21)


def test_revoked_feeds_and_deactivated_owners_answer_nothing(session, firm):
    attorney, paralegal, _, _ = firm
    token = create_feed(session, actor=paralegal)
    feed = session.exec(select(CalendarFeed)).one()
    with pytest.raises(NotFound):
        revoke_feed(session, actor=attorney, feed_id=feed.id)  # not theirs
    revoke_feed(session, actor=paralegal, feed_id=feed.id)
    assert feed_ics(session, token) is None
    assert feed_ics(session, "not-a-token") is None
    other = create_feed(session, actor=paralegal)
    admin = make_viewer(session, role="admin")
    set_user_active(session, actor=admin, user_id=paralegal.id, active=False)
    assert feed_ics(session, other) is None


def test_only_the_token_hash_is_stored(session, firm):
    attorney, _, _, _ = firm
    token = create_feed(session, actor=attorney)
    stored = session.exec(select(CalendarFeed.token_hash)).one()
    assert token not in stored and len(stored) == 64


def test_the_month_view_places_deadlines_on_their_days(session, firm):
    attorney, paralegal, mine, _ = firm
    view = month_view(session, viewer=attorney, month="2027-01")
    assert view.title == "January 2027"
    days = {day.iso: day for week in view.weeks for day in week.days}
    assert [e.reference for e in days["2027-01-12"].deadlines] == [mine.reference]
    assert len(days["2027-01-20"].deadlines) == 1
    assert view.previous == "2026-12" and view.following == "2027-02"
    # A paralegal sees only their cases and unassigned ones.
    paralegal_days = {
        d.iso: d
        for week in month_view(session, viewer=paralegal, month="2027-01").weeks
        for d in week.days
    }
    assert paralegal_days["2027-01-20"].deadlines == []
    today = firm_clock(session).today()
    assert month_view(session, viewer=attorney, month="garbage").title == f"{today:%B %Y}"
