"""Cases, the people on them, their receipt numbers and their event history."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from immigration_app.models.types import now_field


class MemberRole(enum.StrEnum):
    PETITIONER = "petitioner"
    BENEFICIARY = "beneficiary"
    APPLICANT = "applicant"
    DERIVATIVE = "derivative"
    JOINT_SPONSOR = "joint_sponsor"


class Case(SQLModel, table=True):
    __tablename__ = "case_file"
    __table_args__ = (sa.Index("ix_case_file_open_stage", "closed_on", "stage"),)

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True, index=True)  # e.g. 2026-0042
    case_type: str = Field(max_length=64, index=True)
    stage: str = Field(max_length=64, index=True)
    stage_entered_at: datetime = now_field()
    attorney_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    paralegal_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    opened_on: date = Field(index=True)
    closed_on: date | None = Field(default=None, index=True)
    priority_date: date | None = None
    # The earliest open deadline, kept by the deadline service so lists can sort and filter on it.
    next_deadline_on: date | None = Field(default=None, index=True)
    # While the case is pending with the government the client hears from us this often (0 = never).
    no_update_every_days: int = 14
    # While documents are missing the client is reminded this often (0 = never).
    document_reminder_every_days: int = 7
    last_activity_at: datetime = now_field(index=True)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class CaseMember(SQLModel, table=True):
    __tablename__ = "case_member"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "person_id", "role"),
        # People found by a search give their cases from the index alone.
        sa.Index("ix_case_member_person_case", "person_id", "case_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    role: MemberRole = Field(sa_type=sa.String(16))
    is_primary_client: bool = False


class ReceiptNumber(SQLModel, table=True):
    """A USCIS receipt number on a case (one per filed form)."""

    __tablename__ = "case_receipt"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    receipt_number: str = Field(max_length=13, unique=True, index=True)
    form: str = Field(default="", max_length=16)
    received_on: date | None = None
    # Where and as what USCIS processes it, to match its published processing times.
    office: str = Field(default="", max_length=120)
    category: str = Field(default="", max_length=200)


class CaseEvent(SQLModel, table=True):
    """Append-only record of every change and every sensitive access.

    It is both a case's timeline and the firm's audit log: firm-level events
    (a sign-in, a new user) have no case. Services only ever insert rows here.
    """

    __tablename__ = "case_event"
    __table_args__ = (
        sa.Index("ix_case_event_case_time", "case_id", "created_at"),
        # The board's flow reads one kind of event over a window of time.
        sa.Index("ix_case_event_kind_time", "kind", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="case_file.id")
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    actor_label: str = Field(default="", max_length=254)  # who, as shown, even for the system
    kind: str = Field(max_length=64)
    summary: str = Field(max_length=500)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    client_address: str = Field(default="", max_length=64)
    created_at: datetime = now_field(index=True)


class CaseNote(SQLModel, table=True):
    """A staff note on a case (markdown). Never shown to clients."""

    __tablename__ = "case_note"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    author_id: int = Field(foreign_key="app_user.id")
    body: str = Field(sa_type=sa.Text)
    created_at: datetime = now_field()


class StageSetting(SQLModel, table=True):
    """The firm's choices for one catalog stage: its name and place on the board, how long a
    case should stay in it, how many may sit there at once, and which case types skip it."""

    __tablename__ = "stage_setting"

    stage: str = Field(max_length=64, primary_key=True)
    title: str = Field(default="", max_length=64)  # "" keeps the catalog's name
    position: int | None = None  # None keeps the catalog's order
    sla_days: int | None = None
    wip_limit: int | None = None
    # Case types whose cases never sit in this stage (a move there is refused).
    skipped_by: list[str] = Field(default_factory=list, sa_type=JSON)
