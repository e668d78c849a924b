"""Evidence collection: each case's checklist, the files uploaded against it, the firm's own
version of a case type's checklist, and the client portal links.

A case's checklist items are copies, not references: a checklist edited later by an admin
changes new cases only, and a case keeps the wording its client was shown.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from immigration_app.models.types import UtcDateTime, now_field, optional_time_field


class ItemStatus(enum.StrEnum):
    NEEDED = "needed"
    UPLOADED = "uploaded"  # waiting for staff review
    ACCEPTED = "accepted"
    REJECTED = "rejected"  # the reason goes to the client
    WAIVED = "waived"  # not needed on this case, with a reason


class FileReview(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ChecklistText(SQLModel):
    """What an item says and accepts; shared by the firm's template and a case's copy."""

    code: str = Field(max_length=64)
    section: str = Field(max_length=32)
    title_en: str = Field(max_length=200)
    title_es: str = Field(max_length=200)
    explain_en: str = Field(default="", sa_type=sa.Text)
    explain_es: str = Field(default="", sa_type=sa.Text)
    kinds: list[str] = Field(default_factory=lambda: ["pdf", "photo"], sa_type=JSON)
    translation: bool = False
    required: bool = True
    expires_after_days: int = 0  # 0: the document does not go stale
    position: int = 0


class ChecklistTemplateItem(ChecklistText, table=True):
    """An item of the firm's own checklist for a case type.

    A case type has rows here only once an admin has edited its checklist; until then the
    catalog's list is used.
    """

    __tablename__ = "checklist_template_item"
    __table_args__ = (sa.UniqueConstraint("case_type", "role", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    case_type: str = Field(max_length=64, index=True)
    role: str = Field(max_length=16)


class CaseChecklistItem(ChecklistText, table=True):
    """One piece of evidence a case needs from one of its members."""

    __tablename__ = "case_checklist_item"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "member_id", "code"),
        # The review queue and the missing counts read items by status.
        sa.Index("ix_case_checklist_item_status_case", "status", "case_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    member_id: int = Field(foreign_key="case_member.id", index=True)
    status: ItemStatus = Field(default=ItemStatus.NEEDED, sa_type=sa.String(16))
    # The rejection reason (told to the client) or the waiver reason (staff only).
    status_reason: str = Field(default="", max_length=1000)
    status_changed_at: datetime = now_field()
    status_changed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    added_for_case: bool = False  # added by staff to this case, not from the case type
    accepted_on: date | None = None
    expires_on: date | None = None


class DocumentFile(SQLModel, table=True):
    """One uploaded file, a version of a checklist item. Never overwritten or deleted."""

    __tablename__ = "document_file"
    __table_args__ = (sa.UniqueConstraint("item_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="case_checklist_item.id", index=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    version: int
    original_name: str = Field(max_length=255)
    media_type: str = Field(max_length=32)
    extension: str = Field(max_length=8)
    size_bytes: int
    sha256: str = Field(max_length=64)
    blob_name: str = Field(max_length=80, unique=True)
    # A photo is also kept as a one-page PDF, for filing packets.
    pdf_blob_name: str = Field(default="", max_length=80)
    review: FileReview = Field(default=FileReview.PENDING, sa_type=sa.String(16))
    uploaded_at: datetime = now_field(index=True)
    uploaded_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    uploaded_via_link_id: int | None = Field(default=None, foreign_key="portal_link.id")


class PortalLink(SQLModel, table=True):
    """A client's way into the portal for one case member. Only the token's hash is kept."""

    __tablename__ = "portal_link"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    member_id: int = Field(foreign_key="case_member.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    require_date_of_birth: bool = False
    created_at: datetime = now_field()
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    expires_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    revoked_at: datetime | None = optional_time_field()
    revoked_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    last_used_at: datetime | None = optional_time_field()
    # Wrong dates of birth in a row; the link locks after a few.
    failed_checks: int = 0


class ClientAnswer(SQLModel, table=True):
    """Marks a profile answer the client gave through the portal, so staff can tell."""

    __tablename__ = "client_answer"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    field: str = Field(max_length=64, primary_key=True)  # a Person field, "addresses", ...
    link_id: int | None = Field(default=None, foreign_key="portal_link.id")
    answered_at: datetime = now_field()
