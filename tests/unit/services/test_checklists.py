"""The firm's checklist per case type: admins edit it, new cases get it, open cases keep theirs."""

import dataclasses

import pytest
from sqlmodel import select

from immigration_app.catalog.checklists import items_for
from immigration_app.models import CaseChecklistItem, CaseTypeSetting, ChecklistTemplateItem
from immigration_app.services.checklists import (
    ItemText,
    remove_type_item,
    reset_type_checklist,
    save_type_item,
    type_checklist,
    type_checklist_is_edited,
    type_checklist_rows,
)
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from tests.factories import make_case, make_viewer

N400 = "n400-naturalization"
LEASE = ItemText(
    code="lease",
    section="case-evidence",
    title_en="Your current lease",
    title_es="Su contrato de alquiler actual",
    explain_en="Every page, signed.",
    explain_es="Todas las páginas, firmadas.",
    kinds=("pdf",),
    translation=False,
    required=True,
    expires_after_days=90,
)


def _codes(session, case) -> list[str]:
    return list(
        session.exec(
            select(CaseChecklistItem.code)
            .where(CaseChecklistItem.case_id == case.id)
            .order_by(CaseChecklistItem.position)
        ).all()
    )


def _catalog_codes() -> list[str]:
    return [spec.code for spec in items_for(N400, "applicant")]


def test_an_added_item_goes_to_new_cases_only(session):
    admin = make_viewer(session, role="admin")
    before = make_case(session, actor=admin, family_name="Before")
    assert _codes(session, before) == _catalog_codes()

    save_type_item(session, actor=admin, case_type=N400, role="applicant", text=LEASE)
    after = make_case(session, actor=admin, family_name="After")

    assert _codes(session, after) == [*_catalog_codes(), "lease"]
    assert _codes(session, before) == _catalog_codes()
    lease = session.exec(
        select(CaseChecklistItem).where(
            CaseChecklistItem.case_id == after.id, CaseChecklistItem.code == "lease"
        )
    ).one()
    assert (lease.title_es, lease.kinds, lease.expires_after_days) == (
        "Su contrato de alquiler actual",
        ["pdf"],
        90,
    )
    assert type_checklist_is_edited(session, actor=admin, case_type=N400)


def test_rewording_an_item_leaves_an_open_case_with_the_words_its_client_was_given(session):
    admin = make_viewer(session, role="admin")
    open_case = make_case(session, actor=admin, family_name="Open")
    original = type_checklist(session, N400, "applicant")[0]
    reworded = ItemText(
        **{**original.__dict__, "code": "green-card-copy", "title_en": "Both sides of the card"}
    )
    save_type_item(
        session,
        actor=admin,
        case_type=N400,
        role="applicant",
        text=reworded,
        replaces_code=original.code,
    )
    new_case = make_case(session, actor=admin, family_name="New")

    def first(case):
        return session.exec(
            select(CaseChecklistItem)
            .where(CaseChecklistItem.case_id == case.id)
            .order_by(CaseChecklistItem.position)
        ).first()

    assert (first(open_case).code, first(open_case).title_en) == (original.code, original.title_en)
    assert (first(new_case).code, first(new_case).title_en) == (
        "green-card-copy",
        "Both sides of the card",
    )


def test_a_removed_item_is_not_asked_of_new_cases_and_stays_on_open_ones(session):
    admin = make_viewer(session, role="admin")
    open_case = make_case(session, actor=admin, family_name="Open")
    remove_type_item(session, actor=admin, case_type=N400, role="applicant", code="passports")
    new_case = make_case(session, actor=admin, family_name="New")
    assert "passports" in _codes(session, open_case)
    assert "passports" not in _codes(session, new_case)
    with pytest.raises(NotFound):
        remove_type_item(session, actor=admin, case_type=N400, role="applicant", code="passports")


def test_back_to_the_standard_list(session):
    admin = make_viewer(session, role="admin")
    save_type_item(session, actor=admin, case_type=N400, role="applicant", text=LEASE)
    remove_type_item(session, actor=admin, case_type=N400, role="applicant", code="passports")

    reset_type_checklist(session, actor=admin, case_type=N400)

    assert [text.code for text in type_checklist(session, N400, "applicant")] == _catalog_codes()
    assert not session.get(CaseTypeSetting, N400).checklist_edited
    assert session.exec(select(ChecklistTemplateItem)).first() is None
    assert _codes(session, make_case(session, actor=admin)) == _catalog_codes()
    assert not type_checklist_is_edited(session, actor=admin, case_type=N400)


def test_a_code_already_on_the_list_is_refused(session):
    admin = make_viewer(session, role="admin")
    save_type_item(session, actor=admin, case_type=N400, role="applicant", text=LEASE)
    with pytest.raises(InvalidInput) as refused:
        save_type_item(session, actor=admin, case_type=N400, role="applicant", text=LEASE)
    assert set(refused.value.fields) == {"code"}
    # Rewording one item into another's code is refused as well.
    with pytest.raises(InvalidInput) as refused:
        save_type_item(
            session,
            actor=admin,
            case_type=N400,
            role="applicant",
            text=ItemText(**{**LEASE.__dict__, "code": "green-card"}),
            replaces_code="lease",
        )
    assert set(refused.value.fields) == {"code"}
    codes = [text.code for text in type_checklist(session, N400, "applicant")]
    assert codes.count("lease") == 1 and codes.count("green-card") == 1


def test_bad_input_names_each_field_and_changes_nothing(session):
    admin = make_viewer(session, role="admin")
    bad = ItemText(
        code="Not A Code",
        section="nowhere",
        title_en=" ",
        title_es="",
        kinds=(),
        expires_after_days=-1,
    )
    with pytest.raises(InvalidInput) as refused:
        save_type_item(session, actor=admin, case_type=N400, role="applicant", text=bad)
    assert set(refused.value.fields) == {
        "code",
        "section",
        "title_en",
        "title_es",
        "kinds",
        "expires_after_days",
    }
    with pytest.raises(InvalidInput):
        save_type_item(session, actor=admin, case_type=N400, role="beneficiary", text=LEASE)
    assert session.get(CaseTypeSetting, N400) is None


def test_a_title_longer_than_its_column_is_refused_not_cut(session):
    admin = make_viewer(session, role="admin")
    longest = dataclasses.replace(LEASE, title_en="L" * 200, title_es="A" * 200)
    save_type_item(session, actor=admin, case_type=N400, role="applicant", text=longest)
    assert {row.title_en for row in type_checklist_rows(session, actor=admin, case_type=N400)} >= {
        "L" * 200
    }
    too_long = dataclasses.replace(LEASE, code="lease-2", title_en="L" * 201, title_es="A" * 201)
    with pytest.raises(InvalidInput) as refused:
        save_type_item(session, actor=admin, case_type=N400, role="applicant", text=too_long)
    assert refused.value.fields == {
        "title_en": "Keep this to 200 characters or fewer.",
        "title_es": "Keep this to 200 characters or fewer.",
    }
    codes = {row.code for row in type_checklist_rows(session, actor=admin, case_type=N400)}
    assert "lease-2" not in codes


@pytest.mark.parametrize("role", ["attorney", "paralegal"])
def test_only_admins_read_or_change_a_case_types_list(session, role):
    staff = make_viewer(session, role=role)
    with pytest.raises(NotPermitted):
        save_type_item(session, actor=staff, case_type=N400, role="applicant", text=LEASE)
    with pytest.raises(NotPermitted):
        remove_type_item(session, actor=staff, case_type=N400, role="applicant", code="passports")
    with pytest.raises(NotPermitted):
        reset_type_checklist(session, actor=staff, case_type=N400)
    with pytest.raises(NotPermitted):
        type_checklist_rows(session, actor=staff, case_type=N400)
    assert session.exec(select(ChecklistTemplateItem)).first() is None


def test_the_editor_lists_every_role_of_the_type(session):
    admin = make_viewer(session, role="admin")
    rows = type_checklist_rows(session, actor=admin, case_type="aos-marriage")
    assert {row.role for row in rows} >= {"petitioner", "beneficiary"}
    passport = next(row for row in rows if (row.role, row.code) == ("beneficiary", "passport"))
    assert passport.kinds == "pdf, photo"
