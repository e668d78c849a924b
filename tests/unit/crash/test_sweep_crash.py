"""The reminder sweep killed at each step of its work. After a restart (the scheduler sweeps at
once) and, for messages a dead sweep had claimed, a sweep once that claim has gone stale: every
due reminder has exactly one message, every message reached the mail server, and the only
message that reached it twice is the one in flight at the kill, under the same Message-ID both
times (mail clients show it once).

Where a claim lives: a reminder is claimed and its messages written in one transaction, so a
kill either keeps all of it or none of it. A message is claimed for sending (status "sending")
in a committed transaction of its own; a claim older than outbox.STALE_CLAIM belongs to a sweep
that died, and the next sweep after that takes the message again.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import func, select

from immigration_app.models import Message, MessageStatus, Reminder, ReminderStatus, utcnow
from immigration_app.services.db import session_scope
from immigration_app.services.deadlines import add_to_case
from immigration_app.services.mail import message_id_for, sender_domain
from immigration_app.services.outbox import STALE_CLAIM
from immigration_app.services.sweep import sweep
from immigration_app.settings import get_settings
from tests.factories import make_case, make_viewer
from tests.unit.crash.processes import PAUSE_TIMEOUT_SECONDS, kill, kill_when_paused, start_child

DEADLINES = 3  # each has 4 reminders (14, 7 and 1 days before, and overdue), to its attorney


def _due_reminders() -> list[int]:
    """A case whose attorney is due `DEADLINES` x 4 reminders, as after some downtime."""
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        case = make_case(session, actor=attorney, attorney_id=attorney.id)
        for number in range(DEADLINES):
            add_to_case(
                session,
                actor=attorney,
                reference=case.reference,
                title=f"Deadline {number}",
                due_on=date.today() + timedelta(days=20),
            )
        due = session.exec(select(Reminder.id).where(Reminder.deadline_id.is_not(None))).all()
        session.exec(
            sa.update(Reminder)
            .where(Reminder.id.in_(due))
            .values(due_at=utcnow() - timedelta(hours=1))
        )
    assert len(due) == DEADLINES * 4
    return list(due)


def _messages(*conditions) -> list[Message]:
    with session_scope() as session:
        return list(session.exec(select(Message).where(*conditions).order_by(Message.id)).all())


def _reminder_statuses(reminder_ids: list[int]) -> set[str]:
    with session_scope() as session:
        return set(session.exec(select(Reminder.status).where(Reminder.id.in_(reminder_ids))))


def _after_the_stale_claims() -> None:
    """A sweep once the dead sweep's claims have gone stale (the scheduler sweeps every minute)."""
    sweep(now=utcnow() + STALE_CLAIM + timedelta(minutes=1))


def _assert_each_reminder_sent_once(reminder_ids: list[int], inbox, resent: set[str] = frozenset()):
    """Exactly one message per due reminder, all sent; each reached the mail server once, and
    twice only for the keys in `resent`, then under the same Message-ID."""
    with session_scope() as session:
        reminders = session.exec(select(Reminder).where(Reminder.id.in_(reminder_ids))).all()
        assert {reminder.status for reminder in reminders} == {ReminderStatus.DONE}
        for reminder in reminders:
            [message] = session.exec(select(Message).where(Message.reminder_id == reminder.id))
            assert message.key.startswith(f"{reminder.key}:")
        messages = session.exec(select(Message)).all()
        assert {message.status for message in messages} == {MessageStatus.SENT}
        assert session.exec(select(func.count()).select_from(Message)).one() == len(reminder_ids)

    domain = sender_domain(get_settings().mail_from)
    by_message_id = {message_id_for(message.key, domain): message for message in messages}
    copies = Counter(inbox.message_ids())
    assert set(copies) == set(by_message_id)  # every message arrived, and nothing else did
    assert {by_message_id[mid].key: n for mid, n in copies.items() if n > 1} == dict.fromkeys(
        resent, 2
    )
    for received in inbox.received:  # a copy with a message's Message-ID is that message
        message = by_message_id[received["Message-ID"]]
        assert (received["To"], received["Subject"]) == (message.to_address, message.subject)


def test_killed_while_claiming_reminders_nothing_is_claimed_and_the_restart_sends_all(inbox):
    due = _due_reminders()

    written = kill_when_paused("sweep_claim_uncommitted")

    assert int(written) == len(due)  # the messages were written, in a transaction never committed
    assert _reminder_statuses(due) == {ReminderStatus.PENDING}
    assert _messages() == []
    sweep()  # the restart
    _assert_each_reminder_sent_once(due, inbox)


def test_killed_after_queueing_before_sending_the_restart_sends_each_message_once(inbox):
    due = _due_reminders()

    queued = kill_when_paused("sweep_before_send")

    assert int(queued) == len(due)
    assert _reminder_statuses(due) == {ReminderStatus.DONE}
    assert {m.status for m in _messages()} == {MessageStatus.QUEUED}
    sweep()  # the restart
    _assert_each_reminder_sent_once(due, inbox)


def test_claims_of_a_sweep_killed_before_sending_are_retried_once_stale(inbox):
    due = _due_reminders()

    kill_when_paused("sweep_claimed_not_sent")

    claimed = _messages()
    assert {m.status for m in claimed} == {MessageStatus.SENDING} and inbox.received == []
    assert sweep().sent == 0  # the restart leaves young claims alone: their sender may be alive
    _after_the_stale_claims()
    _assert_each_reminder_sent_once(due, inbox)
    assert {m.attempts for m in _messages()} == {2}  # the dead sweep's claim, then the retry


def test_killed_during_an_smtp_send_the_message_in_flight_is_resent_under_its_message_id(inbox):
    due = _due_reminders()
    inbox.hold_next = True  # the server takes the first message and does not answer

    child = start_child("sweep_mid_send")
    held = inbox.holding.wait(PAUSE_TIMEOUT_SECONDS)
    kill(child, check=held)  # SIGKILL while the sender waits for the server's answer
    assert held, f"No message reached the mail server. The sweep's errors:\n{child.output()}"
    inbox.released.set()

    [in_flight] = inbox.received
    [message] = [
        m
        for m in _messages()
        if message_id_for(m.key, sender_domain(get_settings().mail_from)) == in_flight["Message-ID"]
    ]
    assert message.status == MessageStatus.SENDING  # the send was never recorded
    assert sweep().sent == 0  # the restart: the dead sweep's claims are still young
    _after_the_stale_claims()
    _assert_each_reminder_sent_once(due, inbox, resent={message.key})
