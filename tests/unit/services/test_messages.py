"""The message record: who sees which messages, retrying a failed one, the firm's wording."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from immigration_app.models import Message, MessageStatus, Reminder, utcnow
from immigration_app.services.deadlines import add_to_case
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.firm import firm_clock
from immigration_app.services.messages import (
    case_messages,
    outbox,
    reset_template,
    retry_message,
    save_template,
    template_views,
)
from immigration_app.services.reminders import messages_for_due
from tests.factories import make_case, make_viewer


@pytest.fixture
def two_cases(session):
    attorney = make_viewer(session, role="attorney")
    ana, ben = make_viewer(session, role="paralegal"), make_viewer(session, role="paralegal")
    today = firm_clock(session).today()
    cases = []
    for paralegal in (ana, ben):
        case = make_case(
            session, actor=attorney, attorney_id=attorney.id, paralegal_id=paralegal.id
        )
        add_to_case(
            session,
            actor=attorney,
            reference=case.reference,
            title="Send evidence",
            due_on=today + timedelta(days=3),
        )
        cases.append(case)
    session.exec(
        sa.update(Reminder)
        .where(Reminder.deadline_id.is_not(None))
        .values(due_at=utcnow() - timedelta(minutes=1))
    )
    messages_for_due(session, utcnow(), limit=100)
    return attorney, ana, ben, cases


def test_a_paralegal_sees_the_messages_of_their_cases_only(session, two_cases):
    attorney, ana, _, (ana_case, ben_case) = two_cases
    seen = outbox(session, viewer=ana)
    # The 1-day and the overdue reminder, each to the attorney and to Ana, on her case.
    assert seen.total == 4
    assert {m.case_reference for m in seen.messages} == {ana_case.reference}
    assert outbox(session, viewer=attorney).total == 8
    mine = outbox(session, viewer=ana, only_mine=True)
    assert {m.recipient for m in mine.messages} == {f"{ana.full_name} <{ana.email}>"}
    assert mine.total == 2
    with pytest.raises(NotFound):
        case_messages(session, viewer=ana, reference=ben_case.reference)


def test_only_a_failed_message_is_sent_again_and_only_by_someone_who_may_see_it(session, two_cases):
    attorney, ana, _, (_, ben_case) = two_cases
    message = session.exec(select(Message).where(Message.case_id == ben_case.id)).first()
    with pytest.raises(InvalidInput):
        retry_message(session, actor=attorney, message_id=message.id)
    message.status, message.last_error = MessageStatus.FAILED, "Mailbox full"
    session.add(message)
    with pytest.raises(NotFound):
        retry_message(session, actor=ana, message_id=message.id)
    retry_message(session, actor=attorney, message_id=message.id)
    assert session.get(Message, message.id).status == MessageStatus.QUEUED


def test_admins_reword_a_template_and_can_go_back_to_the_default(session):
    admin, attorney = make_viewer(session, role="admin"), make_viewer(session, role="attorney")
    default = next(
        t for t in template_views(session) if (t.key, t.language) == ("client_no_update", "es")
    )
    with pytest.raises(NotPermitted):
        save_template(
            session, actor=attorney, key="client_no_update", language="es", subject="x", body="y"
        )
    with pytest.raises(InvalidInput):
        save_template(
            session,
            actor=admin,
            key="client_no_update",
            language="es",
            subject="Hola {nombre}",
            body="Sin novedades.",
        )
    save_template(
        session,
        actor=admin,
        key="client_no_update",
        language="es",
        subject="Su caso sigue en trámite, {client_name}",
        body="Le escribiremos en cuanto haya novedades. {firm_name}",
    )
    edited = next(
        t for t in template_views(session) if (t.key, t.language) == ("client_no_update", "es")
    )
    assert edited.edited and edited.subject.startswith("Su caso sigue")
    reset_template(session, actor=admin, key="client_no_update", language="es")
    restored = next(
        t for t in template_views(session) if (t.key, t.language) == ("client_no_update", "es")
    )
    assert (restored.subject, restored.edited) == (default.subject, False)
