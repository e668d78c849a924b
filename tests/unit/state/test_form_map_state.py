"""The field-map editor's state: admins map, unmap and reset fields, a page of fields at a time;
everyone else changes nothing, whatever a browser sends."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import select

from immigration_app.models import FormMapEdit
from immigration_app.services.db import session_scope
from immigration_app.services.form_library import load_form
from immigration_app.state.form_map import PAGE_SIZE, FormMapState
from tests.factories import make_viewer
from tests.form_profiles import FORMS_DIR, needs_real_forms
from tests.unit.state.conftest import redirect_target, sign_in_as

pytestmark = [
    pytest.mark.anyio,
    needs_real_forms,
]
FAMILY_NAME = "form1[0].#subform[0].Pt2Line4a_FamilyName[0]"
STAFF_CHECKBOX = "form1[0].#subform[0].CheckBox1[0]"  # "Form G-28 is attached": left to staff


def _load_i130() -> int:
    with session_scope() as session:
        admin = make_viewer(session, role="admin")
        path = FORMS_DIR / "i-130.pdf"
        return load_form(session, actor=admin, data=path.read_bytes(), original_name=path.name).id


def _editor_on(tab, template_id) -> FormMapState:
    editor = tab.state(FormMapState)
    path = f"/admin/forms/{template_id}"
    editor.router = editor.router.__class__.from_router_data({"pathname": path, "asPath": path})
    return editor


def _edits() -> list[FormMapEdit]:
    with session_scope() as session:
        return list(session.exec(select(FormMapEdit)))


def _row(editor: FormMapState, name: str):
    return next(row for row in editor._rows if row.name == name)


@pytest.mark.parametrize("role", ["paralegal", "attorney"])
async def test_non_admins_get_no_fields_and_change_nothing(tab, role):
    template_id = _load_i130()
    await sign_in_as(tab, role)
    editor = _editor_on(tab, template_id)
    refused = await editor.load()
    assert redirect_target(refused[1]) == "/"
    assert (editor.rows, editor.key_choices, editor.status) == ([], [], "loading")

    # A forged browser opens a field and calls every handler directly.
    editor.template_id = template_id
    editor.editing = dataclasses.replace(editor.editing, name=FAMILY_NAME)
    for event in (
        await editor.save_field({"key": "petitioner.given_name"}),
        await editor.unmap_field(),
        await editor.reset_field(),
        await editor.open_field(FAMILY_NAME),
        await editor.search("family"),
        await editor.filter_status("unmapped"),
        await editor.go_to_page(2),
    ):
        assert redirect_target(event[1]) == "/"
    assert _edits() == []
    assert editor.rows == []


async def test_an_admin_pages_searches_and_filters_the_fields(tab):
    template_id = _load_i130()
    await sign_in_as(tab, "admin")
    editor = _editor_on(tab, template_id)
    await editor.load()
    assert (editor.status, editor.form_number, editor.edition) == ("found", "I-130", "04/01/24")
    counts = editor.counts
    assert counts["all"] == len(editor._rows) > PAGE_SIZE
    assert counts["all"] == sum(counts.get(s, 0) for s in ("mapped", "staff", "unmapped", "fixed"))
    assert len(editor.rows) == PAGE_SIZE and editor.page_count > 1
    assert "petitioner.family_name" in editor.key_choices

    await editor.go_to_page(editor.page_count + 5)  # kept in range
    assert editor.page == editor.page_count and 0 < len(editor.rows) <= PAGE_SIZE

    await editor.search("petitioner.family_name")
    assert editor.page == 1
    assert FAMILY_NAME in [row.name for row in editor.rows]
    assert all("petitioner.family_name" in row.key for row in editor.rows)

    await editor.search("")
    await editor.filter_status("staff")
    assert editor.matching == counts["staff"]
    assert {row.status for row in editor.rows} == {"staff"}
    await editor.filter_status("anything else")
    assert editor.status_filter == "" and editor.matching == counts["all"]


async def test_an_admin_maps_unmaps_and_resets_a_field(tab):
    template_id = _load_i130()
    await sign_in_as(tab, "admin")
    editor = _editor_on(tab, template_id)
    await editor.load()
    assert (_row(editor, FAMILY_NAME).status, _row(editor, FAMILY_NAME).key) == (
        "mapped",
        "petitioner.family_name",
    )

    await editor.open_field(FAMILY_NAME)
    assert editor.editing.name == FAMILY_NAME
    await editor.save_field({"key": "nobody.family_name", "blank": ""})
    assert "key" in editor.errors and editor.editing.name == FAMILY_NAME
    assert _edits() == []

    await editor.save_field({"key": "petitioner.given_name", "blank": "N/A"})
    assert editor.errors == {} and editor.editing.name == ""
    row = _row(editor, FAMILY_NAME)
    assert (row.key, row.blank, row.edited) == ("petitioner.given_name", "N/A", True)

    await editor.open_field(FAMILY_NAME)
    await editor.unmap_field()
    assert (_row(editor, FAMILY_NAME).status, _row(editor, FAMILY_NAME).key) == ("unmapped", "")

    await editor.open_field(FAMILY_NAME)
    await editor.reset_field()
    row = _row(editor, FAMILY_NAME)
    assert (row.key, row.edited) == ("petitioner.family_name", False)


async def test_a_checkbox_needs_the_value_that_checks_it(tab):
    template_id = _load_i130()
    await sign_in_as(tab, "admin")
    editor = _editor_on(tab, template_id)
    await editor.load()
    assert _row(editor, STAFF_CHECKBOX).status == "staff"
    await editor.open_field(STAFF_CHECKBOX)
    assert editor.editing.on_states  # shown as information in the dialog
    await editor.save_field({"key": "case.relationship", "when": ""})
    assert "when" in editor.errors
    await editor.save_field({"key": "case.relationship", "when": "Spouse"})
    row = _row(editor, STAFF_CHECKBOX)
    assert (row.status, row.when) == ("mapped", "spouse")


async def test_fixed_fields_and_unknown_forms_open_nothing(tab):
    template_id = _load_i130()
    await sign_in_as(tab, "admin")
    editor = _editor_on(tab, template_id)
    await editor.load()
    fixed = next(row for row in editor._rows if row.status == "fixed")
    await editor.open_field(fixed.name)
    assert editor.editing.name == ""
    await editor.save_field({"key": "petitioner.family_name"})
    assert _edits() == []

    missing = _editor_on(tab, 99999)
    await missing.load()
    assert (missing.status, missing.rows) == ("missing", [])
    junk = _editor_on(tab, "not-a-number")
    await junk.load()
    assert junk.status == "missing"
