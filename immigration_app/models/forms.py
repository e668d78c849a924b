"""Government forms: the blank PDFs the firm loaded, their fields, the firm's changes to the field
maps, per-case overrides, every filled copy, and the consistency warnings staff acknowledged.

A field map lives in the catalog (one TOML per form); an admin's change to one field is a
`FormMapEdit` row that wins over the catalog's line for that field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from immigration_app.models.types import now_field


class FormTemplate(SQLModel, table=True):
    """One edition of a blank form, as an admin loaded it. One edition per form is current."""

    __tablename__ = "form_template"

    id: int | None = Field(default=None, primary_key=True)
    form_number: str = Field(max_length=16, index=True)  # "I-130"
    edition: str = Field(max_length=8)  # "04/01/24", as printed in the footer
    edition_date: date
    title: str = Field(default="", max_length=200)
    is_current: bool = Field(default=False, index=True)
    original_name: str = Field(default="", max_length=255)
    blob_name: str = Field(max_length=64)
    sha256: str = Field(max_length=64, unique=True)
    page_count: int = 0
    field_count: int = 0
    loaded_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    loaded_at: datetime = now_field()


class FormField(SQLModel, table=True):
    """A fillable field of a loaded form, read from its AcroForm."""

    __tablename__ = "form_field"

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="form_template.id", index=True)
    name: str = Field(
        max_length=300
    )  # fully qualified: form1[0].#subform[0].Pt2Line4a_FamilyName[0]
    kind: str = Field(max_length=12)  # text, checkbox, choice, signature, barcode
    label: str = Field(default="", sa_type=sa.Text)  # the tooltip, which is the printed label
    part: str = Field(default="", max_length=8)  # "2", from the label
    item: str = Field(default="", max_length=12)  # "4.a"
    page: int = 0
    max_length: int | None = None
    capacity: int | None = None  # characters that fit in the box, when no max length is set
    on_states: list[str] = Field(default_factory=list, sa_type=JSON)
    options: list[str] = Field(default_factory=list, sa_type=JSON)
    read_only: bool = False
    position: int = 0


class FormMapEdit(SQLModel, table=True):
    """An admin's change to one field of a form's map; `key` "" means deliberately unmapped."""

    __tablename__ = "form_map_edit"

    form_number: str = Field(max_length=16, primary_key=True)
    field_name: str = Field(max_length=300, primary_key=True)
    key: str = Field(default="", max_length=120)
    when: str = Field(default="", max_length=40)
    blank: str = Field(default="", max_length=20)
    edited_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    edited_at: datetime = now_field()


class FormOverride(SQLModel, table=True):
    """What staff typed into one field of one case's form, instead of the profile's value."""

    __tablename__ = "form_override"
    __table_args__ = (sa.UniqueConstraint("case_id", "form_number", "field_name"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    form_number: str = Field(max_length=16)
    field_name: str = Field(max_length=300)
    value: str = Field(sa_type=sa.Text)
    replaced: str = Field(default="", sa_type=sa.Text)  # the profile's value when it was set
    set_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    set_at: datetime = now_field()


class FilledForm(SQLModel, table=True):
    """A filled copy of a form for a case; each fill is a new version, none is changed."""

    __tablename__ = "filled_form"
    __table_args__ = (sa.UniqueConstraint("case_id", "form_number", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    template_id: int = Field(foreign_key="form_template.id")
    form_number: str = Field(max_length=16)
    version: int = 1
    blob_name: str = Field(max_length=64)
    sha256: str = Field(max_length=64)
    size: int = 0
    # field name -> the whole answer meant for it ("checked" or "" for a checkbox); a long
    # answer's box holds a pointer to the continuation page instead
    values: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    continued: int = 0  # answers moved to the continuation page
    filled_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    filled_at: datetime = now_field()


class FindingAck(SQLModel, table=True):
    """A consistency warning staff looked at and accepted, with why."""

    __tablename__ = "finding_ack"

    case_id: int = Field(foreign_key="case_file.id", primary_key=True)
    code: str = Field(max_length=200, primary_key=True)
    note: str = Field(max_length=500)
    acked_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    acked_at: datetime = now_field()
