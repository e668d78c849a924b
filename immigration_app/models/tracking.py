"""After filing: what USCIS says about each receipt number, requests for evidence and their
answers, and the processing times USCIS publishes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from immigration_app.models.types import now_field, optional_time_field


class CaseStatusEntry(SQLModel, table=True):
    """One reading of a receipt number's status: from the USCIS Case Status API or typed by staff.

    Every check is kept, changed or not, so the history shows when USCIS said what and when the
    firm last looked.
    """

    __tablename__ = "case_status_entry"
    __table_args__ = (
        sa.Index("ix_case_status_entry_receipt_time", "receipt_number", "checked_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    receipt_number: str = Field(max_length=13)
    checked_at: datetime = now_field()
    source: str = Field(default="api", max_length=8)  # api or manual
    form_type: str = Field(default="", max_length=16)
    title_en: str = Field(default="", max_length=300)
    text_en: str = Field(default="", sa_type=sa.Text)
    title_es: str = Field(default="", max_length=300)
    text_es: str = Field(default="", sa_type=sa.Text)
    category: str = Field(default="other", max_length=16)
    modified_at: datetime | None = optional_time_field()  # when USCIS says it last changed
    changed: bool = False  # differs from the reading before it
    entered_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class EvidenceRequest(SQLModel, table=True):
    """An RFE or a NOID and the firm's answer to it, from the notice to the response filed."""

    __tablename__ = "evidence_request"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    kind: str = Field(default="rfe", max_length=8)  # rfe or noid
    notice_id: int | None = Field(default=None, foreign_key="case_notice.id")
    receipt_number: str = Field(default="", max_length=13)
    notice_date: date | None = None
    due_on: date  # the date printed on the notice (computed only when none is printed)
    deadline_id: int | None = Field(default=None, foreign_key="case_deadline.id")
    # What USCIS asks for, as staff wrote it from the notice: {"text", "item_id"} each, the
    # item being the checklist item the client is asked through the portal ("" when the firm
    # answers it itself).
    requested: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    response_filed_on: date | None = None
    # The response packet that went out (built with purpose "rfe_response").
    response_packet_id: int | None = Field(default=None, foreign_key="filing_packet.id")
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = now_field()


class ProcessingTime(SQLModel, table=True):
    """One line of USCIS's published processing times, as an admin imported it."""

    __tablename__ = "processing_time"
    __table_args__ = (sa.UniqueConstraint("form", "category", "office", "published_on"),)

    id: int | None = Field(default=None, primary_key=True)
    form: str = Field(max_length=16, index=True)  # "I-485"
    category: str = Field(max_length=200)  # "Family-based adjustment applications"
    office: str = Field(max_length=120)  # "National Benefits Center", "Chicago IL"
    months: float  # 80% of cases are decided within this many months
    published_on: date
    imported_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    imported_at: datetime = now_field()
