"""Staff keep a case member's histories: addresses, jobs, marriages, parents, entries."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import select

from immigration_app.models import Address, CaseEvent, CaseMember, Marriage
from immigration_app.services import histories
from immigration_app.services.cases import MemberInput, open_case
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.firm import firm_clock
from immigration_app.services.intake import (
    client_answers,
    intake_profile,
    save_history_row,
    save_intake_profile,
)
from immigration_app.services.people import PersonInput
from immigration_app.services.portal import create_link, open_portal
from immigration_app.services.profile_histories import (
    case_histories,
    history_rows,
    member_histories,
    remove_history,
    save_history,
)
from tests.factories import make_case, make_viewer


@pytest.fixture
def case(session):
    """An attorney's case with its client, Maria Garcia."""
    attorney = make_viewer(session, role="attorney")
    opened = make_case(session, actor=attorney, family_name="Garcia")
    person_id = session.exec(
        select(CaseMember.person_id).where(CaseMember.case_id == opened.id)
    ).one()
    return SimpleNamespace(attorney=attorney, reference=opened.reference, person_id=person_id)


def _save(session, case, kind, values, row_id=None):
    return save_history(
        session,
        actor=case.attorney,
        reference=case.reference,
        person_id=case.person_id,
        kind=kind,
        values=values,
        row_id=row_id,
    )


def _rows(session, case, kind):
    return history_rows(
        session,
        viewer=case.attorney,
        reference=case.reference,
        person_id=case.person_id,
        kind=kind,
    ).rows


def _events(session) -> list[CaseEvent]:
    return list(
        session.exec(
            select(CaseEvent).where(CaseEvent.kind == "history_changed").order_by(CaseEvent.id)
        )
    )


def _problems(session, case, kind, values) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        _save(session, case, kind, values)
    return refused.value.fields


ADDRESS = {
    "street": "12 Main St",
    "city": "Houston",
    "state": "TX",
    "country": "United States",
    "from_date": "2022-03-01",
    "current": "on",
}
# A valid new row of each history, and one field changed by an edit.
ROWS = {
    "addresses": (ADDRESS, ("city", "Dallas")),
    "employment": (
        {"employer": "Acme", "occupation": "Cook", "from_date": "2020-01-01", "current": "on"},
        ("occupation", "Chef"),
    ),
    "marriages": (
        {
            "spouse_family_name": "Perez",
            "spouse_given_name": "Juan",
            "date_of_marriage": "2015-06-01",
            "place_of_marriage": "Houston, TX, United States",
        },
        ("place_of_marriage", "Monterrey, NL, Mexico"),
    ),
    "parents": (
        {"relationship": "mother", "family_name": "Lopez", "given_name": "Ana"},
        ("country_of_birth", "Mexico"),
    ),
    "entries": (
        {
            "arrival_date": "2019-07-04",
            "port_of_entry": "Houston, TX",
            "i94_number": "123456789a1",
            "status_at_entry": "B-2",
        },
        ("passport_number", "G1234567"),
    ),
}


@pytest.mark.parametrize("kind", list(ROWS))
def test_staff_add_edit_and_remove_a_row_of_each_history(session, case, kind):
    values, (field, changed) = ROWS[kind]
    added = _save(session, case, kind, values)
    assert [row.id for row in _rows(session, case, kind)] == [added.id]

    edited = _save(session, case, kind, {**added.values, field: changed}, row_id=added.id)
    assert edited.id == added.id and edited.values[field] == changed
    assert changed in edited.text

    remove_history(
        session,
        actor=case.attorney,
        reference=case.reference,
        person_id=case.person_id,
        kind=kind,
        row_id=added.id,
    )
    assert _rows(session, case, kind) == []
    added_event, edited_event, removed_event = _events(session)
    assert added_event.summary.startswith("Added a")
    assert edited_event.before[field] != edited_event.after[field] == changed
    assert removed_event.before[field] == changed and removed_event.after is None


def test_the_event_says_what_was_added_for_whom_and_by_whom(session, case):
    _save(session, case, "addresses", ADDRESS)
    [event] = _events(session)
    assert event.summary == (
        "Added an address for Maria Garcia: 12 Main St, Houston, TX, United States"
    )
    assert event.actor_user_id == case.attorney.id
    assert event.before is None
    assert event.after == {
        "street": "12 Main St",
        "city": "Houston",
        "state": "TX",
        "country": "United States",
        "from_date": "2022-03-01",
    }
    # Saved again unchanged: nothing new is written.
    row = _rows(session, case, "addresses")[0]
    _save(session, case, "addresses", row.values, row_id=row.id)
    assert len(_events(session)) == 1


def test_each_history_says_what_it_requires(session, case):
    assert _problems(session, case, "addresses", {"current": "on"}) == {
        "street": histories.REQUIRED,
        "city": histories.REQUIRED,
        "country": histories.REQUIRED,
        "from_date": histories.REQUIRED,
    }
    assert _problems(session, case, "employment", {"from_date": "2020-01-01"}) == {
        "employer": histories.REQUIRED,
        "to_date": histories.END_OR_CURRENT,
    }
    assert _problems(session, case, "marriages", {}) == {
        "spouse_family_name": histories.REQUIRED,
        "date_of_marriage": histories.REQUIRED,
    }
    assert _problems(session, case, "parents", {"relationship": "aunt"}) == {
        "relationship": histories.RELATIONSHIP,
        "family_name": histories.REQUIRED,
    }
    assert _problems(session, case, "entries", {"i94_number": "1234"}) == {
        "arrival_date": histories.REQUIRED,
        "i94_number": histories.I94_NUMBER,
    }


def test_dates_must_be_real_in_order_and_not_ahead_where_that_makes_no_sense(session, case):
    tomorrow = (firm_clock(session).today() + timedelta(days=1)).isoformat()
    marriage = {"spouse_family_name": "Perez", "date_of_marriage": "2015-06-01"}
    assert _problems(
        session, case, "marriages", {**marriage, "date_ended": "2014-01-01", "how_ended": "divorce"}
    ) == {"date_ended": histories.ENDS_BEFORE_START}
    assert _problems(session, case, "marriages", {**marriage, "date_of_marriage": tomorrow}) == {
        "date_of_marriage": histories.IN_THE_FUTURE
    }
    assert _problems(session, case, "marriages", {**marriage, "how_ended": "divorce"}) == {
        "date_ended": histories.SAY_WHEN_IT_ENDED
    }
    assert _problems(session, case, "marriages", {**marriage, "date_ended": "2018-01-01"}) == {
        "how_ended": histories.SAY_HOW_IT_ENDED
    }
    assert _problems(
        session,
        case,
        "parents",
        {"relationship": "father", "family_name": "Garcia", "date_of_birth": "1950-02-30"},
    ) == {"date_of_birth": histories.NOT_A_DATE}
    entry = {"arrival_date": "2019-07-04", "departure_date": "2019-07-01"}
    assert _problems(session, case, "entries", entry) == {
        "departure_date": histories.ENDS_BEFORE_START
    }
    # An admission runs into the future; its year still has to make sense.
    stay = {"arrival_date": "2019-07-04", "authorized_stay_until": "3019-01-01"}
    assert _problems(session, case, "entries", stay) == {
        "authorized_stay_until": histories.CHECK_YEAR
    }
    allowed = _save(session, case, "entries", {**stay, "authorized_stay_until": tomorrow})
    assert allowed.values["authorized_stay_until"] == tomorrow
    assert session.exec(select(Marriage)).all() == []


def test_an_i94_number_is_kept_as_the_forms_print_it(session, case):
    entry = {"arrival_date": "2019-07-04", "i94_number": "123 456 789a1"}
    assert _save(session, case, "entries", entry).values["i94_number"] == "123456789A1"


def test_one_current_address_and_one_marriage_that_has_not_ended(session, case):
    _save(session, case, "addresses", ADDRESS)
    assert _problems(session, case, "addresses", {**ADDRESS, "from_date": "2023-01-01"}) == {
        "to_date": histories.ONE_CURRENT_ADDRESS
    }
    first = _save(
        session,
        case,
        "marriages",
        {"spouse_family_name": "Perez", "date_of_marriage": "2010-05-01"},
    )
    second = {"spouse_family_name": "Ruiz", "date_of_marriage": "2020-05-01"}
    assert _problems(session, case, "marriages", second) == {
        "date_ended": histories.ONE_CURRENT_MARRIAGE
    }
    ended = {**first.values, "date_ended": "2018-01-01", "how_ended": "divorce"}
    _save(session, case, "marriages", ended, row_id=first.id)
    _save(session, case, "marriages", second)
    assert [row.text for row in _rows(session, case, "marriages")] == [
        "Ruiz",
        "Perez (ended by divorce)",
    ]


def test_a_paralegal_cannot_touch_another_paralegals_case(session):
    attorney = make_viewer(session, role="attorney")
    mine, theirs = make_viewer(session, role="paralegal"), make_viewer(session, role="paralegal")
    other = make_case(session, actor=attorney, paralegal_id=theirs.id)
    person_id = session.exec(
        select(CaseMember.person_id).where(CaseMember.case_id == other.id)
    ).one()
    row = Address(person_id=person_id, street="1 Main", city="Austin", from_date=date(2020, 1, 1))
    session.add(row)
    session.flush()
    where = {"reference": other.reference, "person_id": person_id, "kind": "addresses"}
    with pytest.raises(NotFound):
        history_rows(session, viewer=mine, **where)
    with pytest.raises(NotFound):
        save_history(session, actor=mine, values=ADDRESS, **where)
    with pytest.raises(NotFound):
        save_history(session, actor=mine, values=ADDRESS, row_id=row.id, **where)
    with pytest.raises(NotFound):
        remove_history(session, actor=mine, row_id=row.id, **where)
    assert session.get(Address, row.id).city == "Austin"
    assert _events(session) == []
    # Their own paralegal may.
    assert len(history_rows(session, viewer=theirs, **where).rows) == 1


def test_only_people_and_rows_of_the_case_can_be_edited(session, case):
    elsewhere = make_case(session, actor=case.attorney, family_name="Otro")
    stranger = session.exec(
        select(CaseMember.person_id).where(CaseMember.case_id == elsewhere.id)
    ).one()
    theirs = Address(person_id=stranger, street="1 Main", city="Austin", from_date=date(2020, 1, 1))
    session.add(theirs)
    session.flush()
    with pytest.raises(NotFound):  # someone on another case
        save_history(
            session,
            actor=case.attorney,
            reference=case.reference,
            person_id=stranger,
            kind="addresses",
            values=ADDRESS,
        )
    with pytest.raises(NotFound):  # a row of someone else, through this case's member
        _save(session, case, "addresses", ADDRESS, row_id=theirs.id)
    with pytest.raises(NotFound):
        _save(session, case, "passports", {})
    assert session.get(Address, theirs.id).city == "Austin"


def test_a_staff_edit_removes_the_from_client_mark_of_that_history(session, case):
    member_id = session.exec(
        select(CaseMember.id).where(CaseMember.person_id == case.person_id)
    ).one()
    _, token = create_link(
        session,
        actor=case.attorney,
        reference=case.reference,
        member_id=member_id,
        send_email=False,
    )
    access = open_portal(session, token=token)
    theirs = save_history_row(session, access, "addresses", None, ADDRESS)
    save_history_row(
        session,
        access,
        "employment",
        None,
        {"employer": "Acme", "from_date": "2020-01-01", "current": "on"},
    )
    save_intake_profile(
        session,
        access,
        dataclasses.replace(intake_profile(session, access), last_arrival_date="2019-07-04"),
    )
    assert client_answers(session, case.person_id) == {
        "addresses",
        "employment",
        "last_arrival_date",
    }

    _save(session, case, "addresses", {**theirs.values, "state": "Texas"}, row_id=theirs.id)
    assert client_answers(session, case.person_id) == {"employment", "last_arrival_date"}
    # The client's last arrival is the latest entry: correcting its date is a staff answer.
    [entry] = _rows(session, case, "entries")
    _save(session, case, "entries", {**entry.values, "arrival_date": "2019-07-05"}, row_id=entry.id)
    assert client_answers(session, case.person_id) == {"employment"}


def test_the_five_year_gaps_are_in_the_firms_date_format(session, case):
    clock = firm_clock(session)
    start = clock.today() - timedelta(days=400)
    _save(session, case, "addresses", {**ADDRESS, "from_date": start.isoformat()})
    parts = member_histories(
        session, viewer=case.attorney, reference=case.reference, person_id=case.person_id
    ).parts
    [(_, gap_end)] = parts["addresses"].gaps
    assert gap_end == clock.date(start - timedelta(days=1))
    [(_, today)] = parts["employment"].gaps  # no job: the whole five years
    assert today == clock.date(clock.today())
    assert parts["marriages"].gaps == [] and parts["parents"].rows == []


def test_a_case_opens_with_every_persons_histories_read_together(session):
    """The Profile tab reads all the people's histories in one call: each person gets their
    own rows, in the order one person's histories are read in."""
    attorney = make_viewer(session, role="attorney")
    paralegal = make_viewer(session, role="paralegal")
    opened = open_case(
        session,
        actor=attorney,
        case_type="aos-marriage",
        paralegal_id=make_viewer(session, role="paralegal").id,
        members=[
            MemberInput(role="petitioner", new_person=PersonInput("Smith", "John")),
            MemberInput(role="beneficiary", new_person=PersonInput("Garcia", "Maria")),
        ],
    )
    people = session.exec(
        select(CaseMember.person_id).where(CaseMember.case_id == opened.id).order_by(CaseMember.id)
    ).all()
    for n, person_id in enumerate(people):
        for year in (2016, 2021):
            session.add(
                Address(
                    person_id=person_id,
                    street=f"{n}{year} Main St",
                    city="Houston",
                    from_date=date(year, 1, 1),
                    to_date=date(year + 4, 12, 31) if year == 2016 else None,
                )
            )
    session.flush()

    together = case_histories(session, viewer=attorney, reference=opened.reference)

    assert sorted(member.person_id for member in together) == sorted(people)
    for member in together:
        one = member_histories(
            session, viewer=attorney, reference=opened.reference, person_id=member.person_id
        )
        assert member == one
        n = people.index(member.person_id)
        assert [row.text.split(",")[0] for row in member.parts["addresses"].rows] == [
            f"{n}2021 Main St",
            f"{n}2016 Main St",
        ]
    with pytest.raises(NotFound):  # a paralegal not on the case sees no one's histories
        case_histories(session, viewer=paralegal, reference=opened.reference)
