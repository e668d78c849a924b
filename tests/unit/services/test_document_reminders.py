"""Clients who still owe documents hear from us every N days, with their list and a link."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from immigration_app.models import (
    CaseChecklistItem,
    CaseMember,
    ItemStatus,
    Message,
    Person,
    Reminder,
    ReminderStatus,
)
from immigration_app.services.deadlines import set_client_interval
from immigration_app.services.firm import firm_clock
from immigration_app.services.portal import open_portal
from immigration_app.services.reminders import messages_for_due
from tests.factories import make_case, make_viewer


def _pending(session) -> list[Reminder]:
    return list(
        session.exec(
            select(Reminder).where(
                Reminder.kind == "client_documents_missing",
                Reminder.status == ReminderStatus.PENDING,
            )
        )
    )


def _when_due(session):
    """The moment just after the planned reminder is due."""
    [planned] = _pending(session)
    return planned.due_at + timedelta(minutes=1)


def _spanish_client(session, case) -> Person:
    member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).first()
    person = session.get(Person, member.person_id)
    person.email, person.preferred_language = "maria@client.example", "es"
    session.add(person)
    return person


def test_a_new_case_plans_a_weekly_reminder_which_lists_the_missing_items_in_spanish(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney, case_type="daca-renewal")
    _spanish_client(session, case)
    [planned] = _pending(session)
    today = firm_clock(session).today()
    assert planned.key.endswith(f":documents_missing:{today + timedelta(days=7)}")

    assert messages_for_due(session, _when_due(session), limit=10) == 1
    message = session.exec(select(Message)).one()
    assert message.language == "es" and message.to_address == "maria@client.example"
    required = session.exec(
        select(CaseChecklistItem).where(
            CaseChecklistItem.case_id == case.id, CaseChecklistItem.required
        )
    ).all()
    for item in required:
        assert f"- {item.title_es}" in message.body
    token = re.search(r"/portal/([A-Za-z0-9_-]{40,})", message.body).group(1)
    assert open_portal(session, token=token).case_id == case.id
    assert len(_pending(session)) == 1, "the next reminder is planned"


def test_nothing_is_sent_once_everything_is_in_but_the_chain_goes_on(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney, case_type="daca-renewal")
    _spanish_client(session, case)
    session.exec(
        sa.update(CaseChecklistItem)
        .where(CaseChecklistItem.case_id == case.id)
        .values(status=ItemStatus.ACCEPTED)
    )
    assert messages_for_due(session, _when_due(session), limit=10) == 0
    assert len(_pending(session)) == 1


def test_no_reminders_while_the_government_has_the_case_or_when_turned_off(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney, case_type="daca-renewal")
    _spanish_client(session, case)
    case.stage = "filed_pending"
    session.add(case)
    assert messages_for_due(session, _when_due(session), limit=10) == 0

    set_client_interval(
        session, actor=attorney, reference=case.reference, which="document_reminders", days=0
    )
    assert _pending(session) == []
