"""Deadlines on a case, the reminders they schedule, and the private calendar feeds."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from immigration_app.models.types import UtcDateTime, now_field, optional_time_field


class DeadlineStatus(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    WAIVED = "waived"


class Deadline(SQLModel, table=True):
    """Something due on a case by a date, with how that date was reached.

    A rule-made deadline keeps both the computed and the printed date (a printed one
    wins) and the one-line explanation staff see, so nobody has to redo the sum.
    """

    __tablename__ = "case_deadline"
    __table_args__ = (sa.Index("ix_case_deadline_open_due", "status", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    # Whose date it is, when it follows a date on someone's profile (an I-94, an arrival).
    person_id: int | None = Field(default=None, foreign_key="person.id")
    title: str = Field(max_length=200)
    due_on: date
    status: DeadlineStatus = Field(default=DeadlineStatus.OPEN, sa_type=sa.String(16))
    kind: str = Field(default="due", max_length=20)  # a rule kind: due, appointment, expiry...
    rule_key: str = Field(default="", max_length=40)  # "" when entered by hand
    trigger_on: date | None = None
    mailed: bool = False
    computed_on: date | None = None
    printed_on: date | None = None
    internal_target_on: date | None = None
    explanation: str = Field(default="", sa_type=sa.Text)
    warning: str = Field(default="", max_length=300)
    # Appointments (biometrics, interviews) have a time and a place besides the day.
    starts_at_local: time | None = None
    place: str = Field(default="", max_length=300)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = now_field()
    closed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    closed_at: datetime | None = optional_time_field()
    closed_note: str = Field(default="", max_length=1000)


class ReminderStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


class Reminder(SQLModel, table=True):
    """One planned reminder occurrence. Its key is unique: it turns into messages once."""

    __tablename__ = "reminder"
    __table_args__ = (sa.Index("ix_reminder_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=160, unique=True)
    kind: str = Field(max_length=32)  # a message template key, e.g. staff_deadline_reminder
    case_id: int = Field(foreign_key="case_file.id", index=True)
    deadline_id: int | None = Field(default=None, foreign_key="case_deadline.id", index=True)
    lead_days: int = 0  # days before the due date; negative once overdue
    due_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    status: ReminderStatus = Field(default=ReminderStatus.PENDING, sa_type=sa.String(16))
    done_at: datetime | None = optional_time_field()


class MessageStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Message(SQLModel, table=True):
    """Every message the firm's system sends, to staff or clients: the outbox and its record."""

    __tablename__ = "message"
    __table_args__ = (sa.Index("ix_message_status_next_attempt", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)  # the Message-ID is derived from it
    template: str = Field(max_length=40)
    case_id: int | None = Field(default=None, foreign_key="case_file.id", index=True)
    reminder_id: int | None = Field(default=None, foreign_key="reminder.id")
    recipient_user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    recipient_person_id: int | None = Field(default=None, foreign_key="person.id")
    recipient_name: str = Field(default="", max_length=200)
    to_address: str = Field(default="", max_length=254)
    language: str = Field(default="en", max_length=2)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=sa.Text)
    status: MessageStatus = Field(default=MessageStatus.QUEUED, sa_type=sa.String(16))
    attempts: int = 0
    next_attempt_at: datetime = now_field()
    claimed_at: datetime | None = optional_time_field()
    sent_at: datetime | None = optional_time_field()
    delivered_to: str = Field(default="", max_length=500)
    last_error: str = Field(default="", max_length=500)
    created_at: datetime = now_field(index=True)


class MessageTemplateText(SQLModel, table=True):
    """The firm's own wording of a catalog message template, per language."""

    __tablename__ = "message_template_text"

    template: str = Field(max_length=40, primary_key=True)
    language: str = Field(max_length=2, primary_key=True)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=sa.Text)
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = now_field()


class CaseTypeSetting(SQLModel, table=True):
    """Per-case-type choices the firm makes, e.g. how early it aims to finish before a deadline."""

    __tablename__ = "case_type_setting"

    case_type: str = Field(max_length=64, primary_key=True)
    buffer_days: int = 14
    # Set once an admin edits this type's checklist: its items then live in
    # checklist_template_item instead of coming from the catalog.
    checklist_edited: bool = False
    # Where this type's packets are mailed (a lockbox or service center), for the cover letter.
    filing_addressee: str = Field(default="", sa_type=sa.Text)


class CalendarFeed(SQLModel, table=True):
    """A private iCal feed (a staff member's or one case's). Only the token's hash is kept."""

    __tablename__ = "calendar_feed"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="case_file.id", index=True)
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = now_field()
    revoked_at: datetime | None = optional_time_field()
