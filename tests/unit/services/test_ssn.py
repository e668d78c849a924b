"""The Social Security number: optional, checked, stored once, and shown only masked."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from sqlmodel import select

from immigration_app.models import CaseEvent, CaseMember, Person
from immigration_app.services.audit_log import AuditQuery, export_audit_csv
from immigration_app.services.cases import case_timeline, edit_member_profile
from immigration_app.services.errors import InvalidInput
from immigration_app.services.form_data import person_values
from immigration_app.services.people import PersonInput, create_person, normalize_ssn
from tests.factories import make_case, make_viewer

WHOLE = ("123456789", "123-45-6789", "123 45 6789")


@pytest.mark.parametrize("typed", ["123-45-6789", "123456789", " 123 45 6789 ", "12345-6789"])
def test_either_way_of_writing_it_is_stored_as_nine_digits(typed):
    assert normalize_ssn(typed.strip()) == "123456789"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12345678", "has 9 digits"),
        ("1234567890", "has 9 digits"),
        ("123-45-678a", "has 9 digits"),
        ("000-12-3456", "not a Social Security number"),
        ("666-12-3456", "not a Social Security number"),
        ("900-12-3456", "not a Social Security number"),
        ("999-12-3456", "not a Social Security number"),
        ("123-00-4567", "not a Social Security number"),
        ("123-45-0000", "not a Social Security number"),
    ],
)
def test_numbers_never_issued_are_refused_with_a_clear_message(session, typed, message):
    with pytest.raises(InvalidInput) as refused:
        create_person(session, PersonInput("Lee", "Ann", ssn=typed))
    assert message in refused.value.fields["ssn"]
    assert session.exec(select(Person)).first() is None


@pytest.fixture
def member(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney)
    person_id = session.exec(select(CaseMember.person_id)).one()
    return attorney, case, person_id


def _edit(session, member, **changes) -> list[str]:
    attorney, case, person_id = member
    shown = PersonInput.of(session, session.get(Person, person_id))
    return edit_member_profile(
        session,
        actor=attorney,
        reference=case.reference,
        person_id=person_id,
        data=dataclasses.replace(shown, **changes),
    )


def _ssn_events(session) -> list[CaseEvent]:
    events = session.exec(select(CaseEvent).where(CaseEvent.kind == "profile_updated"))
    return [event for event in events if "ssn" in event.after]


def test_a_staff_entry_is_an_event_that_shows_only_the_last_four_digits(session, member, caplog):
    caplog.set_level(logging.DEBUG)
    attorney, case, person_id = member
    assert _edit(session, member, ssn="123-45-6789") == ["Social Security number"]
    assert session.get(Person, person_id).ssn == "123456789"
    (event,) = _ssn_events(session)
    assert (event.before, event.after) == ({"ssn": ""}, {"ssn": "***-**-6789"})
    timeline = case_timeline(session, viewer=attorney, reference=case.reference).entries
    assert timeline[0].changes == ("Social Security number: (empty) → ***-**-6789",)
    admin = make_viewer(session, role="admin")
    exported = "".join(export_audit_csv(session, viewer=admin, query=AuditQuery()))
    assert "***-**-6789" in exported
    for whole in WHOLE:
        assert whole not in exported
        assert whole not in caplog.text


def test_the_form_shows_it_masked_and_sending_that_back_keeps_the_number(session, member):
    _, _, person_id = member
    _edit(session, member, ssn="123456789")
    shown = PersonInput.of(session, session.get(Person, person_id))
    assert shown.ssn == "***-**-6789"
    assert _edit(session, member, phone="555-0100") == ["Phone"]
    assert session.get(Person, person_id).ssn == "123456789"


def test_a_correction_and_a_removal_are_events_masked_on_both_sides(session, member):
    _, _, person_id = member
    _edit(session, member, ssn="123456789")
    assert _edit(session, member, ssn="123-45-6780") == ["Social Security number"]
    assert _edit(session, member, ssn="") == ["Social Security number"]
    assert session.get(Person, person_id).ssn == ""
    changes = [(event.before["ssn"], event.after["ssn"]) for event in _ssn_events(session)]
    assert sorted(changes) == sorted(
        [("", "***-**-6789"), ("***-**-6789", "***-**-6780"), ("***-**-6780", "")]
    )


def test_the_form_filler_gets_the_nine_digits(session, member):
    _, _, person_id = member
    _edit(session, member, ssn="123-45-6789")
    assert person_values(session, session.get(Person, person_id))["ssn"] == "123456789"
