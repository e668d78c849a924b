"""Filing: the case's cover letter, every packet built, the four-eyes reviews of a packet, the
record of sending it, and the notices USCIS sends back.

A packet is never changed once built: a change to a form, an exhibit or the letter means a new
version. A review names the packet's SHA-256, so an approval can only ever vouch for the exact
bytes the reviewer saw.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from immigration_app.models.types import now_field, optional_time_field


class CoverLetter(SQLModel, table=True):
    """A case's own cover letter, once staff edited it; until then the firm's template is used.

    The body keeps the `{enclosures}` placeholder: the list of what is enclosed is written from
    the packet itself when it is built, so it can never disagree with the packet.
    """

    __tablename__ = "cover_letter"

    case_id: int = Field(foreign_key="case_file.id", primary_key=True)
    addressee: str = Field(default="", sa_type=sa.Text)
    subject: str = Field(default="", max_length=300)
    body: str = Field(default="", sa_type=sa.Text)
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = now_field()


class FilingPacket(SQLModel, table=True):
    """One built packet: a versioned, encrypted case document with its SHA-256."""

    __tablename__ = "filing_packet"
    __table_args__ = (sa.UniqueConstraint("case_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    purpose: str = Field(default="filing", max_length=16)  # filing or rfe_response
    version: int
    blob_name: str = Field(max_length=80, unique=True)
    sha256: str = Field(max_length=64)
    size_bytes: int
    page_count: int
    # What went in, in order: kind, title, label, source ("letter", "form:12", "document:7"),
    # the source's SHA-256 and its first page. Read to tell whether the case has moved on.
    contents: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    built_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    built_at: datetime = now_field()


class ReviewDecision(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"  # a newer packet was submitted before this one was decided


class PacketReview(SQLModel, table=True):
    """A packet version put to a second person, and what they decided."""

    __tablename__ = "packet_review"
    __table_args__ = (sa.Index("ix_packet_review_decision_case", "decision", "case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    packet_id: int = Field(foreign_key="filing_packet.id", index=True)
    packet_sha256: str = Field(max_length=64)  # the exact bytes the decision is about
    submitted_by_id: int = Field(foreign_key="app_user.id")
    submitted_at: datetime = now_field()
    submit_note: str = Field(default="", max_length=2000)
    decision: ReviewDecision = Field(default=ReviewDecision.PENDING, sa_type=sa.String(16))
    decided_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    decided_at: datetime | None = optional_time_field()
    comments: str = Field(default="", sa_type=sa.Text)
    checks: list[str] = Field(default_factory=list, sa_type=JSON)  # the checklist items ticked


class FilingMethod(enum.StrEnum):
    MAIL = "mail"
    COURIER = "courier"
    ONLINE = "online"


class FilingRecord(SQLModel, table=True):
    """The packet went to USCIS: when, how, by whom."""

    __tablename__ = "filing_record"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    packet_id: int = Field(foreign_key="filing_packet.id")
    filed_on: date
    method: FilingMethod = Field(sa_type=sa.String(16))
    tracking_number: str = Field(default="", max_length=64)
    filed_by_id: int = Field(foreign_key="app_user.id")
    recorded_by_id: int = Field(foreign_key="app_user.id")
    recorded_at: datetime = now_field()
    note: str = Field(default="", max_length=2000)


class CaseNotice(SQLModel, table=True):
    """A notice from USCIS (a receipt notice, an appointment, an RFE...), kept encrypted."""

    __tablename__ = "case_notice"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    kind: str = Field(default="other", max_length=16)  # receipt, rfe, approval, ...
    receipt_number: str = Field(default="", max_length=13)
    original_name: str = Field(max_length=255)
    media_type: str = Field(max_length=32)
    size_bytes: int
    sha256: str = Field(max_length=64)
    blob_name: str = Field(max_length=80, unique=True)
    uploaded_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    uploaded_via_link_id: int | None = Field(default=None, foreign_key="portal_link.id")
    uploaded_at: datetime = now_field()
    notice_date: date | None = None
    # What was read from the notice's text (services/notices.py), and which of the records it
    # proposed staff confirmed; nothing on the case changes until they do.
    reading: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    scanned: bool = False  # an image only: staff type what it says
    confirmed: list[str] = Field(default_factory=list, sa_type=JSON)
