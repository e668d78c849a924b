"""Hostile text in the fields people type: 10,000 characters, SQL, HTML and script.

Each value is stored and read back exactly (or cut at, or refused over, the field's documented
limit with a message for a person), and searching for it returns without error. The page shows
it as text: the components pass it as a value, never as HTML.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from immigration_app.models import CaseMember, CaseNote, FirmSettings, MessageTemplateText, Person
from immigration_app.services.case_list import CaseQuery, search_cases
from immigration_app.services.cases import MAX_NOTE_LENGTH, add_note, add_receipt_number
from immigration_app.services.checklists import ItemText, add_case_item
from immigration_app.services.db import session_scope
from immigration_app.services.errors import InvalidInput
from immigration_app.services.firm import update_firm_settings
from immigration_app.services.messages import message_templates, save_template
from immigration_app.services.people import PersonInput, search_people, validate_person
from immigration_app.services.processing_times_import import import_processing_times
from tests.factories import make_case
from tests.unit.hostile.guard import is_clear_message, watchdog
from tests.unit.hostile.places import Place, staff
from tests.unit.hostile.places import place as make_place

TEXTS = [
    ("10000-x", "x" * 10_000),
    ("10000-cjk", "名" * 10_000),
    ("10000-words", "word " * 2_000),
    ("sql-drop", "'; DROP TABLE case_note; --"),
    ("sql-or", '" OR 1=1 --'),
    ("sql-bobby", "Robert'); DROP TABLE person;--"),
    ("sql-like", "%_%\\"),
    ("sql-union", "x' UNION SELECT password_hash FROM app_user --"),
    ("html-script", "<script>alert(document.cookie)</script>"),
    ("html-img", '"><img src=x onerror=alert(1)>'),
    ("html-textarea", "</textarea><svg onload=alert(1)>"),
    ("markdown-js-link", "[click](javascript:alert(1))"),
    ("template-braces", "{{7*7}} ${7*7} {client_name} %s%n"),
    ("rtl-override", "\u202eevil\u202c name"),
    ("emoji", "😀 🤷‍♀️ 👨‍👩‍👧"),
    ("newlines", "first\r\nsecond\n\nthird"),
]
IDS = [name for name, _ in TEXTS]
VALUES = [value for _, value in TEXTS]


@pytest.fixture(scope="module")
def place() -> Place:
    with session_scope() as setup:
        return make_place(setup)


@pytest.fixture(scope="module")
def admin():
    with session_scope() as setup:
        return staff(setup, role="admin")


def _refused_clearly(error: InvalidInput) -> None:
    assert error.fields and all(is_clear_message(text) for text in error.fields.values())


def _search_works(session, viewer, value: str) -> None:
    with watchdog():
        search_cases(session, viewer=viewer, query=CaseQuery.from_params({"q": value}))
        search_people(session, viewer=viewer, text=value)


@pytest.mark.parametrize("value", VALUES, ids=IDS)
def test_a_note_is_kept_exactly_or_refused_over_its_limit(session, place, value):
    try:
        note = add_note(session, actor=place.staff, reference=place.case.reference, body=value)
    except InvalidInput as error:
        assert len(value.strip()) > MAX_NOTE_LENGTH or not value.strip()
        _refused_clearly(error)
        return
    session.flush()
    session.expire_all()
    assert session.get(CaseNote, note.id).body == value.strip()
    _search_works(session, place.staff, value)


@pytest.mark.parametrize("value", VALUES, ids=IDS)
def test_a_clients_names_are_kept_exactly_and_found_by_search(session, place, value):
    try:
        case = make_case(session, actor=place.staff, family_name=value)
    except InvalidInput as error:
        _refused_clearly(error)
        return
    session.flush()
    session.expire_all()
    person_ids = session.exec(select(CaseMember.person_id).where(CaseMember.case_id == case.id))
    family_names = {session.get(Person, person_id).family_name for person_id in person_ids}
    assert value.strip() in family_names or any(value.startswith(n) for n in family_names)
    _search_works(session, place.staff, value)


@pytest.mark.parametrize("value", VALUES, ids=IDS)
def test_a_hostile_profile_field_is_kept_or_refused(session, place, value):
    person = PersonInput(
        family_name="Garcia",
        given_name="Maria",
        middle_name=value,
        city_of_birth=value,
        country_of_birth=value,
        other_names=value,
        phone=value,
        email=value,
        a_number=value,
    )
    try:
        validate_person(person)
    except InvalidInput as error:
        _refused_clearly(error)  # a hostile email, A-number or phone is refused by name


@pytest.mark.parametrize("value", VALUES, ids=IDS)
def test_a_hostile_receipt_number_is_refused_clearly(session, place, value):
    with pytest.raises(InvalidInput) as refused:
        add_receipt_number(
            session, actor=place.staff, reference=place.case.reference, receipt_number=value
        )
    _refused_clearly(refused.value)


@pytest.mark.parametrize("value", VALUES, ids=IDS)
def test_a_checklist_item_keeps_its_wording_or_refuses_it(session, place, value):
    text = ItemText(
        code="hostile",
        section="case-evidence",
        title_en=value,
        title_es=value,
        explain_en=value,
        explain_es=value,
    )
    try:
        item = add_case_item(
            session,
            actor=place.staff,
            reference=place.case.reference,
            member_id=place.member.id,
            text=text,
            reason=value,
        )
    except InvalidInput as error:
        _refused_clearly(error)
        return
    session.flush()
    session.expire_all()
    assert item.title_en == value.strip()
    assert value.strip().startswith(item.explain_en)


@pytest.mark.parametrize("value", VALUES, ids=IDS)
def test_a_message_template_keeps_its_wording_or_refuses_it(session, admin, value):
    key, template = next(iter(message_templates().items()))
    language = next(iter(template.languages))
    try:
        save_template(session, actor=admin, key=key, language=language, subject=value, body=value)
    except InvalidInput as error:
        _refused_clearly(error)
        return
    session.flush()
    session.expire_all()
    row = session.get(MessageTemplateText, (key, language))
    assert (row.subject, row.body) == (value, value)


@pytest.mark.parametrize("value", VALUES, ids=IDS)
def test_the_firm_settings_keep_their_wording_or_refuse_it(session, admin, value):
    try:
        update_firm_settings(
            session,
            actor=admin,
            name=value,
            address=value,
            time_zone="America/New_York",
            date_format="MM/DD/YYYY",
            phone=value,
        )
    except InvalidInput as error:
        _refused_clearly(error)
        return
    session.flush()
    session.expire_all()
    settings = session.exec(select(FirmSettings)).one()
    assert value.strip().startswith(settings.name) and settings.name


@pytest.mark.parametrize("value", VALUES, ids=IDS)
def test_a_processing_times_csv_with_hostile_cells_is_imported_or_refused(session, admin, value):
    quoted = '"' + value.replace('"', '""') + '"'
    csv_text = f"form,category,office,months,date\nI-130,{quoted},{quoted},4.5,2025-11-20\n"
    try:
        with watchdog():
            import_processing_times(
                session, actor=admin, data=csv_text.encode(), filename="times.csv"
            )
    except InvalidInput as error:
        assert all(text.strip() for text in error.fields.values())


def test_notes_are_shown_as_text_not_as_html():
    """The note's markdown is rendered without the raw-HTML plugin, and names are text."""
    from reflex.vars.base import Var

    from immigration_app.pages.case import _note
    from immigration_app.services.cases import NoteView

    rendered = str(_note(Var(_js_expr="note", _var_type=NoteView).guess_type()))
    assert "rehypeRaw" not in rendered and "rehype-raw" not in rendered
    assert "dangerouslySetInnerHTML" not in rendered
