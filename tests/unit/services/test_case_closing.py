"""Closing a case when the firm's work ends, and reopening it: who may, what goes quiet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from immigration_app.models import (
    CaseEvent,
    CaseMember,
    DeadlineStatus,
    Message,
    MessageStatus,
    Reminder,
    ReminderStatus,
    utcnow,
)
from immigration_app.services.case_closing import close_case, reopen_case
from immigration_app.services.case_list import CaseQuery, search_cases
from immigration_app.services.cases import case_workspace
from immigration_app.services.deadlines import add_deadline
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.firm import firm_clock
from immigration_app.services.portal import PortalRefused, check_link, create_link, open_portal
from immigration_app.services.reminders import messages_for_due
from tests.factories import make_case, make_viewer


@pytest.fixture
def attorney(session):
    return make_viewer(session, role="attorney")


@pytest.fixture
def case(session, attorney):
    # A DACA renewal asks the client for documents: its reminders are planned at once.
    return make_case(session, actor=attorney, case_type="daca-renewal", attorney_id=attorney.id)


def _events(session, case, kind: str) -> list[CaseEvent]:
    return list(
        session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == kind))
    )


def _pending_reminders(session, case) -> list[Reminder]:
    return list(
        session.exec(
            select(Reminder).where(
                Reminder.case_id == case.id, Reminder.status == ReminderStatus.PENDING
            )
        )
    )


def _listed(session, viewer, **query) -> list[str]:
    page = search_cases(session, viewer=viewer, query=CaseQuery(**query))
    return [row.reference for row in page.rows]


def test_closing_sets_today_and_records_the_outcome_with_before_and_after(session, attorney, case):
    close_case(
        session, actor=attorney, reference=case.reference, outcome="approved", note="EAD in hand"
    )
    clock = firm_clock(session)
    assert case.closed_on == clock.today()
    [event] = _events(session, case, "case_closed")
    assert event.before == {"closed_on": None}
    assert event.after["closed_on"] == clock.date(clock.today())
    assert event.after["outcome"] == "approved"
    assert event.after["note"] == "EAD in hand"
    assert "Approved: EAD in hand" in event.summary
    header = case_workspace(session, viewer=attorney, reference=case.reference).header
    assert (header.closed_on, header.closed_outcome) == (clock.date(clock.today()), "Approved")


def test_a_closed_case_cannot_be_closed_again(session, attorney, case):
    close_case(session, actor=attorney, reference=case.reference, outcome="denied")
    with pytest.raises(InvalidInput) as refused:
        close_case(session, actor=attorney, reference=case.reference, outcome="withdrawn")
    assert "already closed" in refused.value.fields["outcome"]
    assert len(_events(session, case, "case_closed")) == 1


def test_closing_needs_a_known_outcome_and_other_needs_a_note(session, attorney, case):
    with pytest.raises(InvalidInput) as refused:
        close_case(session, actor=attorney, reference=case.reference, outcome="won")
    assert "outcome" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        close_case(session, actor=attorney, reference=case.reference, outcome="other", note=" ")
    assert "closing_note" in refused.value.fields
    assert case.closed_on is None
    assert not _events(session, case, "case_closed")


def test_a_paralegal_may_neither_close_nor_reopen(session, attorney, case):
    paralegal = make_viewer(session, role="paralegal")
    with pytest.raises(NotPermitted):
        close_case(session, actor=paralegal, reference=case.reference, outcome="approved")
    assert case.closed_on is None
    close_case(session, actor=attorney, reference=case.reference, outcome="approved")
    with pytest.raises(NotPermitted):
        reopen_case(session, actor=paralegal, reference=case.reference, reason="appeal")
    assert case.closed_on is not None


def test_an_admin_closes_only_a_case_that_exists(session):
    admin = make_viewer(session, role="admin")
    with pytest.raises(NotFound):
        close_case(session, actor=admin, reference="1999-0001", outcome="approved")


def test_reopening_clears_the_date_with_a_reason_and_restarts_the_clients_reminders(
    session, attorney, case
):
    close_case(session, actor=attorney, reference=case.reference, outcome="client_left")
    assert not _pending_reminders(session, case)
    with pytest.raises(InvalidInput) as refused:
        reopen_case(session, actor=attorney, reference=case.reference, reason="")
    assert "reopen_reason" in refused.value.fields

    reopen_case(session, actor=attorney, reference=case.reference, reason="Client came back")
    assert case.closed_on is None
    [event] = _events(session, case, "case_reopened")
    assert event.before["closed_on"] == firm_clock(session).date(firm_clock(session).today())
    assert event.after == {"closed_on": None, "reason": "Client came back"}
    assert [r.kind for r in _pending_reminders(session, case)] == ["client_documents_missing"]
    with pytest.raises(InvalidInput):
        reopen_case(session, actor=attorney, reference=case.reference, reason="again")


def test_open_deadlines_keep_a_case_open_unless_staff_waive_them(session, attorney, case):
    today = firm_clock(session).today()
    deadline = add_deadline(
        session, actor=attorney, case_id=case.id, title="File renewal", due_on=today + timedelta(9)
    )
    with pytest.raises(InvalidInput) as refused:
        close_case(session, actor=attorney, reference=case.reference, outcome="withdrawn")
    assert "File renewal" in refused.value.fields["waive_deadlines"]
    assert case.closed_on is None and deadline.status == DeadlineStatus.OPEN

    close_case(
        session,
        actor=attorney,
        reference=case.reference,
        outcome="withdrawn",
        waive_open_deadlines=True,
    )
    assert deadline.status == DeadlineStatus.WAIVED
    assert "the case closed (Withdrawn)" in deadline.closed_note
    assert case.next_deadline_on is None
    [event] = _events(session, case, "case_closed")
    assert event.after["waived_deadlines"] == ["File renewal"]


def test_a_closed_case_sends_no_reminders_and_holds_back_queued_messages(session, attorney, case):
    queued = Message(key="test:queued", template="x", case_id=case.id, subject="s", body="b")
    session.add(queued)
    close_case(session, actor=attorney, reference=case.reference, outcome="approved")
    assert not _pending_reminders(session, case)
    assert queued.status == MessageStatus.FAILED and "case was closed" in queued.last_error

    # A deadline added after closing still plans staff reminders; they send nothing.
    today = firm_clock(session).today()
    add_deadline(
        session, actor=attorney, case_id=case.id, title="Late filing", due_on=today + timedelta(2)
    )
    assert _pending_reminders(session, case)
    assert messages_for_due(session, utcnow() + timedelta(days=60), limit=100) == 0
    sent = select(Message).where(Message.case_id == case.id, Message.id != queued.id)
    assert not session.exec(sent).all()
    assert not _pending_reminders(session, case)  # no chained "overdue" reminders either


def test_portal_links_of_a_closed_case_say_so_and_no_new_ones_are_made(session, attorney, case):
    member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).first()
    link, token = create_link(
        session, actor=attorney, reference=case.reference, member_id=member.id, send_email=False
    )
    close_case(session, actor=attorney, reference=case.reference, outcome="approved")
    with pytest.raises(PortalRefused) as refused:
        open_portal(session, token=token)
    assert refused.value.code == "case_closed"
    with pytest.raises(PortalRefused):
        check_link(session, link.id)
    with pytest.raises(InvalidInput):
        create_link(session, actor=attorney, reference=case.reference, member_id=member.id)

    reopen_case(session, actor=attorney, reference=case.reference, reason="appeal")
    assert check_link(session, link.id).case_id == case.id


def test_the_dashboard_lists_open_cases_by_default_and_closed_ones_when_asked(session, attorney):
    paralegal, colleague = (make_viewer(session, role="paralegal") for _ in range(2))
    kept = make_case(session, actor=attorney, family_name="Open")
    done = make_case(session, actor=attorney, family_name="Done")
    other = make_case(session, actor=attorney, family_name="Others", paralegal_id=colleague.id)
    for closing in (done, other):
        close_case(session, actor=attorney, reference=closing.reference, outcome="approved")

    assert _listed(session, attorney) == [kept.reference]
    assert sorted(_listed(session, attorney, show="closed")) == sorted(
        [done.reference, other.reference]
    )
    assert _listed(session, attorney, show="closed", sort="client", descending=False) == [
        done.reference,
        other.reference,
    ]
    assert _listed(session, attorney, show="closed", search="Done") == [done.reference]
    # Closed cases follow the usual visibility: not another paralegal's.
    assert _listed(session, paralegal, show="closed") == [done.reference]
    query = CaseQuery.from_params({"show": "closed", "sort": "client", "dir": "asc"})
    assert query.show == "closed"
    assert CaseQuery.from_params(dict(p.split("=") for p in query.url()[2:].split("&"))) == query
