"""The field map a firm fills a form with: the catalog's map, with the firm's own changes.

An admin may map a field the catalog leaves open, change a line, or unmap one; each change is
a `FormMapEdit` row that wins over the catalog's line for that field. A form the catalog does
not know has no lines at all until an admin maps some: load it, map what you need.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from immigration_app.catalog.form_maps import (
    CASE_FIELDS,
    MEMBER_ROLES,
    PERSON_FIELDS,
    PERSON_GROUPS,
    PERSON_LISTS,
    FieldRule,
    FormMap,
    form_maps,
    key_problem,
)
from immigration_app.models import FormMapEdit, utcnow
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput
from immigration_app.services.form_library import get_template, template_fields
from immigration_app.services.pdf_forms import fillable
from immigration_app.services.viewer import Viewer, require_admin

LIST_INDEXES_OFFERED = 4  # key suggestions go up to [3]; a longer list is typed by hand


def _default_map(form_number: str) -> FormMap:
    """A form the catalog does not know: every case-member role plays itself."""
    return FormMap(
        form=form_number,
        title="",
        edition="",
        people={role: (role,) for role in MEMBER_ROLES},
        fields=(),
        leave_to_staff=(),
    )


def effective_map(session: Session, form_number: str) -> FormMap:
    """The map the firm fills `form_number` with: the catalog's, with the admins' edits."""
    base = form_maps().get(form_number) or _default_map(form_number)
    edits = {
        edit.field_name: edit
        for edit in session.exec(select(FormMapEdit).where(FormMapEdit.form_number == form_number))
    }
    if not edits:
        return base
    rules = []
    for rule in base.fields:
        edit = edits.pop(rule.name, None)
        if edit is None:
            rules.append(rule)
        elif edit.key:
            rules.append(_rule_of(edit, rule))
    rules += [_rule_of(edit, None) for edit in edits.values() if edit.key]
    return dataclasses.replace(base, fields=tuple(rules))


def _rule_of(edit: FormMapEdit, catalog_rule: FieldRule | None) -> FieldRule:
    return FieldRule(
        name=edit.field_name,
        key=edit.key,
        when=edit.when,
        blank=edit.blank,
        format=catalog_rule.format if catalog_rule and catalog_rule.key == edit.key else "",
        required=bool(catalog_rule and catalog_rule.required and catalog_rule.key == edit.key),
    )


def key_choices(form_map: FormMap) -> list[str]:
    """Every key an admin may pick for this form (lists up to LIST_INDEXES_OFFERED)."""
    keys = [f"case.{field}" for field in CASE_FIELDS]
    for role in form_map.people:
        keys += [f"{role}.{field}" for field in PERSON_FIELDS]
        keys += [
            f"{role}.{group}.{field}" for group, names in PERSON_GROUPS.items() for field in names
        ]
        keys += [
            f"{role}.{name}[{index}].{field}"
            for name, names in PERSON_LISTS.items()
            for index in range(LIST_INDEXES_OFFERED)
            for field in names
        ]
    return keys


@dataclass(frozen=True)
class MapRow:
    name: str
    short_name: str  # the last part of the name, which is what USCIS's names say
    label: str
    kind: str
    part: str
    item: str
    key: str
    when: str
    blank: str
    status: str  # mapped, staff (left to staff on purpose), unmapped, fixed (not fillable)
    edited: bool  # the firm changed the catalog's line
    on_states: list[str]


def map_rows(session: Session, *, actor: Viewer, template_id: int) -> list[MapRow]:
    """The template's fields with what each is mapped to, in the form's order."""
    require_admin(actor, "change the form library")
    template = get_template(session, template_id)
    form_map = effective_map(session, template.form_number)
    rules = {rule.name: rule for rule in form_map.fields}
    left = set(form_map.leave_to_staff)
    edited = set(
        session.exec(
            select(FormMapEdit.field_name).where(FormMapEdit.form_number == template.form_number)
        )
    )
    rows = []
    for field in template_fields(session, template.id):
        rule = rules.get(field.name)
        if not fillable(field.kind, field.read_only):
            status = "fixed"
        elif rule:
            status = "mapped"
        elif field.name in left and field.name not in edited:
            status = "staff"
        else:
            status = "unmapped"
        rows.append(
            MapRow(
                name=field.name,
                short_name=field.name.rsplit(".", 1)[-1],
                label=field.label,
                kind=field.kind,
                part=field.part,
                item=field.item,
                key=rule.key if rule else "",
                when=rule.when if rule else "",
                blank=rule.blank if rule else "",
                status=status,
                edited=field.name in edited,
                on_states=list(field.on_states),
            )
        )
    return rows


def save_field_rule(
    session: Session,
    *,
    actor: Viewer,
    template_id: int,
    field_name: str,
    key: str,
    when: str = "",
    blank: str = "",
) -> None:
    """Map one field (or unmap it with an empty key) for every case filled from now on."""
    require_admin(actor, "change the form library")
    template = get_template(session, template_id)
    field = next(
        (row for row in template_fields(session, template.id) if row.name == field_name), None
    )
    if (
        field is None
        or field.read_only
        or field.kind not in ("text", "checkbox", "radio", "choice")
    ):
        raise InvalidInput({"key": "This field cannot be filled."})
    key, when, blank = key.strip(), when.strip().lower(), blank.strip()
    form_map = effective_map(session, template.form_number)
    if key:
        problem = key_problem(key, set(form_map.people))
        if problem:
            raise InvalidInput({"key": f"Choose a profile key from the list ({problem})."})
    checkbox = field.kind in ("checkbox", "radio")
    if key and checkbox and not when:
        raise InvalidInput({"when": 'Say which value checks this box, e.g. "male" or "yes".'})
    if not checkbox:
        when = ""
    before = form_map.rule(field_name)
    edit = session.get(FormMapEdit, (template.form_number, field_name)) or FormMapEdit(
        form_number=template.form_number, field_name=field_name
    )
    edit.key, edit.when, edit.blank = key, when, blank[:20]
    edit.edited_by_id, edit.edited_at = actor.id, utcnow()
    session.add(edit)
    record_event(
        session,
        kind="form_map_changed",
        summary=f"Form {template.form_number}: {field.name.rsplit('.', 1)[-1]} "
        + (f"now filled from {key}" if key else "left unmapped"),
        actor=actor,
        before={"key": before.key, "when": before.when} if before else None,
        after={"field": field_name, "key": key, "when": when, "blank": edit.blank},
    )


def reset_field_rule(session: Session, *, actor: Viewer, template_id: int, field_name: str) -> None:
    """Go back to the catalog's line for this field."""
    require_admin(actor, "change the form library")
    template = get_template(session, template_id)
    session.exec(
        sa.delete(FormMapEdit).where(
            FormMapEdit.form_number == template.form_number,
            FormMapEdit.field_name == field_name,
        )
    )
    record_event(
        session,
        kind="form_map_changed",
        summary=f"Form {template.form_number}: {field_name.rsplit('.', 1)[-1]} back to the "
        "standard map",
        actor=actor,
        after={"field": field_name, "reset": True},
    )
