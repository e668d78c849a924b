"""The Forms tab as a browser drives it: fill, view a form's fields, override one, and the
checks before review; nothing of a case the user may not see."""

from __future__ import annotations

import pytest
from sqlmodel import select

from immigration_app.models import CaseEvent, FilledForm, FindingAck, FormOverride
from immigration_app.services.db import session_scope
from immigration_app.services.form_library import load_form
from immigration_app.state.case_checks import CaseChecksState
from immigration_app.state.case_forms import PAGE_SIZE, CaseFormsState, fill_one
from tests.factories import make_viewer
from tests.form_profiles import FORMS_DIR, make_marriage_case, needs_real_forms
from tests.unit.state.background import run_background
from tests.unit.state.conftest import redirect_target, sign_in_as

pytestmark = [
    pytest.mark.anyio,
    needs_real_forms,
]
FAMILY_NAME = "form1[0].#subform[0].Pt2Line4a_FamilyName[0]"
G28_CHECKBOX = "form1[0].#subform[0].CheckBox1[0]"


def _case_with_i130(*, paralegal_id: int | None = None) -> str:
    """A complete marriage case, with Form I-130 in the library (the others are not)."""
    with session_scope() as session:
        admin = make_viewer(session, role="admin")
        case = make_marriage_case(session, actor=admin)
        case.paralegal_id = paralegal_id
        session.add(case)
        path = FORMS_DIR / "i-130.pdf"
        load_form(session, actor=admin, data=path.read_bytes(), original_name=path.name)
        return case.reference


def _on_case(tab, reference: str, query: str = "?tab=forms"):
    """The tab's states as the case page's on_load leaves them."""
    states = tab.state(CaseFormsState), tab.state(CaseChecksState)
    for state in states:
        state.router = state.router.__class__.from_router_data(
            {"pathname": f"/cases/{reference}", "asPath": f"/cases/{reference}{query}"}
        )
    return states


def _row(forms: CaseFormsState, number: str):
    return next(form for form in forms.forms if form.form_number == number)


def _count(model) -> int:
    with session_scope() as session:
        return len(list(session.exec(select(model))))


async def test_nothing_is_read_until_the_tab_is_shown(tab):
    reference = _case_with_i130()
    await sign_in_as(tab, "attorney")
    forms, checks = _on_case(tab, reference, query="")
    await forms.load()
    await checks.load()
    assert (forms.loaded, forms.forms, checks.loaded) == (False, [], False)
    await forms.show_tab("forms")
    await checks.show_tab("forms")
    assert forms.loaded and checks.loaded
    i130 = _row(forms, "I-130")
    assert (i130.in_library, i130.edition, i130.filled_version) == (True, "04/01/24", 0)
    assert not _row(forms, "I-485").in_library
    assert forms.fillable_count == 1
    assert "unfilled:I-130" in [finding.code for finding in checks.findings]
    assert checks.error_count >= 1


async def test_fill_makes_a_version_and_runs_the_checks_again(tab):
    reference = _case_with_i130()
    await sign_in_as(tab, "attorney")
    forms, checks = _on_case(tab, reference)
    await forms.load()
    await checks.load()

    await run_background(forms, "fill", "I-130")
    assert forms.filling == ""
    assert [(r.form_number, r.ok, r.message) for r in forms.results] == [
        ("I-130", True, "Filled as version 1.")
    ]
    i130 = _row(forms, "I-130")
    assert (i130.filled_version, i130.superseded) == (1, False)
    assert i130.filled_id and i130.filled_by.startswith("Attorney Number")
    assert "unfilled:I-130" not in [finding.code for finding in checks.findings]
    assert checks.error_count == 0

    await run_background(forms, "fill_all")
    assert [(r.form_number, r.ok) for r in forms.results] == [("I-130", True)]
    assert _row(forms, "I-130").filled_version == 2

    await run_background(forms, "fill", "I-485")  # not in the library: the service says so
    [result] = forms.results
    assert not result.ok and "not in the form library" in result.message
    await run_background(forms, "fill", "N-400")  # not a form of this case type
    assert forms.results == []
    assert _count(FilledForm) == 2


async def test_a_finding_link_opens_the_fields_of_its_form(tab):
    reference = _case_with_i130()
    await sign_in_as(tab, "attorney")
    forms, _ = _on_case(tab, reference, query="?tab=forms&form=I-130")
    await forms.load()
    assert (forms.panel_form, forms.panel_title) == ("I-130", "Petition for Alien Relative")
    assert len(forms.fields) == PAGE_SIZE and forms.matching > PAGE_SIZE
    await forms.go_to_page(2)
    assert forms.page == 2

    await forms.search_fields("family name")
    assert forms.page == 1
    assert FAMILY_NAME in [field.name for field in forms.fields]
    await forms.close_fields()
    assert (forms.panel_form, forms.fields) == ("", [])

    await forms.open_fields("N-400")  # not a form of this case
    assert forms.panel_form == ""


async def test_an_override_replaces_the_profile_value_until_cleared(tab):
    reference = _case_with_i130()
    await sign_in_as(tab, "paralegal")
    forms, checks = _on_case(tab, reference)
    await forms.load()
    await forms.open_fields("I-130")
    await forms.search_fields("Pt2Line4a_FamilyName")
    [field] = forms.fields
    assert (field.key, field.profile_value, field.override) == (
        "petitioner.family_name",
        "Miller",
        None,
    )

    await forms.open_override(FAMILY_NAME)
    assert forms.editing.name == FAMILY_NAME
    await forms.save_override({"value": "Miller-Jones"})
    assert forms.editing.name == "" and forms.errors == {}
    [field] = forms.fields
    assert (field.override, field.replaced) == ("Miller-Jones", "Miller")
    assert field.set_by.startswith("Paralegal Number")
    assert _row(forms, "I-130").overrides == 1
    assert checks.loaded  # read again with the change

    await forms.undo_override(FAMILY_NAME)
    [field] = forms.fields
    assert field.override is None
    assert _count(FormOverride) == 0


async def test_a_checkbox_override_is_checked_or_not_checked(tab):
    reference = _case_with_i130()
    await sign_in_as(tab, "attorney")
    forms, _ = _on_case(tab, reference)
    await forms.load()
    await forms.open_fields("I-130")
    await forms.open_override(G28_CHECKBOX)
    await forms.save_override({"value": "perhaps"})
    assert "value" in forms.errors and forms.editing.name == G28_CHECKBOX
    await forms.save_override({"value": "checked"})
    assert forms.errors == {}
    field = next(field for field in forms._fields if field.name == G28_CHECKBOX)
    assert field.override == "checked"


async def test_a_warning_is_acknowledged_with_a_note_an_error_is_not(tab):
    reference = _case_with_i130()
    await sign_in_as(tab, "attorney")
    forms, checks = _on_case(tab, reference)
    await forms.load()
    await checks.load()
    await run_background(forms, "fill", "I-130")
    await forms.open_fields("I-130")
    await forms.open_override(FAMILY_NAME)
    await forms.save_override({"value": "Miller-Jones"})  # an identity field: a warning
    warning = next(finding for finding in checks.findings if finding.severity == "warning")
    assert warning.where.startswith("Form I-130, Part 2")

    error = next(finding for finding in checks.findings if finding.severity == "error")
    await checks.open_acknowledge(error.code)
    assert checks.ack_code == ""

    await checks.open_acknowledge(warning.code)
    assert checks.ack_message == warning.message
    await checks.acknowledge({"note": "  "})
    assert "note" in checks.errors and checks.ack_code == warning.code
    await checks.acknowledge({"note": "Hyphenated on his passport."})
    assert (checks.ack_code, checks.errors) == ("", {})
    again = next(finding for finding in checks.findings if finding.code == warning.code)
    assert again.acknowledged == "Hyphenated on his passport."
    assert again.acknowledged_by.startswith("Attorney Number")


async def test_another_paralegals_case_shows_nothing_and_changes_nothing(tab):
    with session_scope() as session:
        other = make_viewer(session, role="paralegal")
    reference = _case_with_i130(paralegal_id=other.id)
    viewer = await sign_in_as(tab, "paralegal")
    forms, checks = _on_case(tab, reference, query="?tab=forms&form=I-130")
    await forms.load()
    await checks.load()
    assert (forms.forms, forms.panel_form, checks.findings) == ([], "", [])

    await run_background(forms, "fill", "I-130")
    assert forms.results == []
    gone = await fill_one(viewer, reference, "I-130")
    assert (gone.ok, gone.message) == (False, "This case is no longer available to you.")
    forms.panel_form = "I-130"  # forged
    await forms.undo_override(FAMILY_NAME)
    checks.ack_code = "unfilled:I-130"
    await checks.acknowledge({"note": "forged"})
    assert _count(FilledForm) == _count(FindingAck) == _count(FormOverride) == 0
    with session_scope() as session:
        kinds = {event.kind for event in session.exec(select(CaseEvent))}
    assert not kinds & {"form_filled", "form_override_cleared", "finding_acknowledged"}


async def test_signed_out_callers_are_sent_to_sign_in(tab):
    reference = _case_with_i130()
    forms, checks = _on_case(tab, reference)
    for event in (
        await forms.load(),
        await checks.load(),
        await run_background(forms, "fill_all"),
        await run_background(forms, "fill", "I-130"),
        await forms.save_override({"value": "x"}),
        await checks.acknowledge({"note": "x"}),
    ):
        assert redirect_target(event).startswith("/login")
    assert _count(FilledForm) == 0
