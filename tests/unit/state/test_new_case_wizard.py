"""The new-case wizard, driven handler by handler as the page drives it."""

import pytest

from immigration_app.services.cases import MemberInput, open_case
from immigration_app.services.db import session_scope
from immigration_app.services.people import PersonInput, create_person
from immigration_app.state.cases import NewCaseState
from tests.factories import make_viewer
from tests.unit.state.conftest import redirect_target, sign_in_as

pytestmark = pytest.mark.anyio

ROSA = {"family_name": "Gómez", "given_name": "Rosa", "date_of_birth": "1985-06-01"}


async def _wizard(tab, role="paralegal"):
    await sign_in_as(tab, role)
    wizard = tab.state(NewCaseState)
    await wizard.load()
    return wizard


async def test_a_new_client_is_added_and_the_case_opened(tab):
    wizard = await _wizard(tab)
    await wizard.choose_type("aos-marriage")
    assert wizard.adding_role == "petitioner"
    await wizard.add_new({"family_name": "", "given_name": "Rosa"})
    assert set(wizard.errors) == {"family_name"}
    assert wizard.members == []
    await wizard.add_new(ROSA)
    assert [(m.role, m.label) for m in wizard.members] == [("petitioner", "Rosa Gómez (new)")]
    assert wizard.adding_role == "beneficiary"  # the next role the case still needs
    event = await wizard.create({"attorney_id": "", "paralegal_id": ""})
    assert redirect_target(event).startswith("/cases/")


async def test_a_likely_duplicate_is_shown_before_a_second_record_is_made(tab):
    with session_scope() as session:
        rosa = create_person(session, PersonInput(**ROSA))
    wizard = await _wizard(tab, "attorney")
    await wizard.choose_type("n400-naturalization")
    await wizard.add_new({**ROSA, "family_name": "GOMEZ"})
    assert [match.id for match in wizard.duplicates] == [rosa.id]
    assert wizard.members == []
    await wizard.add_existing(rosa.id, "Rosa Gómez")
    assert [(m.person_id, m.label) for m in wizard.members] == [(rosa.id, "Rosa Gómez")]
    assert wizard.duplicates == []


async def test_adding_anyway_keeps_the_typed_person(tab):
    with session_scope() as session:
        create_person(session, PersonInput(**ROSA))
    wizard = await _wizard(tab, "attorney")
    await wizard.choose_type("n400-naturalization")
    await wizard.add_new(ROSA)
    await wizard.add_new_anyway()
    assert wizard.members[0].new_person["family_name"] == "Gómez"


async def test_people_on_cases_a_paralegal_cannot_see_are_not_found_or_usable(tab):
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        other = make_viewer(session, role="paralegal")
        hidden = create_person(session, PersonInput("Hidden", "Person"))
        open_case(
            session,
            actor=attorney,
            case_type="tps",
            members=[MemberInput("applicant", person_id=hidden.id)],
            paralegal_id=other.id,
        )
    wizard = await _wizard(tab, "paralegal")
    await wizard.choose_type("tps")
    await wizard.find_people({"person_search": "hidden"})
    assert wizard.matches == [] and wizard.searched
    await wizard.add_existing(hidden.id, "forged")  # as a hostile browser could
    await wizard.create({})
    assert wizard.errors == {"m0_person": "Choose the person again from the search."}


async def test_creating_without_people_says_who_is_missing(tab):
    wizard = await _wizard(tab)
    await wizard.choose_type("h1b")
    await wizard.create({})
    assert wizard.errors == {"members": "Add the petitioner (the firm's client)."}
