"""The document-checklist catalog: coverage of every case type and role, and its validation."""

from __future__ import annotations

import copy
import re
import tomllib

import pytest

from immigration_app.catalog import CATALOG_DIR, case_types
from immigration_app.catalog.checklists import (
    KINDS,
    SECTIONS,
    ChecklistItemSpec,
    checklist_items,
    checklist_sections,
    items_for,
    load_checklists,
)

ALL_ROLES = [(key, role) for key, kind in case_types().items() for role in kind.all_roles]
MANDATORY_ROLES = [(key, role) for key, kind in case_types().items() for role in kind.roles]


def _item(case_type: str, role: str, code: str) -> ChecklistItemSpec:
    return next(item for item in items_for(case_type, role) if item.code == code)


# --- The shipped catalog --------------------------------------------------------------


@pytest.mark.parametrize(("case_type", "role"), MANDATORY_ROLES)
def test_every_mandatory_role_has_a_required_item(case_type, role):
    assert any(item.required for item in items_for(case_type, role))


@pytest.mark.parametrize(("case_type", "role"), ALL_ROLES)
def test_every_role_of_every_case_type_has_items(case_type, role):
    assert items_for(case_type, role)


def test_no_item_belongs_to_a_role_its_case_type_lacks():
    assert {(item.case_type, item.role) for item in checklist_items()} == set(ALL_ROLES)


def test_codes_are_unique_per_case_type_and_role():
    keys = [(item.case_type, item.role, item.code) for item in checklist_items()]
    assert len(keys) == len(set(keys))


def test_every_item_has_a_known_section_and_kinds():
    for item in checklist_items():
        assert item.section in checklist_sections(), item
        assert item.kinds and set(item.kinds) <= set(KINDS), item


def test_sections_are_the_fixed_set_in_display_order():
    sections = checklist_sections()
    assert set(sections) == set(SECTIONS)
    orders = [section.order for section in sections.values()]
    assert orders == sorted(orders)
    assert all(section.title_en != section.title_es for section in sections.values())


def test_spanish_text_is_not_a_copy_of_the_english():
    for item in checklist_items():
        assert item.title_es != item.title_en, item
        assert item.explain_es != item.explain_en, item


def test_the_same_code_means_the_same_section_everywhere():
    sections: dict[str, set[str]] = {}
    for item in checklist_items():
        sections.setdefault(item.code, set()).add(item.section)
    assert {code: found for code, found in sections.items() if len(found) > 1} == {}


def test_items_for_keeps_file_order_and_is_empty_for_unknown_owners():
    order = [
        item for item in checklist_items() if (item.case_type, item.role) == ("h1b", "beneficiary")
    ]
    assert items_for("h1b", "beneficiary") == tuple(order)
    assert items_for("h1b", "joint_sponsor") == ()
    assert items_for("no-such-type", "applicant") == ()


def test_language_helpers_fall_back_to_english():
    item = _item("aos-marriage", "beneficiary", "birth-certificate")
    assert item.title("es") == "Acta de nacimiento"
    assert item.title("fr") == item.title_en == "Birth certificate"
    assert item.explain("es") == item.explain_es
    section = checklist_sections()["civil"]
    assert section.title("es") == section.title_es


def test_employer_items_speak_to_the_company():
    employer_types = [key for key, kind in case_types().items() if kind.category == "employment"]
    for case_type in employer_types:
        for item in items_for(case_type, "petitioner"):
            assert "company" in item.explain_en, item
            assert "empresa" in item.explain_es, item


# --- Facts from DOMAIN.md section 3 ---------------------------------------------------


def test_daca_renewal_asks_for_no_medical_exam():
    for item in items_for("daca-renewal", "applicant"):
        assert item.code != "medical-exam"
        assert "I-693" not in item.title_en + item.explain_en


def test_aos_medical_exam_is_sealed_and_brought_to_the_office():
    for role in ("beneficiary", "derivative"):
        exam = _item("aos-marriage", role, "medical-exam")
        assert exam.required
        assert "I-693" in exam.title_en
        assert "sealed" in exam.explain_en and "Do not open" in exam.explain_en
        assert "bring the sealed envelope to our office" in exam.explain_en
        assert exam.expires_after_days == 0  # signed since Nov 2023: no expiry


def test_bona_fide_marriage_evidence_is_asked_of_one_spouse_only():
    joint = {"joint-residence", "joint-bank-accounts", "insurance", "photos-together"}
    petitioner = {item.code for item in items_for("aos-marriage", "petitioner")}
    beneficiary = {item.code for item in items_for("aos-marriage", "beneficiary")}
    assert joint <= petitioner
    assert not joint & beneficiary


def test_u_visa_supplement_b_is_required_and_goes_stale_after_six_months():
    supplement_b = _item("u-visa", "applicant", "supplement-b")
    assert supplement_b.required
    assert supplement_b.expires_after_days == 180
    assert "original" in supplement_b.explain_en


def test_k1_petitioner_shows_an_in_person_meeting_within_two_years():
    meeting = _item("k1-fiance", "petitioner", "in-person-meeting")
    assert meeting.required
    assert "in person within the 2 years" in meeting.explain_en


def test_consular_police_certificates_expire_and_need_translation():
    certificates = _item("consular-family", "beneficiary", "police-certificates")
    assert certificates.required and certificates.translation
    assert certificates.expires_after_days == 730
    assert "16" in certificates.explain_en


def test_o1_criteria_are_alternatives_but_the_advisory_opinion_is_required():
    assert _item("o1", "petitioner", "advisory-opinion").required
    criteria = [item for item in items_for("o1", "beneficiary") if item.note.startswith("O-1A")]
    assert len(criteria) == 8
    assert not any(item.required for item in criteria)


def test_only_documented_items_expire():
    expiring = {
        (item.case_type, item.role, item.code): item.expires_after_days
        for item in checklist_items()
        if item.expires_after_days
    }
    assert set(expiring.values()) == {180, 730}
    assert all(code in {"police-certificates", "supplement-b"} for _, _, code in expiring)


# --- Validation -----------------------------------------------------------------------

GOOD_ITEM = {
    "case_type": "aos-marriage",
    "role": "beneficiary",
    "code": "birth-certificate",
    "section": "identity",
    "title_en": "Birth certificate",
    "title_es": "Acta de nacimiento",
    "explain_en": "A full copy.",
    "explain_es": "Una copia completa.",
    "kinds": ["pdf", "photo"],
    "translation": True,
    "required": True,
}
ITEM_NAME = "checklists.toml item aos-marriage/beneficiary/birth-certificate"


def _data(*items: dict) -> dict:
    with (CATALOG_DIR / "checklists.toml").open("rb") as handle:
        sections = tomllib.load(handle)["section"]
    return {"section": sections, "item": list(items) or [dict(GOOD_ITEM)]}


def test_a_good_entry_loads():
    catalog = load_checklists(_data())
    assert catalog.items == (ChecklistItemSpec(**(GOOD_ITEM | {"kinds": ("pdf", "photo")})),)
    assert list(catalog.sections) == list(SECTIONS)


def test_the_shipped_file_passes_validation():
    with (CATALOG_DIR / "checklists.toml").open("rb") as handle:
        catalog = load_checklists(tomllib.load(handle))
    assert catalog.items == checklist_items()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"case_type": "aos-marriag"}, "unknown case type 'aos-marriag'"),
        ({"role": "applicant"}, "'applicant' is not a role of aos-marriage"),
        ({"section": "idnetity"}, "unknown section 'idnetity'"),
        ({"kinds": ["pdf", "jpeg"]}, "unknown kind 'jpeg'"),
        ({"kinds": []}, "kinds must not be empty"),
        ({"kinds": ["pdf", "pdf"]}, "a kind is listed twice"),
        ({"kinds": "pdf"}, "kinds must be a list"),
        ({"title_es": ""}, "title_es must not be empty"),
        ({"explain_en": "  "}, "explain_en must not be empty"),
        ({"expires_after_days": -1}, "expires_after_days cannot be negative"),
        ({"expires_after_days": True}, "expires_after_days must be a whole number"),
        ({"required": "yes"}, "required must be true or false"),
        ({"titel_en": "Birth certificate"}, "unknown field(s) titel_en"),
    ],
)
def test_a_broken_item_is_refused_naming_it(change, message):
    item = GOOD_ITEM | change
    name = f"checklists.toml item {item['case_type']}/{item['role']}/{item['code']}: "
    with pytest.raises(ValueError, match=re.escape(name)) as error:
        load_checklists(_data(item))
    assert message in str(error.value)


def test_a_missing_field_is_refused_naming_the_item():
    item = {key: value for key, value in GOOD_ITEM.items() if key != "translation"}
    with pytest.raises(ValueError, match=re.escape(f"{ITEM_NAME}: missing field(s) translation")):
        load_checklists(_data(item))


@pytest.mark.parametrize(
    "code", ["Birth-Certificate", "birth_certificate", "birth--cert", "-x", ""]
)
def test_a_badly_shaped_code_is_refused(code):
    with pytest.raises(ValueError, match="code must be lowercase letters, digits and single"):
        load_checklists(_data(GOOD_ITEM | {"code": code}))


def test_a_code_listed_twice_for_one_role_is_refused():
    with pytest.raises(ValueError, match=re.escape(f"{ITEM_NAME}: code is listed twice")):
        load_checklists(_data(GOOD_ITEM, dict(GOOD_ITEM)))


def test_the_same_code_for_another_role_is_fine():
    catalog = load_checklists(_data(GOOD_ITEM, GOOD_ITEM | {"role": "petitioner"}))
    assert len(catalog.items) == 2


def test_broken_sections_are_refused():
    data = _data()
    data["section"]["idnetity"] = data["section"].pop("identity")
    with pytest.raises(ValueError, match="section 'idnetity': unknown section"):
        load_checklists(data)

    data = _data()
    del data["section"]["other"]
    with pytest.raises(ValueError, match=re.escape("section(s) other have no")):
        load_checklists(data)

    data = copy.deepcopy(_data())
    data["section"]["civil"]["title_es"] = ""
    with pytest.raises(ValueError, match="section 'civil': title_en and title_es"):
        load_checklists(data)

    data = copy.deepcopy(_data())
    data["section"]["civil"]["order"] = 1
    with pytest.raises(ValueError, match="section 'civil': order 1 is used"):
        load_checklists(data)

    data = copy.deepcopy(_data())
    data["section"]["civil"]["colour"] = "red"
    with pytest.raises(ValueError, match=re.escape("section 'civil': unknown field(s) colour")):
        load_checklists(data)


def test_an_unknown_table_is_refused():
    with pytest.raises(ValueError, match=re.escape("unknown table(s) items")):
        load_checklists(_data() | {"items": []})
