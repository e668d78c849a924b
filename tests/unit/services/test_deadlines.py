"""Deadlines on a case: made from a trigger with their explanation, closed with a note."""

import dataclasses
from datetime import date, timedelta

import pytest
from sqlmodel import select

from immigration_app.models import Case, CaseEvent, Deadline, Person, Reminder, ReminderStatus
from immigration_app.services.cases import (
    MemberInput,
    add_receipt_number,
    edit_member_profile,
    move_case,
    open_case,
)
from immigration_app.services.deadlines import (
    add_to_case,
    case_deadlines,
    close_deadline,
    set_buffer_days,
    set_client_interval,
)
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.firm import firm_clock
from immigration_app.services.people import PersonInput
from tests.factories import make_case, make_viewer


@pytest.fixture
def rfe_case(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney, attorney_id=attorney.id)
    return attorney, case


def test_an_rfe_notice_makes_its_due_date_with_the_sum_shown(session, rfe_case):
    attorney, case = rfe_case
    [deadline] = add_to_case(
        session,
        actor=attorney,
        reference=case.reference,
        trigger="rfe_notice",
        trigger_on=date(2026, 3, 2),
        mailed=True,
    )
    # 03/02/2026 + 84 + 3 = 05/28/2026; the default 14-day buffer aims for 05/14/2026.
    assert deadline.due_on == date(2026, 5, 28)
    assert deadline.internal_target_on == date(2026, 5, 14)
    assert "03/02/2026" in deadline.explanation and "05/28/2026" in deadline.explanation
    assert "8 CFR 103.2(b)(8)(iv)" in deadline.explanation
    assert session.get(Case, case.id).next_deadline_on == date(2026, 5, 28)
    event = session.exec(select(CaseEvent).where(CaseEvent.kind == "deadline_added")).one()
    assert "05/28/2026" in event.summary


def test_a_printed_due_date_wins_and_both_dates_are_kept(session, rfe_case):
    attorney, case = rfe_case
    [deadline] = add_to_case(
        session,
        actor=attorney,
        reference=case.reference,
        trigger="rfe_notice",
        trigger_on=date(2026, 3, 2),
        printed_on=date(2026, 5, 20),
    )
    assert (deadline.due_on, deadline.printed_on) == (date(2026, 5, 20), date(2026, 5, 20))
    assert deadline.computed_on == date(2026, 5, 25)  # 84 days, served in person


def test_one_trigger_can_open_and_close_a_window(session, rfe_case):
    attorney, case = rfe_case
    made = add_to_case(
        session,
        actor=attorney,
        reference=case.reference,
        trigger="conditional_residence_start",
        trigger_on=date(2025, 6, 10),
    )
    # Card expires 06/10/2027; the joint-filing window opens 90 days earlier, 03/12/2027.
    assert sorted(d.due_on for d in made) == [date(2027, 3, 12), date(2027, 6, 10)]


def test_the_case_type_buffer_sets_the_internal_target(session, rfe_case):
    attorney, case = rfe_case
    with pytest.raises(NotPermitted):
        set_buffer_days(session, actor=attorney, case_type=case.case_type, days=21)
    admin = make_viewer(session, role="admin")
    set_buffer_days(session, actor=admin, case_type=case.case_type, days=21)
    [deadline] = add_to_case(
        session,
        actor=attorney,
        reference=case.reference,
        trigger="noid_notice",
        trigger_on=date(2026, 4, 1),
    )
    # 04/01/2026 + 30 = 05/01/2026 (a Friday); 21 days earlier is Friday 04/10/2026.
    assert deadline.due_on == date(2026, 5, 1)
    assert deadline.internal_target_on == date(2026, 4, 10)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"trigger": "rfe_notice"}, "trigger_on"),
        ({"trigger": "no_such_event", "trigger_on": date(2026, 1, 5)}, "trigger"),
        ({"title": "Send passport copy"}, "due_on"),
        ({"title": "  ", "due_on": date(2026, 1, 5)}, "title"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_is_added(session, rfe_case, fields, field):
    attorney, case = rfe_case
    with pytest.raises(InvalidInput) as refused:
        add_to_case(session, actor=attorney, reference=case.reference, **fields)
    assert refused.value.fields
    assert session.exec(select(Deadline)).all() == []


def test_a_printed_date_before_the_notice_is_refused(session, rfe_case):
    attorney, case = rfe_case
    with pytest.raises(InvalidInput):
        add_to_case(
            session,
            actor=attorney,
            reference=case.reference,
            trigger="rfe_notice",
            trigger_on=date(2026, 3, 2),
            printed_on=date(2026, 1, 1),
        )


def test_staff_reminders_are_planned_at_each_lead_time_and_cancelled_on_closing(session, rfe_case):
    attorney, case = rfe_case
    today = firm_clock(session).today()
    [deadline] = add_to_case(
        session,
        actor=attorney,
        reference=case.reference,
        title="File the I-130",
        due_on=today + timedelta(days=20),
    )
    planned = session.exec(select(Reminder).where(Reminder.deadline_id == deadline.id)).all()
    # 30 days before is already past; 14, 7 and 1 days before, and the first overdue day.
    assert sorted(r.lead_days for r in planned) == [-1, 1, 7, 14]

    with pytest.raises(InvalidInput) as refused:
        close_deadline(
            session,
            actor=attorney,
            reference=case.reference,
            deadline_id=deadline.id,
            outcome="completed",
            note=" ",
        )
    assert "note" in refused.value.fields

    close_deadline(
        session,
        actor=attorney,
        reference=case.reference,
        deadline_id=deadline.id,
        outcome="completed",
        note="Filed by FedEx, tracking 7712",
    )
    statuses = {
        r.status for r in session.exec(select(Reminder).where(Reminder.deadline_id == deadline.id))
    }
    assert statuses == {ReminderStatus.CANCELLED}
    assert session.get(Case, case.id).next_deadline_on is None
    [view] = case_deadlines(session, viewer=attorney, reference=case.reference)
    assert view.status == "completed" and "Filed by FedEx" in view.closed


def test_a_paralegal_cannot_touch_deadlines_of_a_case_assigned_to_someone_else(session, rfe_case):
    attorney, _ = rfe_case
    paralegal = make_viewer(session, role="paralegal")
    other = make_viewer(session, role="paralegal")
    case = make_case(session, actor=attorney, paralegal_id=other.id)
    with pytest.raises(NotFound):
        add_to_case(
            session,
            actor=paralegal,
            reference=case.reference,
            title="x",
            due_on=date(2026, 12, 1),
        )


def test_status_updates_can_be_spaced_out_or_turned_off_per_case(session, rfe_case):
    attorney, case = rfe_case
    add_receipt_number(
        session, actor=attorney, reference=case.reference, receipt_number="IOE0912345678"
    )
    move_case(session, actor=attorney, reference=case.reference, stage="filed_pending")

    def planned() -> list[Reminder]:
        return session.exec(
            select(Reminder).where(
                Reminder.kind == "client_no_update", Reminder.status == ReminderStatus.PENDING
            )
        ).all()

    today = firm_clock(session).today()
    [first] = planned()
    assert first.key.endswith((today + timedelta(days=14)).isoformat())
    set_client_interval(
        session, actor=attorney, reference=case.reference, which="status_updates", days=30
    )
    [spaced] = planned()
    assert spaced.key.endswith((today + timedelta(days=30)).isoformat())
    set_client_interval(
        session, actor=attorney, reference=case.reference, which="status_updates", days=0
    )
    assert planned() == []
    with pytest.raises(InvalidInput):
        set_client_interval(
            session, actor=attorney, reference=case.reference, which="status_updates", days=400
        )


def test_a_window_opening_never_makes_a_case_overdue(session, rfe_case):
    attorney, case = rfe_case
    today = firm_clock(session).today()
    add_to_case(
        session,
        actor=attorney,
        reference=case.reference,
        trigger="daca_expiry",
        trigger_on=today + timedelta(days=130),
    )
    # The window opened 20 days ago (150 before expiry); it closes in 10 days (120 before).
    assert session.get(Case, case.id).next_deadline_on == today + timedelta(days=10)
    views = {v.kind: v for v in case_deadlines(session, viewer=attorney, reference=case.reference)}
    assert (views["window_opens"].days_left, views["window_opens"].missable) == (-20, False)


def test_an_i94_date_on_a_profile_makes_the_deadline_and_a_change_replaces_it(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney, attorney_id=attorney.id)
    [client] = session.exec(select(Person)).all()
    profile = PersonInput.of(session, client)

    def edit(**dates):
        edit_member_profile(
            session,
            actor=attorney,
            reference=case.reference,
            person_id=client.id,
            data=dataclasses.replace(profile, **dates),
        )

    def open_deadlines():
        return session.exec(
            select(Deadline).where(Deadline.case_id == case.id, Deadline.status == "open")
        ).all()

    edit(i94_admit_until="2027-03-06")
    [first] = open_deadlines()
    assert (first.due_on, first.person_id) == (date(2027, 3, 6), client.id)
    assert first.title.endswith("Maria Garcia")
    assert "Saturday" in first.warning  # the rule warns; it does not move the date

    edit(i94_admit_until="2027-09-30")
    [second] = open_deadlines()
    assert second.due_on == date(2027, 9, 30)
    replaced = session.get(Deadline, first.id)
    assert replaced.status == "waived" and "09/30/2027" in replaced.closed_note

    edit(i94_admit_until="")
    assert open_deadlines() == []


def test_a_last_arrival_starts_the_asylum_clock_only_on_an_asylum_case(session):
    attorney = make_viewer(session, role="attorney")
    asylum = make_case(session, actor=attorney, case_type="asylum-affirmative")
    [person] = session.exec(select(Person)).all()
    other = open_case(
        session,
        actor=attorney,
        case_type="n400-naturalization",
        members=[MemberInput(role="applicant", person_id=person.id)],
    )
    edit_member_profile(
        session,
        actor=attorney,
        reference=asylum.reference,
        person_id=person.id,
        data=dataclasses.replace(PersonInput.of(session, person), last_arrival_date="2026-11-27"),
    )
    # Arrival is day 0; 11/27/2027 is a Saturday, so the deadline runs to Monday 11/29/2027.
    [deadline] = session.exec(select(Deadline).where(Deadline.case_id == asylum.id)).all()
    assert deadline.due_on == date(2027, 11, 29)
    assert session.exec(select(Deadline).where(Deadline.case_id == other.id)).all() == []
