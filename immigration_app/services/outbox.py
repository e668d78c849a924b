"""The sweep's second half: queued messages are claimed, sent, and their outcome recorded.

A message is claimed (status "sending", attempts + 1) in its own committed transaction before
it is handed to the mail server, and recorded as sent right after. If the process dies in
between, the claim goes stale and a later sweep sends it again with the same Message-ID
(derived from the message key), so a mail client collapses the rare duplicate and nothing is
lost. Failures are retried with backoff and show as failed after the last attempt.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, and_, or_, select

from immigration_app.models import Message, MessageStatus
from immigration_app.services.db import session_scope
from immigration_app.services.mail import MailFailure, compose, deliver, retry_delay
from immigration_app.services.portal import withhold_token
from immigration_app.settings import Settings

# A claim older than this belongs to a sweep that died mid-send. Each message's claim is
# renewed just before it is sent, and one send gives up long before (SMTP_TIMEOUT_SECONDS is at
# most 60 s for each of its few exchanges with the server).
STALE_CLAIM = timedelta(minutes=10)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _deliverable(now: datetime):
    return or_(
        and_(Message.status == MessageStatus.QUEUED, Message.next_attempt_at <= now),
        and_(Message.status == MessageStatus.SENDING, Message.claimed_at <= now - STALE_CLAIM),
    )


def _claim(now: datetime, limit: int) -> list[Message]:
    with session_scope() as session:
        ids = session.exec(
            select(Message.id)
            .where(_deliverable(now))
            .order_by(Message.next_attempt_at)
            .limit(limit)
        ).all()
        if not ids:
            return []
        claimed = session.exec(
            sa.update(Message)
            .where(Message.id.in_(ids), _deliverable(now))
            .values(status=MessageStatus.SENDING, claimed_at=now, attempts=Message.attempts + 1)
            .returning(Message.id)
        ).all()
        return list(
            session.exec(select(Message).where(Message.id.in_([row[0] for row in claimed]))).all()
        )


def _renew_claim(session: Session, message: Message, renewed_at: datetime) -> bool:
    """Date the claim afresh right before this message goes out, so a long batch's last
    messages do not look abandoned; False when another sweep has taken it over meanwhile."""
    renewed = session.exec(
        sa.update(Message)
        .where(
            Message.id == message.id,
            Message.status == MessageStatus.SENDING,
            Message.claimed_at == message.claimed_at,
        )
        .values(claimed_at=renewed_at)
    )
    session.commit()
    return renewed.rowcount == 1


def _record(session: Session, message_id: int, **values) -> None:
    """Write one message's outcome and commit it at once: a crash forgets at most one send."""
    session.exec(sa.update(Message).where(Message.id == message_id).values(**values))
    session.commit()


def deliver_due(now: datetime, settings: Settings, limit: int = 200) -> DeliveryReport:
    """Send what is due now; each outcome is committed as soon as it is known."""
    sent = retrying = failed = 0
    started = time.monotonic()
    with session_scope() as session:
        for message in _claim(now, limit):
            if not _renew_claim(
                session, message, now + timedelta(seconds=time.monotonic() - started)
            ):
                continue
            email = compose(
                key=message.key,
                to=[message.to_address],
                subject=message.subject,
                body=message.body,
                mail_from=settings.mail_from,
                language=message.language,
            )
            try:
                where = deliver(email, settings)
            except MailFailure as failure:
                final = failure.permanent or message.attempts >= settings.mail_max_attempts
                _record(
                    session,
                    message.id,
                    status=MessageStatus.FAILED if final else MessageStatus.QUEUED,
                    next_attempt_at=now + retry_delay(message.attempts),
                    last_error=failure.reason[:500],
                )
                failed, retrying = failed + final, retrying + (not final)
                continue
            _record(
                session,
                message.id,
                status=MessageStatus.SENT,
                sent_at=now,
                body=withhold_token(message.body),
                delivered_to=where[:500],
                last_error="",
            )
            sent += 1
    return DeliveryReport(sent=sent, retrying=retrying, failed=failed)
