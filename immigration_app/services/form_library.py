"""The firm's form library: blank USCIS forms an admin loaded, edition by edition.

A firm downloads each current edition from uscis.gov and loads it here; the app reads its fields
and the edition printed in its footer. Several editions of a form may be kept, one is current,
and cases are filled on the current one: USCIS rejects superseded editions. A newer edition
becomes current when loaded; an admin can switch back.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, func, select

from immigration_app.catalog.form_maps import form_maps
from immigration_app.models import FilledForm, FormField, FormTemplate, User
from immigration_app.services import storage
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput, NotFound, over_column_limits
from immigration_app.services.numbers import whole_number
from immigration_app.services.pdf_forms import BlankField, FormRefused, read_blank_form
from immigration_app.services.viewer import Viewer, require_admin

MAX_FORM_BYTES = 20 * 1024 * 1024  # USCIS forms are 0.2 to 3 MB


def load_form(
    session: Session,
    *,
    actor: Viewer,
    data: bytes,
    original_name: str,
    form_number: str = "",
    edition: str = "",
) -> FormTemplate:
    """Read and store a blank form; InvalidInput (nothing saved) when it cannot be used."""
    require_admin(actor, "change the form library")
    if len(data) > MAX_FORM_BYTES:
        raise InvalidInput({"file": "This file is larger than any USCIS form (20 MB at most)."})
    try:
        blank = read_blank_form(data, form_number=form_number, edition=edition)
    except FormRefused as refused:
        raise InvalidInput({"file": refused.message}) from None
    if any(over_column_limits(FormField, {"name": field.name}) for field in blank.fields):
        too_long = (
            "A field of this PDF has a name too long to be a USCIS form's; it was not loaded."
        )
        raise InvalidInput({"file": too_long})
    if session.exec(
        select(FormTemplate.id).where(FormTemplate.sha256 == hashlib.sha256(data).hexdigest())
    ).first():
        raise InvalidInput({"file": "This exact file is already in the library."})
    if session.exec(
        select(FormTemplate.id).where(
            FormTemplate.form_number == blank.form_number,
            FormTemplate.edition == blank.edition,
        )
    ).first():
        raise InvalidInput(
            {
                "file": f"Form {blank.form_number}, edition {blank.edition} is already "
                "loaded. Remove that copy first to load a different file of it."
            }
        )
    known = form_maps().get(blank.form_number)
    blob_name, sha256 = storage.store_bytes(data)
    try:
        current = current_template(session, blank.form_number)
        template = FormTemplate(
            form_number=blank.form_number,
            edition=blank.edition,
            edition_date=blank.edition_date,
            title=known.title if known else blank.title,
            is_current=current is None or blank.edition_date > current.edition_date,
            original_name=storage.safe_original_name(original_name),
            blob_name=blob_name,
            sha256=sha256,
            page_count=blank.page_count,
            field_count=sum(1 for field in blank.fields if field.fillable),
            loaded_by_id=actor.id,
        )
        if template.is_current and current is not None:
            current.is_current = False
            session.add(current)
        session.add(template)
        session.flush()
        session.add_all(
            FormField(
                template_id=template.id,
                position=position,
                name=field.name,
                kind=field.kind,
                label=field.label,
                part=field.part,
                item=field.item,
                page=field.page,
                max_length=field.max_length,
                capacity=field.capacity,
                on_states=list(field.on_states),
                options=list(field.options),
                read_only=field.read_only,
            )
            for position, field in enumerate(blank.fields)
        )
        record_event(
            session,
            kind="form_loaded",
            summary=f"Loaded Form {blank.form_number}, edition {blank.edition}"
            + (" (current)" if template.is_current else ""),
            actor=actor,
            after={"form": blank.form_number, "edition": blank.edition, "sha256": sha256},
        )
        session.flush()
    except BaseException:
        storage.delete_blob(blob_name)
        raise
    return template


def current_template(session: Session, form_number: str) -> FormTemplate | None:
    return session.exec(
        select(FormTemplate).where(
            FormTemplate.form_number == form_number, FormTemplate.is_current.is_(True)
        )
    ).first()


def get_template(session: Session, template_id: int) -> FormTemplate:
    template = session.get(FormTemplate, template_id)
    if template is None:
        raise NotFound(f"No form {template_id}")
    return template


def make_current(session: Session, *, actor: Viewer, template_id: int) -> FormTemplate:
    require_admin(actor, "change the form library")
    template = get_template(session, template_id)
    current = current_template(session, template.form_number)
    if current is not None and current.id == template.id:
        return template
    if current is not None:
        current.is_current = False
        session.add(current)
        session.flush()
    template.is_current = True
    session.add(template)
    record_event(
        session,
        kind="form_edition_current",
        summary=f"Form {template.form_number}: edition {template.edition} is now current",
        actor=actor,
        before={"edition": current.edition if current else None},
        after={"edition": template.edition},
    )
    return template


def remove_template(session: Session, *, actor: Viewer, template_id: int) -> None:
    """Remove an edition no case was filled on (filled copies keep theirs for the record)."""
    require_admin(actor, "change the form library")
    template = get_template(session, template_id)
    used = session.exec(
        select(func.count()).select_from(FilledForm).where(FilledForm.template_id == template.id)
    ).one()
    if used:
        raise InvalidInput(
            {"form": f"{used} filled form(s) were made from this edition; it stays on record."}
        )
    session.exec(sa.delete(FormField).where(FormField.template_id == template.id))
    session.delete(template)
    if template.is_current:
        newest = session.exec(
            select(FormTemplate)
            .where(FormTemplate.form_number == template.form_number)
            .order_by(FormTemplate.edition_date.desc())
        ).first()
        if newest is not None:
            newest.is_current = True
            session.add(newest)
    record_event(
        session,
        kind="form_removed",
        summary=f"Removed Form {template.form_number}, edition {template.edition}",
        actor=actor,
        before={"form": template.form_number, "edition": template.edition},
    )
    storage.delete_blob_after_commit(session, template.blob_name)


def template_fields(session: Session, template_id: int) -> list[FormField]:
    return list(
        session.exec(
            select(FormField)
            .where(FormField.template_id == template_id)
            .order_by(FormField.position)
        )
    )


def blank_fields(session: Session, template_id: int) -> dict[str, BlankField]:
    """The template's fields as the filler takes them, keyed by name."""
    return {
        row.name: BlankField(
            name=row.name,
            kind=row.kind,
            label=row.label,
            part=row.part,
            item=row.item,
            page=row.page,
            max_length=row.max_length,
            capacity=row.capacity,
            on_states=tuple(row.on_states),
            options=tuple(row.options),
            read_only=row.read_only,
        )
        for row in template_fields(session, template_id)
    }


@functools.lru_cache(maxsize=16)
def _template_bytes(blob_name: str) -> bytes:
    return storage.read_all(blob_name)


def template_bytes(template: FormTemplate) -> bytes:
    """The blank PDF. Kept in memory once read: a blank form never changes, and the filler
    keeps its parsed objects keyed by these very bytes."""
    return _template_bytes(template.blob_name)


@dataclass(frozen=True)
class EditionRow:
    id: int
    edition: str
    is_current: bool
    loaded_on: datetime
    loaded_by: str
    fields: int
    pages: int
    filled: int


@dataclass(frozen=True)
class LibraryRow:
    form_number: str
    title: str
    mapped: bool  # the catalog has a field map for it
    editions: list[EditionRow]


def library(session: Session) -> list[LibraryRow]:
    """Every form in the library (and every form the catalog maps), newest edition first."""
    filled = dict(
        session.exec(
            select(FilledForm.template_id, func.count()).group_by(FilledForm.template_id)
        ).all()
    )
    rows = session.exec(
        select(FormTemplate, User.full_name)
        .join(User, User.id == FormTemplate.loaded_by_id, isouter=True)
        .order_by(FormTemplate.form_number, FormTemplate.edition_date.desc())
    ).all()
    maps = form_maps()
    by_form: dict[str, LibraryRow] = {}
    for template, loaded_by in rows:
        number = template.form_number
        entry = by_form.setdefault(number, LibraryRow(number, template.title, number in maps, []))
        entry.editions.append(
            EditionRow(
                id=template.id,
                edition=template.edition,
                is_current=template.is_current,
                loaded_on=template.loaded_at,
                loaded_by=loaded_by or "",
                fields=template.field_count,
                pages=template.page_count,
                filled=filled.get(template.id, 0),
            )
        )
    for number, form_map in maps.items():
        by_form.setdefault(number, LibraryRow(number, form_map.title, True, []))
    return sorted(by_form.values(), key=lambda row: _form_order(row.form_number))


def _form_order(number: str) -> tuple:
    letter, _, digits = number.partition("-")
    numeric = re.sub("[^0-9]", "", digits)  # a typed number may hold any character
    return (letter, whole_number(numeric) or 0, digits)
