"""The client's intake questionnaire: their own profile and five-year histories, via the portal."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import select

from immigration_app.models import (
    Address,
    CaseEvent,
    CaseMember,
    ClientAnswer,
    Deadline,
    DeadlineStatus,
    Employment,
    Person,
)
from immigration_app.services.audit import PORTAL_ACTOR
from immigration_app.services.cases import case_workspace, edit_member_profile
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.firm import firm_clock
from immigration_app.services.histories import history_gaps
from immigration_app.services.intake import (
    client_answers,
    history,
    history_part,
    intake_profile,
    remove_history_row,
    save_history_row,
    save_intake_profile,
)
from immigration_app.services.portal import create_link, open_portal
from immigration_app.services.profile_histories import member_histories
from tests.factories import make_case, make_viewer


@pytest.fixture
def portal(session):
    """A case, staff, and the portal access its client's link opens."""
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney, family_name="Garcia")
    member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).one()
    _, token = create_link(
        session, actor=attorney, reference=case.reference, member_id=member.id, send_email=False
    )
    access = open_portal(session, token=token)
    return SimpleNamespace(attorney=attorney, case=case, access=access)


def _profile_events(session) -> list[CaseEvent]:
    return list(
        session.exec(
            select(CaseEvent).where(CaseEvent.kind == "profile_updated").order_by(CaseEvent.id)
        )
    )


def _today(session) -> date:
    return firm_clock(session).today()


def _address(start: str, end: str = "", **values) -> dict[str, str]:
    return {
        "street": "12 Elm St",
        "city": "Houston",
        "state": "TX",
        "postal_code": "77001",
        "country": "United States",
        "from_date": start,
        "to_date": end,
        "current": "" if end else "on",
        **values,
    }


# --- the profile -----------------------------------------------------------------------------


def test_the_client_saves_their_profile_on_the_person_staff_see(session, portal):
    access = portal.access
    answers = dataclasses.replace(
        intake_profile(session, access),
        city_of_birth="Guadalajara",
        country_of_birth="Mexico",
        a_number="12345678",
        phone="555-0100",
    )
    changed = save_intake_profile(session, access, answers, client_address="203.0.113.9")

    assert set(changed) == {"city_of_birth", "country_of_birth", "a_number", "phone"}
    person = session.get(Person, access.person_id)
    assert (person.city_of_birth, person.a_number, person.phone) == (
        "Guadalajara",
        "012345678",
        "555-0100",
    )
    [event] = _profile_events(session)
    assert event.actor_label == PORTAL_ACTOR and event.actor_user_id is None
    assert event.case_id == portal.case.id and event.client_address == "203.0.113.9"
    assert event.before["a_number"] == "" and event.after["a_number"] == "012345678"
    assert client_answers(session, access.person_id) == set(changed)
    mark = session.get(ClientAnswer, (access.person_id, "a_number"))
    assert mark.link_id == access.link_id
    # Saved again unchanged: nothing new is written.
    assert save_intake_profile(session, access, answers) == []
    assert len(_profile_events(session)) == 1


def test_an_invalid_answer_keeps_the_old_values_and_names_each_field(session, portal):
    access = portal.access
    before = intake_profile(session, access)
    wrong = dataclasses.replace(
        before,
        date_of_birth="1980-13-45",
        given_name="",
        a_number="12",
        city_of_birth="Lima",
    )
    with pytest.raises(InvalidInput) as refused:
        save_intake_profile(session, access, wrong)
    assert set(refused.value.fields) == {"date_of_birth", "given_name", "a_number"}
    assert intake_profile(session, access) == before
    assert _profile_events(session) == []
    assert client_answers(session, access.person_id) == set()


def test_the_client_cannot_change_what_staff_own(session, portal):
    access = portal.access
    forged = dataclasses.replace(
        intake_profile(session, access), preferred_language="es", phone="555-0199"
    )
    assert save_intake_profile(session, access, forged) == ["phone"]
    person = session.get(Person, access.person_id)
    assert person.preferred_language == "en"


def test_the_client_enters_their_ssn_and_sees_it_only_masked(session, portal):
    access = portal.access
    answers = dataclasses.replace(intake_profile(session, access), ssn="123 45 6789")
    assert save_intake_profile(session, access, answers) == ["ssn"]
    assert session.get(Person, access.person_id).ssn == "123456789"
    assert intake_profile(session, access).ssn == "***-**-6789"
    assert "ssn" in client_answers(session, access.person_id)
    (event,) = _profile_events(session)
    assert (event.before, event.after) == ({"ssn": ""}, {"ssn": "***-**-6789"})
    # The form sent back as shown changes nothing.
    assert save_intake_profile(session, access, intake_profile(session, access)) == []


def test_a_staff_correction_removes_the_from_client_mark(session, portal):
    access = portal.access
    answers = dataclasses.replace(intake_profile(session, access), phone="555-0100", email="")
    save_intake_profile(session, access, dataclasses.replace(answers, email="m@client.example"))
    assert client_answers(session, access.person_id) == {"phone", "email"}
    edit_member_profile(
        session,
        actor=portal.attorney,
        reference=portal.case.reference,
        person_id=access.person_id,
        data=dataclasses.replace(intake_profile(session, access), phone="555-0111"),
    )
    assert client_answers(session, access.person_id) == {"email"}


def test_an_i94_date_from_the_client_moves_its_deadline(session, portal):
    access = portal.access
    soon = (_today(session) + timedelta(days=200)).isoformat()
    later = (_today(session) + timedelta(days=300)).isoformat()
    profile = intake_profile(session, access)
    save_intake_profile(session, access, dataclasses.replace(profile, i94_admit_until=soon))
    save_intake_profile(session, access, dataclasses.replace(profile, i94_admit_until=later))
    deadlines = session.exec(
        select(Deadline).where(Deadline.case_id == portal.case.id, Deadline.person_id.is_not(None))
    ).all()
    assert {deadline.trigger_on.isoformat() for deadline in deadlines} >= {soon, later}
    waived = [deadline for deadline in deadlines if deadline.status == DeadlineStatus.WAIVED]
    assert waived and all(deadline.closed_by_id is None for deadline in waived)


# --- the histories ---------------------------------------------------------------------------


def test_the_client_adds_edits_and_removes_an_address(session, portal):
    access = portal.access
    old = save_history_row(
        session, access, "addresses", None, _address("2019-01-01", "2022-02-28", unit_type="Apt.")
    )
    new = save_history_row(session, access, "addresses", None, _address("2022-03-01"))
    rows = history(session, access, "addresses")
    assert [row.id for row in rows] == [new.id, old.id]  # newest (current) first
    assert rows[1].text == "12 Elm St Apt., Houston, TX 77001, United States"
    assert rows[0].values["current"] == "on" and rows[0].to_date is None

    changed = save_history_row(
        session, access, "addresses", old.id, _address("2019-01-01", "2022-02-28", city="Dallas")
    )
    assert changed.id == old.id and "Dallas" in changed.text
    remove_history_row(session, access, "addresses", new.id)
    assert [row.id for row in history(session, access, "addresses")] == [old.id]

    events = _profile_events(session)
    assert [event.summary.split(": ", 1)[1] for event in events] == [
        "address added",
        "address added",
        "address changed",
        "address removed",
    ]
    assert all(event.actor_label == PORTAL_ACTOR for event in events)
    assert "Houston" in events[2].before["addresses"] and "Dallas" in events[2].after["addresses"]
    assert events[3].after == {"addresses": ""}
    assert client_answers(session, access.person_id) == {"addresses"}


def test_a_job_row_is_validated(session, portal):
    access = portal.access
    tomorrow = (_today(session) + timedelta(days=1)).isoformat()
    cases = [
        ({"employer": "", "from_date": "2020-01-01", "current": "on"}, {"employer"}),
        ({"employer": "Acme", "from_date": "2021-05-01", "to_date": "2020-01-01"}, {"to_date"}),
        ({"employer": "Acme", "from_date": tomorrow, "current": "on"}, {"from_date"}),
        ({"employer": "Acme", "from_date": "2020-01-01"}, {"to_date"}),  # end, or current
        (
            {
                "employer": "Acme",
                "from_date": "2020-01-01",
                "to_date": "2021-01-01",
                "current": "on",
            },
            {"to_date"},
        ),
        ({"employer": "Acme", "from_date": "01/02/2020", "current": "on"}, {"from_date"}),
        ({"employer": "A" * 201, "from_date": "2020-01-01", "current": "on"}, {"employer"}),
    ]
    for values, fields in cases:
        with pytest.raises(InvalidInput) as refused:
            save_history_row(session, access, "employment", None, values)
        assert set(refused.value.fields) == fields, values
    assert history(session, access, "employment") == []
    job = save_history_row(
        session,
        access,
        "employment",
        None,
        {"employer": "Acme", "occupation": "Cook", "from_date": "2020-01-01", "current": "on"},
    )
    assert job.text == "Acme (Cook)"


def test_only_one_address_is_where_the_client_lives_now(session, portal):
    access = portal.access
    save_history_row(session, access, "addresses", None, _address("2022-03-01"))
    with pytest.raises(InvalidInput) as refused:
        save_history_row(session, access, "addresses", None, _address("2023-01-01"))
    assert set(refused.value.fields) == {"to_date"}


def test_another_persons_row_is_not_found(session, portal):
    other_case = make_case(session, actor=portal.attorney, family_name="Otro")
    other_person = session.exec(
        select(CaseMember.person_id).where(CaseMember.case_id == other_case.id)
    ).one()
    theirs = Address(
        person_id=other_person, street="1 Main", city="Austin", from_date=date(2020, 1, 1)
    )
    session.add(theirs)
    session.flush()
    with pytest.raises(NotFound):
        save_history_row(session, portal.access, "addresses", theirs.id, _address("2021-01-01"))
    with pytest.raises(NotFound):
        remove_history_row(session, portal.access, "addresses", theirs.id)
    with pytest.raises(NotFound):
        save_history_row(session, portal.access, "passports", None, {})
    assert session.get(Address, theirs.id).city == "Austin"
    assert history(session, portal.access, "addresses") == []


def test_history_rows_keep_to_the_link_person(session, portal):
    other_case = make_case(session, actor=portal.attorney, family_name="Otro")
    other_person = session.exec(
        select(CaseMember.person_id).where(CaseMember.case_id == other_case.id)
    ).one()
    session.add(Employment(person_id=other_person, employer="Elsewhere"))
    session.flush()
    assert history(session, portal.access, "employment") == []


# --- five-year gaps --------------------------------------------------------------------------


def _span(start: str, end: str | None = None):
    return SimpleNamespace(
        from_date=date.fromisoformat(start), to_date=date.fromisoformat(end) if end else None
    )


TODAY = date(2026, 11, 26)


def test_no_rows_leave_the_whole_five_years_to_fill():
    assert history_gaps([], TODAY) == [(date(2021, 11, 26), TODAY)]


def test_a_current_row_covers_up_to_today_and_back_to_its_start():
    assert history_gaps([_span("2024-01-15")], TODAY) == [(date(2021, 11, 26), date(2024, 1, 14))]
    assert history_gaps([_span("2010-01-01")], TODAY) == []


def test_gaps_between_rows_overlaps_and_adjacent_days():
    rows = [
        _span("2022-08-01"),  # current
        _span("2019-05-01", "2022-02-28"),
        _span("2020-01-01", "2021-06-30"),  # overlaps the row above
        _span("2022-03-01", "2022-03-10"),  # starts the day after the row above ends
        _span("2015-01-01", "2016-01-01"),  # before the window: ignored
    ]
    assert history_gaps(rows, TODAY) == [(date(2022, 3, 11), date(2022, 7, 31))]


def test_a_row_that_ended_before_today_leaves_the_recent_days_open():
    assert history_gaps([_span("2020-01-01", "2026-10-31")], TODAY) == [(date(2026, 11, 1), TODAY)]


def test_rows_without_a_start_are_not_placed_and_leap_days_are_handled():
    undated = SimpleNamespace(from_date=None, to_date=date(2025, 1, 1))
    assert history_gaps([undated], date(2024, 2, 29)) == [(date(2019, 2, 28), date(2024, 2, 29))]


def test_the_portal_part_says_the_gaps_in_the_firms_date_format(session, portal):
    access = portal.access
    today = _today(session)
    start = today - timedelta(days=400)
    save_history_row(session, access, "addresses", None, _address(start.isoformat()))
    part = history_part(session, access, "addresses")
    clock = firm_clock(session)
    assert len(part.rows) == 1
    assert part.gaps[-1][1] == clock.date(start - timedelta(days=1))


# --- staff side ------------------------------------------------------------------------------


def test_staff_see_the_histories_and_which_answers_came_from_the_client(session, portal):
    access = portal.access
    save_history_row(session, access, "addresses", None, _address("2022-03-01"))
    save_intake_profile(
        session, access, dataclasses.replace(intake_profile(session, access), phone="555-0100")
    )
    [member] = case_workspace(
        session, viewer=portal.attorney, reference=portal.case.reference
    ).members
    assert set(member.from_client) == {"addresses", "phone"}
    assert member.client_answered == "Phone, Addresses"
    parts = member_histories(
        session,
        viewer=portal.attorney,
        reference=portal.case.reference,
        person_id=access.person_id,
    ).parts
    assert [row.text for row in parts["addresses"].rows] == [
        "12 Elm St, Houston, TX 77001, United States"
    ]
    assert parts["addresses"].rows[0].until == ""  # where the client lives now
    assert parts["employment"].rows == []
