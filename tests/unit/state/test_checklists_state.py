"""The checklist editor's state: only admins read or change a list, whatever a browser sends."""

import pytest
from sqlmodel import select

from immigration_app.models import CaseTypeSetting, ChecklistTemplateItem
from immigration_app.services.db import session_scope
from immigration_app.state.checklists import ChecklistsState
from tests.unit.state.conftest import redirect_target, sign_in_as

pytestmark = pytest.mark.anyio

N400 = "n400-naturalization"
LEASE_FORM = {
    "code": "lease",
    "section": "case-evidence",
    "title_en": "Your current lease",
    "title_es": "Su contrato de alquiler actual",
    "explain_en": "Every page, signed.",
    "explain_es": "Todas las páginas, firmadas.",
    "kind_pdf": "on",
    "kind_photo": None,  # an unchecked box sends nothing
    "required": "on",
    "translation": None,
    "expires_after_days": "90",
}


def _nothing_changed() -> bool:
    with session_scope() as session:
        return (
            session.get(CaseTypeSetting, N400) is None
            and session.exec(select(ChecklistTemplateItem)).first() is None
        )


def _codes(state: ChecklistsState, role: str) -> list[str]:
    group = next(group for group in state.groups if group.role == role)
    return [row.code for row in group.rows]


@pytest.mark.parametrize("role", ["paralegal", "attorney"])
async def test_non_admins_get_no_list_and_cannot_save_remove_or_reset(tab, role):
    await sign_in_as(tab, role)
    editor = tab.state(ChecklistsState)
    refused = await editor.load()
    assert redirect_target(refused[1]) == "/"
    assert editor.groups == []

    # A forged browser sets up the editor and calls every handler directly.
    editor.case_type, editor.adding = N400, "applicant"
    await editor.save_item(LEASE_FORM)
    editor.adding, editor.editing = "", "applicant/green-card"
    await editor.save_item(LEASE_FORM)
    await editor.remove_item("applicant", "passports")
    await editor.reset_list()
    await editor.start_add("applicant")
    await editor.choose_type("aos-marriage")

    assert _nothing_changed()
    assert editor.groups == []
    assert (editor.case_type, editor.editing) == (N400, "applicant/green-card")


async def test_an_admin_adds_rewords_removes_and_resets(tab):
    await sign_in_as(tab, "admin")
    editor = tab.state(ChecklistsState)
    editor.router = editor.router.__class__.from_router_data(
        {"pathname": "/admin/checklists", "asPath": f"/admin/checklists?type={N400}"}
    )
    await editor.load()
    assert editor.case_type == N400 and not editor.edited
    assert "green-card" in _codes(editor, "applicant")

    await editor.start_add("applicant")
    await editor.save_item({**LEASE_FORM, "code": "Bad Code", "title_es": "", "kind_pdf": None})
    assert set(editor.errors) == {"code", "title_es", "kinds"}
    assert _nothing_changed()

    await editor.save_item({**LEASE_FORM, "expires_after_days": "soon"})
    assert set(editor.errors) == {"expires_after_days"}

    await editor.save_item(LEASE_FORM)
    assert editor.errors == {} and editor.adding == ""
    assert editor.edited
    lease = next(row for row in editor.groups[0].rows if row.code == "lease")
    assert (lease.kinds, lease.required, lease.translation, lease.expires_after_days) == (
        "pdf",
        True,
        False,
        90,
    )

    await editor.start_add("applicant")
    await editor.save_item(LEASE_FORM)
    assert set(editor.errors) == {"code"}  # already on the list

    await editor.start_edit("applicant", "lease")
    await editor.save_item({**LEASE_FORM, "title_en": "Lease or deed", "required": None})
    lease = next(row for row in editor.groups[0].rows if row.code == "lease")
    assert (lease.title_en, lease.required) == ("Lease or deed", False)

    await editor.remove_item("applicant", "lease")
    assert "lease" not in _codes(editor, "applicant")

    await editor.reset_list()
    assert not editor.edited
    assert _nothing_changed() is False  # the setting row stays, marked as not edited
    with session_scope() as session:
        assert not session.get(CaseTypeSetting, N400).checklist_edited
        assert session.exec(select(ChecklistTemplateItem)).first() is None


async def test_an_unknown_case_type_or_item_is_not_an_error_page(tab):
    await sign_in_as(tab, "admin")
    editor = tab.state(ChecklistsState)
    await editor.load()
    first = editor.case_type
    await editor.choose_type("no-such-type")
    assert editor.case_type == first
    await editor.start_edit("applicant", "no-such-item")
    await editor.save_item(LEASE_FORM)
    assert editor.editing == ""
    await editor.remove_item("nobody", "nothing")
