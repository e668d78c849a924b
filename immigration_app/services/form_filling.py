"""Filling a case's forms: profile values through the field map, staff overrides on top.

Each fill writes a new version (nothing is overwritten), made from the current edition,
re-read before it is kept: a value that does not read back as written stops the fill and
nothing is saved. Every fill, override and view is an event on the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, func, select

from immigration_app.catalog import case_types
from immigration_app.catalog.form_maps import FieldRule, FormMap
from immigration_app.models import Case, FilledForm, FormOverride, FormTemplate, User, utcnow
from immigration_app.services import storage
from immigration_app.services.audit import record_event
from immigration_app.services.documents import Download
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.firm import firm_clock
from immigration_app.services.form_data import (
    FormPeople,
    case_members,
    form_people,
    form_values,
)
from immigration_app.services.form_library import (
    blank_fields,
    current_template,
    template_bytes,
)
from immigration_app.services.form_mapping import effective_map
from immigration_app.services.numbers import digits_only
from immigration_app.services.pdf_forms import BlankField, fill_pdf
from immigration_app.services.people import mask_ssn
from immigration_app.services.viewer import Viewer, visible_case

_CHECKED = {"x", "yes", "y", "checked", "on", "true", "1"}
_UNCHECKED = {"", "no", "n", "unchecked", "off", "false", "0"}
MAX_OVERRIDE = 2000


def as_text(value) -> str:
    """A profile value as a form prints it: dates MM/DD/YYYY, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%m/%d/%Y")
    return str(value)


def rule_value(rule: FieldRule, blank: BlankField, values: dict) -> str | bool:
    """What the map puts in one field: text, or whether a checkbox is checked."""
    text = as_text(values.get(rule.key)).strip()
    if rule.format == "digits":
        text = digits_only(text)
    if blank.kind in ("checkbox", "radio"):
        return text.lower() == rule.when.lower()
    return text or rule.blank


def override_value(blank: BlankField, text: str) -> str | bool:
    if blank.kind in ("checkbox", "radio"):
        return text.strip().lower() in _CHECKED
    return text


@dataclass
class FormPlan:
    """Everything one fill of one form needs, worked out before any PDF is touched."""

    case: Case
    template: FormTemplate
    form_map: FormMap
    people: FormPeople
    blanks: dict[str, BlankField]
    profile: dict[str, str | bool]  # field -> the value the map gives
    overrides: dict[str, FormOverride]
    values: dict  # the vocabulary's values for this form's people

    def final(self) -> dict[str, str | bool]:
        final = dict(self.profile)
        for name, override in self.overrides.items():
            if name in self.blanks:
                final[name] = override_value(self.blanks[name], override.value)
        return final


def _overrides(session: Session, case_id: int, form_number: str) -> dict[str, FormOverride]:
    rows = session.exec(
        select(FormOverride).where(
            FormOverride.case_id == case_id, FormOverride.form_number == form_number
        )
    )
    return {row.field_name: row for row in rows}


def plan_form(session: Session, case: Case, form_number: str) -> FormPlan:
    template = current_template(session, form_number)
    if template is None:
        raise InvalidInput(
            {"form": f"Form {form_number} is not in the form library: an admin loads it first."}
        )
    form_map = effective_map(session, form_number)
    people = form_people(form_map, case_members(session, case))
    values = form_values(session, case, form_map, people)
    blanks = blank_fields(session, template.id)
    profile = {
        rule.name: rule_value(rule, blanks[rule.name], values)
        for rule in form_map.fields
        if rule.name in blanks and blanks[rule.name].fillable
    }
    return FormPlan(
        case,
        template,
        form_map,
        people,
        blanks,
        profile,
        _overrides(session, case.id, form_number),
        values,
    )


def _heading(plan: FormPlan) -> tuple[str, str]:
    form_line = f"Form {plan.template.form_number}, Edition {plan.template.edition}"
    person = next(iter(plan.people.people.values()), None)
    if person is None:
        return form_line, ""
    name = f"{person.family_name.upper()}, {person.given_name} {person.middle_name}".strip()
    a_number = f"    A-Number: A{person.a_number}" if person.a_number else ""
    return form_line, f"Name: {name}{a_number}"


def fill_form(session: Session, *, actor: Viewer, reference: str, form_number: str) -> FilledForm:
    """Fill one form of the case on its current edition and keep it as a new version."""
    case = visible_case(session, viewer=actor, reference=reference)
    if form_number not in {number for number, _ in case_form_numbers(case)}:
        raise InvalidInput(
            {"form": f"{case_types()[case.case_type].title} cases do not file Form {form_number}."}
        )
    plan = plan_form(session, case, form_number)
    if plan.people.missing:
        raise InvalidInput(
            {
                "form": f"Form {form_number} needs a {' and a '.join(plan.people.missing)} "
                "on the case; add them on the Profile tab."
            }
        )
    final = plan.final()
    values = {name: value for name, value in final.items() if value not in ("", False)}
    filled = fill_pdf(
        template_bytes(plan.template),
        plan.blanks,
        values,
        continuation_heading=_heading(plan),
    )
    unread = filled.unreadable()
    if unread:
        raise InvalidInput(
            {
                "form": f"Form {form_number} did not read back as written ({len(unread)} "
                f"field(s), e.g. {unread[0].rsplit('.', 1)[-1]}); nothing was saved."
            }
        )
    version = (
        session.exec(
            select(func.max(FilledForm.version)).where(
                FilledForm.case_id == case.id, FilledForm.form_number == form_number
            )
        ).one()
        or 0
    ) + 1
    blob_name, sha256 = storage.store_bytes(filled.data)
    moved = len(filled.continued)
    try:
        row = FilledForm(
            case_id=case.id,
            template_id=plan.template.id,
            form_number=form_number,
            version=version,
            blob_name=blob_name,
            sha256=sha256,
            size=len(filled.data),
            values={name: shown(value) for name, value in final.items()},
            continued=moved,
            filled_by_id=actor.id,
        )
        session.add(row)
        record_event(
            session,
            kind="form_filled",
            summary=f"Filled Form {form_number} (edition {plan.template.edition}), version "
            f"{version}"
            + (
                f"; {len(filled.continued)} answer(s) on the continuation page"
                if filled.continued
                else ""
            ),
            actor=actor,
            case_id=case.id,
            after={
                "form": form_number,
                "edition": plan.template.edition,
                "version": version,
                "fields": len(filled.written),
                "sha256": sha256,
            },
        )
        session.flush()
    except BaseException:
        storage.delete_blob(blob_name)
        raise
    return row


def case_form_numbers(case: Case) -> list[tuple[str, bool]]:
    """The forms this case type files, each with whether it is optional."""
    kind = case_types()[case.case_type]
    return [(number, False) for number in kind.forms] + [
        (number, True) for number in kind.optional_forms if number not in kind.forms
    ]


@dataclass(frozen=True)
class CaseFormRow:
    form_number: str
    title: str
    optional: bool
    in_library: bool
    edition: str  # the current edition, "" when not in the library
    mapped_fields: int
    overrides: int
    filled_id: int | None  # the latest version
    filled_version: int
    filled_edition: str
    filled_on: str
    filled_by: str
    superseded: bool  # the latest version was filled on an edition no longer current
    continued: int


def latest_filled(session: Session, case_id: int) -> dict[str, FilledForm]:
    """The newest version of every form filled for the case."""
    newest = (
        select(FilledForm.form_number, func.max(FilledForm.version).label("version"))
        .where(FilledForm.case_id == case_id)
        .group_by(FilledForm.form_number)
        .subquery()
    )
    rows = session.exec(
        select(FilledForm)
        .join(
            newest,
            sa.and_(
                FilledForm.form_number == newest.c.form_number,
                FilledForm.version == newest.c.version,
            ),
        )
        .where(FilledForm.case_id == case_id)
    )
    return {row.form_number: row for row in rows}


def case_forms(session: Session, *, viewer: Viewer, reference: str) -> list[CaseFormRow]:
    case = visible_case(session, viewer=viewer, reference=reference)
    clock = firm_clock(session)
    filled = latest_filled(session, case.id)
    override_counts = dict(
        session.exec(
            select(FormOverride.form_number, func.count())
            .where(FormOverride.case_id == case.id)
            .group_by(FormOverride.form_number)
        ).all()
    )
    rows = []
    for number, optional in case_form_numbers(case):
        template = current_template(session, number)
        latest = filled.get(number)
        latest_template = session.get(FormTemplate, latest.template_id) if latest else None
        by = session.get(User, latest.filled_by_id) if latest and latest.filled_by_id else None
        form_map = effective_map(session, number)
        rows.append(
            CaseFormRow(
                form_number=number,
                title=(template.title if template else "") or form_map.title,
                optional=optional,
                in_library=template is not None,
                edition=template.edition if template else "",
                mapped_fields=len(form_map.fields),
                overrides=override_counts.get(number, 0),
                filled_id=latest.id if latest else None,
                filled_version=latest.version if latest else 0,
                filled_edition=latest_template.edition if latest_template else "",
                filled_on=clock.moment(latest.filled_at) if latest else "",
                filled_by=by.full_name if by else "",
                superseded=bool(latest_template and not latest_template.is_current),
                continued=latest.continued if latest else 0,
            )
        )
    return rows


# --- overrides ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldView:
    name: str
    short_name: str
    label: str
    part: str
    item: str
    kind: str
    key: str  # the profile key it is filled from, "" when none
    profile_value: str  # what the profile gives ("checked" / "" for a checkbox)
    override: str | None
    replaced: str
    set_by: str
    set_on: str
    options: list[str]


def shown(value: str | bool) -> str:
    """A field's value as text: a checkbox reads "checked" or ""."""
    if isinstance(value, bool):
        return "checked" if value else ""
    return value


def form_fields(
    session: Session, *, viewer: Viewer, reference: str, form_number: str
) -> list[FieldView]:
    """Every fillable field of the form for this case: where its value comes from, and any
    override staff typed."""
    case = visible_case(session, viewer=viewer, reference=reference)
    plan = plan_form(session, case, form_number)
    clock = firm_clock(session)
    keys = {rule.name: rule.key for rule in plan.form_map.fields}
    setters = {override.set_by_id for override in plan.overrides.values()}
    users = dict(session.exec(select(User.id, User.full_name).where(User.id.in_(setters))).all())
    views = []
    for name, blank in plan.blanks.items():
        if not blank.fillable:
            continue
        override = plan.overrides.get(name)
        views.append(
            FieldView(
                name=name,
                short_name=name.rsplit(".", 1)[-1],
                label=blank.label,
                part=blank.part,
                item=blank.item,
                kind=blank.kind,
                key=keys.get(name, ""),
                profile_value=shown(plan.profile.get(name, "")),
                override=override.value if override else None,
                replaced=override.replaced if override else "",
                set_by=users.get(override.set_by_id, "") if override else "",
                set_on=clock.moment(override.set_at) if override else "",
                options=list(blank.options),
            )
        )
    return views


def _as_event_keeps_it(session: Session, form_number: str, field_name: str):
    """How an override's values go into its event: an SSN field's masked, like the profile's
    (events are shown on the timeline and exported)."""
    rules = effective_map(session, form_number).fields
    key = next((rule.key for rule in rules if rule.name == field_name), "") or ""
    if key.rsplit(".", 1)[-1] != "ssn":
        return lambda value: value
    return lambda value: (mask_ssn(value) or value) if value else value


def set_override(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    form_number: str,
    field_name: str,
    value: str,
) -> FormOverride:
    """Type a value into one field of this case's form, over what the profile gives."""
    case = visible_case(session, viewer=actor, reference=reference)
    plan = plan_form(session, case, form_number)
    blank = plan.blanks.get(field_name)
    if blank is None or not blank.fillable:
        raise InvalidInput({"field": "Choose a field of the form."})
    value = value.strip()
    if len(value) > MAX_OVERRIDE:
        raise InvalidInput({"value": f"Keep it under {MAX_OVERRIDE} characters."})
    if blank.kind in ("checkbox", "radio"):
        if value.lower() not in _CHECKED | _UNCHECKED:
            raise InvalidInput({"value": 'For a checkbox, choose "checked" or "not checked".'})
        value = "checked" if value.lower() in _CHECKED else "not checked"
    if blank.kind == "choice" and value and blank.options and value not in blank.options:
        raise InvalidInput({"value": f"Choose one of: {', '.join(o for o in blank.options if o)}."})
    replaced = shown(plan.profile.get(field_name, ""))
    row = plan.overrides.get(field_name) or FormOverride(
        case_id=case.id, form_number=form_number, field_name=field_name, value=""
    )
    before = row.value if row.id else None
    row.value, row.replaced, row.set_by_id, row.set_at = value, replaced, actor.id, utcnow()
    session.add(row)
    shown_as = _as_event_keeps_it(session, form_number, field_name)
    record_event(
        session,
        kind="form_override_set",
        summary=f"Form {form_number} {_where(blank)}: typed {shown_as(value)!r} instead of "
        f"{shown_as(replaced) or 'nothing'!r}",
        actor=actor,
        case_id=case.id,
        before={"field": field_name, "value": shown_as(before)},
        after={"field": field_name, "value": shown_as(value), "replaced": shown_as(replaced)},
    )
    return row


def clear_override(
    session: Session, *, actor: Viewer, reference: str, form_number: str, field_name: str
) -> None:
    case = visible_case(session, viewer=actor, reference=reference)
    row = session.exec(
        select(FormOverride).where(
            FormOverride.case_id == case.id,
            FormOverride.form_number == form_number,
            FormOverride.field_name == field_name,
        )
    ).first()
    if row is None:
        return
    session.delete(row)
    record_event(
        session,
        kind="form_override_cleared",
        summary=f"Form {form_number} {field_name.rsplit('.', 1)[-1]}: back to the profile's value",
        actor=actor,
        case_id=case.id,
        before={
            "field": field_name,
            "value": _as_event_keeps_it(session, form_number, field_name)(row.value),
        },
    )


def _where(blank: BlankField) -> str:
    """ "Part 2, item 4.a", as USCIS forms name a place."""
    parts = []
    if blank.part:
        parts.append(f"Part {blank.part}")
    if blank.item:
        parts.append(f"item {blank.item}")
    return ", ".join(parts) or blank.name.rsplit(".", 1)[-1]


def open_filled_form(
    session: Session, *, viewer: Viewer, filled_id: int, client_address: str = ""
) -> Download:
    """A filled form the viewer may see, shown in the browser; the view is an event."""
    row = session.get(FilledForm, filled_id)
    case = session.get(Case, row.case_id) if row else None
    if case is None:
        raise NotFound("No such form.")
    visible_case(session, viewer=viewer, reference=case.reference)
    name = f"{case.reference} {row.form_number} v{row.version}.pdf"
    record_event(
        session,
        kind="form_viewed",
        summary=f"Viewed Form {row.form_number} version {row.version}",
        actor=viewer,
        case_id=case.id,
        after={"filled_form_id": row.id, "sha256": row.sha256},
        client_address=client_address,
    )
    return Download(row.blob_name, name, "application/pdf", row.size, inline=True)
