"""The sweep: due reminders become messages once, and messages reach a real SMTP server once.

The SMTP server is aiosmtpd on loopback; the crash test kills a real `immigration-app sweep`
process in the middle of a send.
"""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import threading
from datetime import date, timedelta
from email.policy import default as default_policy

import pytest
import sqlalchemy as sa
from sqlmodel import func, select

from immigration_app.models import (
    Message,
    MessageStatus,
    Person,
    Reminder,
    ReminderStatus,
    utcnow,
)
from immigration_app.services.cases import add_receipt_number, move_case
from immigration_app.services.db import session_scope
from immigration_app.services.deadlines import add_to_case
from immigration_app.services.sweep import sweep
from immigration_app.services.templates import template_text
from immigration_app.settings import get_settings
from tests.factories import make_case, make_viewer
from tests.smtp import smtp_server


class Inbox:
    """An aiosmtpd handler keeping what it receives; `reply` decides the answer to DATA."""

    def __init__(self):
        self.received: list[email.message.EmailMessage] = []
        self.on_data = None
        self.rcpt_reply = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(email.message_from_bytes(envelope.content, policy=default_policy))
        if self.on_data:
            self.on_data(len(self.received))
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox(monkeypatch):
    handler = Inbox()
    with smtp_server(handler) as port:
        for name, value in {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_SECURITY": "none",
            "SMTP_TIMEOUT_SECONDS": "5",
        }.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        yield handler
    get_settings.cache_clear()


def _deadlines_with_due_reminders(count: int) -> str:
    """A case with an attorney and a paralegal and `count` deadlines whose reminders are due."""
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        paralegal = make_viewer(session, role="paralegal")
        case = make_case(
            session, actor=attorney, attorney_id=attorney.id, paralegal_id=paralegal.id
        )
        for number in range(count):
            add_to_case(
                session,
                actor=attorney,
                reference=case.reference,
                title=f"Deadline {number}",
                due_on=date.today() + timedelta(days=20),
            )
        session.exec(
            sa.update(Reminder)
            .where(Reminder.deadline_id.is_not(None))
            .values(due_at=utcnow() - timedelta(hours=1))
        )
        return case.reference


def _count(session, *conditions) -> int:
    return session.exec(select(func.count()).select_from(Message).where(*conditions)).one()


def test_each_due_reminder_is_sent_once_to_the_attorney_and_the_paralegal(inbox):
    _deadlines_with_due_reminders(2)  # 2 deadlines x 4 reminders (14, 7, 1 days, overdue)
    first = sweep()
    again = sweep()
    assert (first.queued, first.sent) == (16, 16)
    assert (again.queued, again.sent) == (0, 0)
    assert len(inbox.received) == 16
    assert len({m["Message-ID"] for m in inbox.received}) == 16
    with session_scope() as session:
        assert _count(session, Message.status == MessageStatus.SENT) == 16
        # The overdue reminder plans the next day's; no other deadline reminder is left pending.
        pending = session.exec(
            select(Reminder).where(
                Reminder.status == ReminderStatus.PENDING, Reminder.deadline_id.is_not(None)
            )
        )
        assert {r.kind for r in pending} == {"staff_deadline_overdue"}


def test_a_sweep_killed_mid_send_loses_nothing_and_repeats_only_that_message(inbox):
    _deadlines_with_due_reminders(3)  # 24 messages
    victim: list[subprocess.Popen] = []
    killed = threading.Event()

    def kill_on_fifth(count: int) -> None:
        # The server has the fifth message; the sweep dies before it can record the send.
        if count == 5:
            victim[0].send_signal(signal.SIGKILL)
            killed.set()

    inbox.on_data = kill_on_fifth
    victim.append(
        subprocess.Popen(
            [sys.executable, "-m", "immigration_app.cli", "sweep"],
            env=os.environ.copy(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    )
    victim[0].wait(timeout=60)
    assert killed.is_set() and victim[0].returncode == -signal.SIGKILL
    assert len(inbox.received) == 5
    inbox.on_data = None

    # A restart sweeps at once; claims of the dead sweep are retried once they are stale.
    assert sweep().sent == 0
    assert sweep(now=utcnow() + timedelta(minutes=15)).sent == 20

    ids = [m["Message-ID"] for m in inbox.received]
    assert len(ids) == 25 and len(set(ids)) == 24
    assert ids.count(ids[4]) == 2  # only the interrupted one, under the same Message-ID
    with session_scope() as session:
        assert _count(session, Message.status == MessageStatus.SENT) == 24
        assert _count(session) == 24


def test_two_sweeps_at_once_send_each_message_once(inbox):
    _deadlines_with_due_reminders(3)
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(sweep())) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(inbox.received) == 24
    assert len({m["Message-ID"] for m in inbox.received}) == 24
    assert sum(report.sent for report in reports) == 24


def test_a_refusing_server_marks_the_message_failed_with_its_words(inbox):
    _deadlines_with_due_reminders(1)
    inbox.rcpt_reply = "550 5.1.1 No such user here"
    report = sweep()
    assert report.failed == 8
    with session_scope() as session:
        message = session.exec(select(Message)).first()
        assert message.status == MessageStatus.FAILED
        assert "No such user" in message.last_error
        assert message.body  # nothing lost: the message is kept to send again


def test_a_temporary_refusal_is_retried_later_then_sent(inbox):
    _deadlines_with_due_reminders(1)
    inbox.rcpt_reply = "451 4.3.0 Try again later"
    assert sweep().retrying == 8
    with session_scope() as session:
        assert _count(session, Message.status == MessageStatus.QUEUED) == 8
        message = session.exec(select(Message)).first()
        assert message.next_attempt_at > utcnow()
    inbox.rcpt_reply = None
    assert sweep().sent == 0  # not yet: it waits for its backoff
    assert sweep(now=utcnow() + timedelta(hours=3)).sent == 8


def test_a_client_pending_with_uscis_hears_from_us_in_their_language(inbox):
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        case = make_case(session, actor=attorney, attorney_id=attorney.id)
        client = session.exec(select(Person)).one()
        client.preferred_language, client.email = "es", "maria@cliente.example"
        session.add(client)
        add_receipt_number(
            session, actor=attorney, reference=case.reference, receipt_number="IOE0912345678"
        )
        move_case(session, actor=attorney, reference=case.reference, stage="filed_pending")

    assert sweep().queued == 0  # the first "no update" note is due in 14 days
    report = sweep(now=utcnow() + timedelta(days=15))
    assert report.sent == 1
    [received] = inbox.received
    assert received["To"] == "maria@cliente.example"
    assert received["Content-Language"] == "es"
    spanish_subject, _ = template_text("client_no_update", "es")
    assert received["Subject"].split("{")[0].strip()[:12] == spanish_subject[:12]
    assert "IOE0912345678" in received.get_content()
    with session_scope() as session:
        # The next one is planned, once.
        assert (
            session.exec(
                select(func.count())
                .select_from(Reminder)
                .where(Reminder.kind == "client_no_update", Reminder.status == "pending")
            ).one()
            == 1
        )


def test_a_message_another_sweep_took_over_is_not_sent_twice(inbox):
    """A long batch renews each claim before its send, and skips one that went stale and was
    taken by another sweep meanwhile (here: the rest, taken while the first is sent)."""
    _deadlines_with_due_reminders(1)  # 4 reminders x attorney and paralegal: 8 messages

    def another_sweep_takes_the_rest(received: int) -> None:
        if received == 1:
            with session_scope() as session:
                session.exec(
                    sa.update(Message)
                    .where(Message.status == MessageStatus.SENDING, Message.sent_at.is_(None))
                    .values(claimed_at=utcnow() + timedelta(minutes=11))
                )

    inbox.on_data = another_sweep_takes_the_rest
    report = sweep()
    assert (report.queued, report.sent, len(inbox.received)) == (8, 1, 1)
    with session_scope() as session:
        assert _count(session, Message.status == MessageStatus.SENDING) == 7
