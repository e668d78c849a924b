"""The record of every message: on a case, in the Outbox, and the firm's template wording."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, func, select

from immigration_app.catalog.message_templates import message_templates
from immigration_app.models import (
    Case,
    Message,
    MessageStatus,
    MessageTemplateText,
    Role,
    User,
    utcnow,
)
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.firm import FirmClock, firm_clock
from immigration_app.services.templates import check_template, render, template_text
from immigration_app.services.viewer import Viewer, visible_case, visible_cases
from immigration_app.settings import get_settings

OUTBOX_PAGE_SIZE = 50
STATUS_WORDS = {
    MessageStatus.QUEUED: "Queued",
    MessageStatus.SENDING: "Sending",
    MessageStatus.SENT: "Sent",
    MessageStatus.FAILED: "Failed",
}


@dataclass(frozen=True)
class MessageView:
    id: int
    created: str
    case_reference: str
    recipient: str
    subject: str
    body: str
    status: str
    status_word: str
    attempts: int
    detail: str  # where it went, or why it failed and when it is tried again


def _view(clock: FirmClock, message: Message, reference: str) -> MessageView:
    if message.status == MessageStatus.SENT:
        detail = f"Sent {clock.moment(message.sent_at)}"
    elif message.status == MessageStatus.FAILED:
        detail = message.last_error
    elif message.last_error:
        detail = f"{message.last_error} Next try {clock.moment(message.next_attempt_at)}."
    else:
        detail = ""
    name = message.recipient_name
    return MessageView(
        id=message.id,
        created=clock.moment(message.created_at),
        case_reference=reference,
        recipient=f"{name} <{message.to_address}>" if name else message.to_address,
        subject=message.subject,
        body=message.body,
        status=str(message.status),
        status_word=STATUS_WORDS[message.status],
        attempts=message.attempts,
        detail=detail,
    )


def case_messages(session: Session, *, viewer: Viewer, reference: str) -> list[MessageView]:
    case = visible_case(session, viewer=viewer, reference=reference)
    clock = firm_clock(session)
    rows = session.exec(
        select(Message).where(Message.case_id == case.id).order_by(Message.created_at.desc())
    ).all()
    return [_view(clock, message, case.reference) for message in rows]


@dataclass(frozen=True)
class OutboxPage:
    messages: list[MessageView]
    total: int
    page: int
    pages: int


def outbox(
    session: Session,
    *,
    viewer: Viewer,
    status: str = "",
    search: str = "",
    only_mine: bool = False,
    page: int = 1,
) -> OutboxPage:
    """Every message on cases the viewer may see, and those addressed to the viewer
    (`only_mine`: just those, the viewer's own reminders)."""
    condition = (
        Message.recipient_user_id == viewer.id
        if only_mine
        else sa.or_(
            Message.recipient_user_id == viewer.id,
            Message.case_id.in_(select(Case.id).where(visible_cases(viewer))),
        )
    )
    if status in {s.value for s in MessageStatus}:
        condition = sa.and_(condition, Message.status == status)
    if search.strip():
        pattern = f"%{search.strip()[:100]}%"
        condition = sa.and_(
            condition, sa.or_(Message.to_address.ilike(pattern), Message.subject.ilike(pattern))
        )
    total = session.exec(select(func.count()).select_from(Message).where(condition)).one()
    pages = max(1, -(-total // OUTBOX_PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = session.exec(
        select(Message, Case.reference)
        .join(Case, Case.id == Message.case_id, isouter=True)
        .where(condition)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .offset((page - 1) * OUTBOX_PAGE_SIZE)
        .limit(OUTBOX_PAGE_SIZE)
    ).all()
    clock = firm_clock(session)
    return OutboxPage(
        messages=[_view(clock, message, reference or "") for message, reference in rows],
        total=total,
        page=page,
        pages=pages,
    )


def retry_message(session: Session, *, actor: Viewer, message_id: int) -> None:
    """Send a failed message again at the next sweep (after staff fixed the address, say)."""
    message = session.get(Message, message_id)
    if message is None:
        raise NotFound(f"No message {message_id}")
    if actor.role != Role.ADMIN and not (
        message.case_id
        and session.exec(
            select(Case.id).where(Case.id == message.case_id, visible_cases(actor))
        ).first()
    ):
        raise NotFound(f"No message {message_id}")
    if message.status != MessageStatus.FAILED:
        raise InvalidInput({"message": "Only a failed message can be sent again."})
    if not message.to_address:
        raise InvalidInput({"message": "There is no address to send it to."})
    message.status, message.next_attempt_at, message.attempts = MessageStatus.QUEUED, utcnow(), 0
    session.add(message)
    record_event(
        session,
        kind="message_retried",
        summary=f"Message to {message.to_address} queued again: {message.subject}",
        actor=actor,
        case_id=message.case_id,
    )


def withhold_queued(session: Session, case_id: int, reason: str) -> int:
    """Keep a case's queued messages from going out, visibly failed with `reason` (staff can
    still send one on from the outbox). Returns how many."""
    withheld = session.exec(
        sa.update(Message)
        .where(Message.case_id == case_id, Message.status == MessageStatus.QUEUED)
        .values(status=MessageStatus.FAILED, last_error=reason[:500])
    )
    return withheld.rowcount


# --- telling staff --------------------------------------------------------------------------------


def staff_of_case(session: Session, case: Case, *, besides: int | None = None) -> list[User]:
    """Who hears about a case: its attorney and paralegal (the admins while it has neither),
    never `besides` (the person who did the thing)."""
    ids = [user_id for user_id in (case.attorney_id, case.paralegal_id) if user_id]
    query = select(User).where(User.is_active)
    query = query.where(User.id.in_(ids)) if ids else query.where(User.role == Role.ADMIN)
    return [user for user in session.exec(query) if user.id != besides]


def queue_staff_message(
    session: Session, *, user: User, template: str, key: str, case: Case, values: dict[str, str]
) -> Message:
    """Queue an email to a staff member in the firm's wording of `template` (English).

    `key` names the occasion (it becomes the Message-ID, so the same occasion is never sent
    twice); `case_reference`, `case_url` and `recipient_name` are filled in here.
    """
    values = {
        "recipient_name": user.full_name,
        "case_reference": case.reference,
        "case_url": f"{get_settings().app_url}/cases/{case.reference}",
        **values,
    }
    subject, body = render(*template_text(template, "en", firm_wording(session)), values)
    message = Message(
        key=f"{key}:user:{user.id}",
        template=template,
        case_id=case.id,
        recipient_user_id=user.id,
        recipient_name=user.full_name,
        to_address=user.email,
        language="en",
        subject=subject,
        body=body,
    )
    session.add(message)
    return message


# --- the firm's wording of each template -----------------------------------------------------


@dataclass(frozen=True)
class TemplateView:
    key: str
    language: str
    audience: str
    description: str
    placeholders: str
    subject: str
    body: str
    edited: bool


def firm_wording(session: Session) -> dict[tuple[str, str], tuple[str, str]]:
    """The firm's own (subject, body) per (template, language), for `template_text`."""
    return {
        (row.template, row.language): (row.subject, row.body)
        for row in session.exec(select(MessageTemplateText))
    }


def template_views(session: Session) -> list[TemplateView]:
    overrides = firm_wording(session)
    views = []
    for template in message_templates().values():
        for language in template.languages:
            subject, body = template_text(template.key, language, overrides)
            views.append(
                TemplateView(
                    key=template.key,
                    language=language,
                    audience=template.audience,
                    description=template.description,
                    placeholders=", ".join(f"{{{name}}}" for name in template.placeholders),
                    subject=subject,
                    body=body,
                    edited=(template.key, language) in overrides,
                )
            )
    return views


def save_template(
    session: Session, *, actor: Viewer, key: str, language: str, subject: str, body: str
) -> None:
    if actor.role != Role.ADMIN:
        raise NotPermitted("Only admins change the firm's message wording.")
    if key not in message_templates() or language not in message_templates()[key].languages:
        raise NotFound(f"No template {key}/{language}")
    check_template(key, subject, body)
    row = session.get(MessageTemplateText, (key, language)) or MessageTemplateText(
        template=key, language=language, subject=subject, body=body
    )
    row.subject, row.body, row.updated_by_id, row.updated_at = subject, body, actor.id, utcnow()
    session.add(row)
    record_event(
        session,
        kind="template_changed",
        summary=f"Message template {key} ({language}) reworded",
        actor=actor,
        after={"template": key, "language": language, "subject": subject},
    )


def reset_template(session: Session, *, actor: Viewer, key: str, language: str) -> None:
    if actor.role != Role.ADMIN:
        raise NotPermitted("Only admins change the firm's message wording.")
    row = session.get(MessageTemplateText, (key, language))
    if row is not None:
        session.delete(row)
        record_event(
            session,
            kind="template_changed",
            summary=f"Message template {key} ({language}) back to the default wording",
            actor=actor,
        )
