from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from immigration_app.models import CaseEvent
from immigration_app.services.errors import InvalidInput
from immigration_app.services.firm import firm_clock, firm_settings, update_firm_settings
from tests.factories import make_viewer


def _update(session, actor, **overrides):
    values = dict(
        name="Lopez Law",
        address="1 Main St",
        time_zone="America/Los_Angeles",
        date_format="DD/MM/YYYY",
    )
    return update_firm_settings(session, actor=actor, **{**values, **overrides})


def test_settings_change_is_an_event_listing_only_what_changed(session):
    admin = make_viewer(session, role="admin")
    _update(session, admin)
    _update(session, admin, address="2 Main St")
    events = session.exec(
        select(CaseEvent).where(CaseEvent.kind == "firm_settings_changed").order_by(CaseEvent.id)
    ).all()
    assert events[-1].before == {"address": "1 Main St"}
    assert events[-1].after == {"address": "2 Main St"}
    assert firm_settings(session).address == "2 Main St"


def test_dates_are_shown_in_the_firms_zone_and_format(session):
    _update(session, make_viewer(session, role="admin"))
    clock = firm_clock(session)
    assert clock.date(date(2026, 3, 2)) == "02/03/2026"
    # 02:30 UTC on 3 March is still the evening of 2 March in Los Angeles.
    assert clock.moment(datetime(2026, 3, 3, 2, 30, tzinfo=UTC)) == "02/03/2026 6:30 PM"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": " "}, "name"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"date_format": "YY"}, "date_format"),
    ],
)
def test_bad_settings_are_refused_by_field(session, overrides, field):
    with pytest.raises(InvalidInput) as raised:
        _update(session, make_viewer(session, role="admin"), **overrides)
    assert set(raised.value.fields) == {field}
