"""The consistency check: what it finds in a case's forms and profiles, and the gate to review."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from immigration_app.models import Address, FilledForm, FormField, FormTemplate, Marriage
from immigration_app.services import storage
from immigration_app.services.cases import move_case
from immigration_app.services.consistency import acknowledge, case_findings
from immigration_app.services.errors import InvalidInput
from immigration_app.services.form_data import case_members
from immigration_app.services.form_filling import fill_form
from immigration_app.services.form_library import load_form, make_current
from tests.factories import make_viewer
from tests.form_profiles import FORMS_DIR, make_marriage_case, needs_real_forms

pytestmark = needs_real_forms
# The aos-marriage forms the tests load (the others are not in the library, so not checked).
FORMS = ("I-130", "I-130A", "G-1145")


@pytest.fixture
def admin(session):
    return make_viewer(session, role="admin")


@pytest.fixture
def case(session, admin):
    case = make_marriage_case(session, actor=admin)
    for form in FORMS:
        path = FORMS_DIR / f"{form.lower()}.pdf"
        load_form(session, actor=admin, data=path.read_bytes(), original_name=path.name)
        fill_form(session, actor=admin, reference=case.reference, form_number=form)
    return case


def people(session, case):
    return {member.role: person for member, person in case_members(session, case)}


def findings(session, admin, case):
    return case_findings(session, viewer=admin, reference=case.reference)


def errors(session, admin, case):
    return [found for found in findings(session, admin, case) if found.severity == "error"]


def test_a_complete_consistent_case_has_no_errors_and_goes_to_review(session, admin, case):
    assert errors(session, admin, case) == []
    move_case(session, actor=admin, reference=case.reference, stage="internal_review")
    assert case.stage == "internal_review"


def test_a_date_of_birth_changed_after_filling_is_found_on_the_form(session, admin, case):
    beneficiary = people(session, case)["beneficiary"]
    beneficiary.date_of_birth = date(1990, 8, 15)  # a typo "corrected" after the forms were made
    session.add(beneficiary)

    found = [f for f in errors(session, admin, case) if f.code.startswith("stale:")]

    assert {finding.form for finding in found} == {"I-130"}  # the I-130A does not ask it
    i130 = next(finding for finding in found if finding.form == "I-130")
    assert "08/14/1990" in i130.message and "08/15/1990" in i130.message
    assert i130.part == "4" and i130.item
    assert i130.where.startswith("Form I-130, Part 4, Item ")
    assert i130.fix_url == f"/cases/{case.reference}?tab=forms&form=I-130"
    with pytest.raises(InvalidInput) as refused:
        move_case(session, actor=admin, reference=case.reference, stage="internal_review")
    assert "consistency error" in refused.value.fields["stage"]


def test_a_name_changed_after_filling_is_found_on_every_form_that_prints_it(session, admin, case):
    beneficiary = people(session, case)["beneficiary"]
    beneficiary.family_name = "Ramirez Miller"
    session.add(beneficiary)

    found = {f.form for f in errors(session, admin, case) if f.code.startswith("stale:")}

    assert found == {"I-130", "I-130A"}  # the G-1145 names the petitioner


def test_a_three_month_gap_in_the_address_history_is_an_error(session, admin, case):
    petitioner = people(session, case)["petitioner"]
    earlier = session.exec(
        select(Address).where(Address.person_id == petitioner.id, Address.to_date.is_not(None))
    ).one()
    earlier.to_date = date(2022, 11, 13)  # moved out three months before the next address
    session.add(earlier)

    gap = next(f for f in errors(session, admin, case) if f.code.startswith("gap:address"))

    assert "11/14/2022" in gap.message and "02/13/2023" in gap.message
    assert "Daniel" in gap.message
    assert gap.fix_url == f"/cases/{case.reference}?tab=profile"


def test_spouses_who_give_different_marriage_dates_are_an_error(session, admin, case):
    beneficiary = people(session, case)["beneficiary"]
    hers = session.exec(select(Marriage).where(Marriage.person_id == beneficiary.id)).one()
    hers.date_of_marriage = date(2023, 2, 15)
    session.add(hers)

    assert any(f.code == "marriage:date" for f in errors(session, admin, case))


def test_an_empty_required_field_names_its_form_part_and_item(session, admin, case):
    petitioner = people(session, case)["petitioner"]
    petitioner.country_of_birth = ""
    session.add(petitioner)

    required = [f for f in errors(session, admin, case) if f.code.startswith("required:I-130:")]

    assert required and all(f.part and f.item for f in required)
    assert "is required and empty" in required[0].message


def test_a_form_filled_on_a_superseded_edition_is_an_error(session, admin, case):
    old = session.exec(select(FormTemplate).where(FormTemplate.form_number == "G-1145")).one()
    blob_name, sha256 = storage.store_bytes(b"%PDF-1.7 a newer edition stands in here")
    newer = FormTemplate(
        form_number="G-1145",
        edition="01/20/25",
        edition_date=date(2025, 1, 20),
        blob_name=blob_name,
        sha256=sha256,
    )
    session.add(newer)
    session.flush()
    for field in session.exec(select(FormField).where(FormField.template_id == old.id)):
        session.add(
            FormField(**field.model_dump(exclude={"id", "template_id"}), template_id=newer.id)
        )
    make_current(session, actor=admin, template_id=newer.id)

    edition = next(f for f in errors(session, admin, case) if f.code.startswith("edition:G-1145"))

    assert "no longer current" in edition.message and "01/20/25" in edition.message


def test_warnings_may_be_acknowledged_with_a_note_errors_may_not(session, admin, case):
    beneficiary = people(session, case)["beneficiary"]
    hers = session.exec(select(Marriage).where(Marriage.person_id == beneficiary.id)).one()
    session.delete(hers)  # only one spouse reports the marriage: a warning
    session.flush()
    warning = next(f for f in findings(session, admin, case) if f.code.startswith("marriage:"))
    assert warning.severity == "warning"

    with pytest.raises(InvalidInput):
        acknowledge(session, actor=admin, reference=case.reference, code=warning.code, note=" ")
    acknowledge(
        session,
        actor=admin,
        reference=case.reference,
        code=warning.code,
        note="Her marriage certificate is on file; profile to be updated.",
    )

    again = next(f for f in findings(session, admin, case) if f.code == warning.code)
    assert again.acknowledged.startswith("Her marriage certificate")
    assert again.acknowledged_by == admin.full_name
    beneficiary.date_of_birth = date(1990, 8, 15)
    session.add(beneficiary)
    error = errors(session, admin, case)[0]
    with pytest.raises(InvalidInput):
        acknowledge(session, actor=admin, reference=case.reference, code=error.code, note="fine")


def test_a_form_in_the_library_but_not_filled_keeps_the_case_out_of_review(session, admin):
    case = make_marriage_case(session, actor=admin)
    path = FORMS_DIR / "i-130.pdf"
    load_form(session, actor=admin, data=path.read_bytes(), original_name=path.name)

    assert [f.code for f in errors(session, admin, case)] == ["unfilled:I-130"]
    assert session.exec(select(FilledForm)).all() == []
