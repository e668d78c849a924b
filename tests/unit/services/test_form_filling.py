"""Enter once, fill everywhere: the eight mapped forms filled from one case's profiles."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlmodel import select

from immigration_app.models import CaseEvent, FilledForm, FormTemplate
from immigration_app.services import storage
from immigration_app.services.cases import MemberInput, open_case, set_priority_date
from immigration_app.services.db import session_scope
from immigration_app.services.errors import InvalidInput, NotPermitted
from immigration_app.services.form_data import case_members, form_people
from immigration_app.services.form_filling import (
    FieldView,
    case_forms,
    clear_override,
    fill_form,
    form_fields,
    set_override,
)
from immigration_app.services.form_library import (
    current_template,
    library,
    load_form,
    make_current,
    remove_template,
)
from immigration_app.services.form_mapping import (
    effective_map,
    map_rows,
    reset_field_rule,
    save_field_rule,
)
from immigration_app.services.pdf_forms import CONTINUATION_MARK, read_values
from immigration_app.settings import get_settings
from tests.factories import make_viewer
from tests.form_profiles import (
    EXPECTED,
    FORMS_DIR,
    MAPPED_FORMS,
    make_marriage_case,
    needs_real_forms,
)

pytestmark = needs_real_forms


def load(session, admin, form: str) -> FormTemplate:
    path = FORMS_DIR / f"{form.lower()}.pdf"
    return load_form(session, actor=admin, data=path.read_bytes(), original_name=path.name)


def filled_values(row: FilledForm) -> dict[str, str]:
    return read_values(storage.read_all(row.blob_name))


@pytest.fixture
def admin(session):
    return make_viewer(session, role="admin")


@pytest.fixture
def marriage(session, admin):
    return make_marriage_case(session, actor=admin)


def case_for(session, admin, marriage, form: str):
    """The marriage case files every mapped form but the N-400; the beneficiary, once
    naturalised, files that on a case of her own."""
    if form != "N-400":
        return marriage
    people = {member.role: person for member, person in case_members(session, marriage)}
    return open_case(
        session,
        actor=admin,
        case_type="n400-naturalization",
        members=[MemberInput(role="applicant", person_id=people["beneficiary"].id)],
    )


def i130_field(session, admin, marriage, key: str) -> FieldView:
    """The marriage case's I-130 field filled from this profile key."""
    return next(
        view
        for view in form_fields(
            session, viewer=admin, reference=marriage.reference, form_number="I-130"
        )
        if view.key == key
    )


def member_role(session, case, form_map, form_role: str) -> str:
    roles = {member.role for member, _ in case_members(session, case)}
    return next(role for role in form_map.people[form_role] if role in roles)


@pytest.mark.parametrize("form", MAPPED_FORMS)
def test_each_form_is_filled_from_the_profiles_and_reads_back(session, admin, marriage, form):
    template = load(session, admin, form)
    case = case_for(session, admin, marriage, form)

    row = fill_form(session, actor=admin, reference=case.reference, form_number=form)

    values = filled_values(row)
    form_map = effective_map(session, form)
    fields = {
        field.name: field for field in map_rows(session, actor=admin, template_id=template.id)
    }
    checked = 0
    for rule in form_map.fields:
        role, _, path = rule.key.partition(".")
        if role == "case":
            continue
        expected = EXPECTED[
            "petitioner"
            if member_role(session, case, form_map, role) == "petitioner"
            else "beneficiary"
        ].get(path)
        if expected is None:
            continue
        checked += 1
        if rule.when:
            ticked = expected.lower() == rule.when.lower()
            assert (values[rule.name] != "") == ticked, (rule.name, rule.key, values[rule.name])
            if ticked:
                assert values[rule.name] in fields[rule.name].on_states
        else:
            wanted = expected or rule.blank
            if rule.format == "digits":
                wanted = "".join(character for character in wanted if character.isdigit())
            assert values[rule.name] in (wanted, CONTINUATION_MARK), (rule.name, rule.key)
    assert checked >= (60 if form == "I-130" else 4), f"only {checked} fields checked"
    assert row.version == 1 and row.template_id == template.id


def test_the_i485_asks_the_priority_date_the_case_holds(session, admin, marriage):
    load(session, admin, "I-485")
    field = "form1[0].#subform[4].Pt2Line2_Date[0]"
    row = fill_form(session, actor=admin, reference=marriage.reference, form_number="I-485")
    assert filled_values(row)[field] == ""
    set_priority_date(session, actor=admin, reference=marriage.reference, typed="2019-03-15")
    row = fill_form(session, actor=admin, reference=marriage.reference, form_number="I-485")
    assert filled_values(row)[field] == "03/15/2019"


def test_a_fill_is_a_new_version_and_an_event(session, admin, marriage):
    load(session, admin, "G-1145")
    first = fill_form(session, actor=admin, reference=marriage.reference, form_number="G-1145")
    second = fill_form(session, actor=admin, reference=marriage.reference, form_number="G-1145")

    assert (first.version, second.version) == (1, 2)
    assert first.blob_name != second.blob_name
    events = session.exec(select(CaseEvent).where(CaseEvent.kind == "form_filled")).all()
    assert [event.after["version"] for event in events] == [1, 2]
    rows = {
        row.form_number: row
        for row in case_forms(session, viewer=admin, reference=marriage.reference)
    }
    assert rows["G-1145"].filled_version == 2
    assert rows["I-130"].in_library is False


def test_an_override_wins_shows_what_it_replaced_and_can_be_cleared(session, admin, marriage):
    load(session, admin, "I-130")
    field = i130_field(session, admin, marriage, "petitioner.family_name")

    set_override(
        session,
        actor=admin,
        reference=marriage.reference,
        form_number="I-130",
        field_name=field.name,
        value="MILLER-SMITH",
    )
    view = next(
        view
        for view in form_fields(
            session, viewer=admin, reference=marriage.reference, form_number="I-130"
        )
        if view.name == field.name
    )
    row = fill_form(session, actor=admin, reference=marriage.reference, form_number="I-130")

    assert (view.override, view.replaced, view.set_by) == (
        "MILLER-SMITH",
        "Miller",
        admin.full_name,
    )
    assert filled_values(row)[field.name] == "MILLER-SMITH"
    clear_override(
        session,
        actor=admin,
        reference=marriage.reference,
        form_number="I-130",
        field_name=field.name,
    )
    again = fill_form(session, actor=admin, reference=marriage.reference, form_number="I-130")
    assert filled_values(again)[field.name] == "Miller"


def test_an_override_of_an_ssn_field_is_masked_in_its_events(session, admin, marriage):
    load(session, admin, "I-130")
    field = i130_field(session, admin, marriage, "petitioner.ssn")
    assert field.profile_value == "123456789"  # staff see what the form will print
    where = dict(reference=marriage.reference, form_number="I-130", field_name=field.name)
    set_override(session, actor=admin, value="987-65-4321", **where)
    clear_override(session, actor=admin, **where)
    events = session.exec(
        select(CaseEvent).where(CaseEvent.kind.in_(["form_override_set", "form_override_cleared"]))
    ).all()
    written = " ".join(f"{event.summary} {event.before} {event.after}" for event in events)
    assert "***-**-4321" in written and "***-**-6789" in written
    for whole in ("123456789", "123-45-6789", "987654321", "987-65-4321"):
        assert whole not in written


def test_a_long_override_lands_on_the_continuation_page(session, admin, marriage):
    load(session, admin, "I-130")
    name = i130_field(session, admin, marriage, "petitioner.employment[0].employer").name
    answer = ("Self-employed handyman and part-time dispatcher for several small firms. " * 6)[:400]
    set_override(
        session,
        actor=admin,
        reference=marriage.reference,
        form_number="I-130",
        field_name=name,
        value=answer,
    )

    row = fill_form(session, actor=admin, reference=marriage.reference, form_number="I-130")

    data = storage.read_all(row.blob_name)
    assert read_values(data)[name] == CONTINUATION_MARK
    assert row.continued == 1 and row.values[name] == answer
    last = " ".join(PdfReader(io.BytesIO(data)).pages[-1].extract_text().split())
    assert answer[:60] in last and "Additional Information" in last


def test_a_checkbox_override_takes_checked_or_not(session, admin, marriage):
    load(session, admin, "I-130")
    box = next(
        view
        for view in form_fields(
            session, viewer=admin, reference=marriage.reference, form_number="I-130"
        )
        if view.kind == "checkbox" and not view.key
    )
    with pytest.raises(InvalidInput):
        set_override(
            session,
            actor=admin,
            reference=marriage.reference,
            form_number="I-130",
            field_name=box.name,
            value="maybe",
        )
    set_override(
        session,
        actor=admin,
        reference=marriage.reference,
        form_number="I-130",
        field_name=box.name,
        value="checked",
    )

    row = fill_form(session, actor=admin, reference=marriage.reference, form_number="I-130")

    assert filled_values(row)[box.name] != ""


def test_a_form_not_in_the_library_cannot_be_filled(session, admin, marriage):
    with pytest.raises(InvalidInput) as refused:
        fill_form(session, actor=admin, reference=marriage.reference, form_number="I-130")
    assert "not in the form library" in refused.value.fields["form"]


def test_an_admin_maps_a_field_the_catalog_leaves_open_and_can_undo_it(session, admin, marriage):
    template = load(session, admin, "I-130")
    open_field = next(
        row
        for row in map_rows(session, actor=admin, template_id=template.id)
        if row.status in ("unmapped", "staff") and row.kind == "text"
    )

    save_field_rule(
        session,
        actor=admin,
        template_id=template.id,
        field_name=open_field.name,
        key="petitioner.given_name",
    )
    row = fill_form(session, actor=admin, reference=marriage.reference, form_number="I-130")
    assert filled_values(row)[open_field.name] == "Daniel"

    reset_field_rule(session, actor=admin, template_id=template.id, field_name=open_field.name)
    assert effective_map(session, "I-130").rule(open_field.name) is None


def test_map_edits_are_checked_and_admin_only(session, admin, marriage):
    template = load(session, admin, "I-130")
    paralegal = make_viewer(session, role="paralegal")
    name = effective_map(session, "I-130").fields[0].name
    with pytest.raises(InvalidInput):
        save_field_rule(
            session,
            actor=admin,
            template_id=template.id,
            field_name=name,
            key="petitioner.shoe_size",
        )
    with pytest.raises(NotPermitted):
        save_field_rule(
            session,
            actor=paralegal,
            template_id=template.id,
            field_name=name,
            key="petitioner.email",
        )
    with pytest.raises(NotPermitted):
        load(session, paralegal, "G-1145")


def test_the_library_keeps_editions_and_one_is_current(session, admin, marriage):
    template = load(session, admin, "G-1145")
    with pytest.raises(InvalidInput) as again:
        load(session, admin, "G-1145")
    assert "already in the library" in again.value.fields["file"]
    fill_form(session, actor=admin, reference=marriage.reference, form_number="G-1145")

    with pytest.raises(InvalidInput):
        remove_template(session, actor=admin, template_id=template.id)
    make_current(session, actor=admin, template_id=template.id)
    row = next(row for row in library(session) if row.form_number == "G-1145")
    assert [(edition.edition, edition.is_current, edition.filled) for edition in row.editions] == [
        ("09/26/14", True, 1)
    ]
    assert current_template(session, "G-1145").id == template.id


def test_a_form_the_catalog_does_not_map_needs_only_the_people_its_fields_read(
    session, admin, marriage
):
    members = case_members(session, marriage)
    unmapped = effective_map(session, "G-28")  # the catalog has no map for it

    assert form_people(unmapped, members).missing == ()
    assert set(form_people(unmapped, members).people) == {"petitioner", "beneficiary"}


def test_only_the_forms_of_the_case_type_are_filled(session, admin, marriage):
    load(session, admin, "N-400")
    with pytest.raises(InvalidInput) as refused:
        fill_form(session, actor=admin, reference=marriage.reference, form_number="N-400")
    assert "do not file Form N-400" in refused.value.fields["form"]


def test_a_refused_file_leaves_nothing_behind(session, admin):
    stored = set(get_settings().documents_dir.rglob("*"))
    renamed = (FORMS_DIR / "g-1145.pdf").read_bytes().replace(b"%PDF-", b"%PDX-", 1)
    truncated = (FORMS_DIR / "i-130.pdf").read_bytes()[:5000]
    for data in (b"", renamed, truncated):
        with pytest.raises(InvalidInput) as refused:
            load_form(session, actor=admin, data=data, original_name="form.pdf")
        assert refused.value.fields["file"]

    assert session.exec(select(FormTemplate)).all() == []
    assert set(get_settings().documents_dir.rglob("*")) == stored


def test_a_removed_edition_loses_its_file_only_once_the_removal_is_committed():
    with session_scope() as session:
        admin = make_viewer(session, role="admin")
        template = load(session, admin, "G-1145")
    with pytest.raises(RuntimeError), session_scope() as session:
        remove_template(session, actor=admin, template_id=template.id)
        raise RuntimeError("the commit never happens")
    assert storage.read_all(template.blob_name)[:5] == b"%PDF-"  # still named, still there
    with session_scope() as session:
        remove_template(session, actor=admin, template_id=template.id)
        assert storage.read_all(template.blob_name)  # not before the commit
    with pytest.raises(FileNotFoundError):
        storage.read_all(template.blob_name)
