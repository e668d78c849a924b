"""The portal questionnaire's handlers: only for a working link, errors in the client's words."""

from __future__ import annotations

import pytest
from sqlmodel import select

from immigration_app import catalog
from immigration_app.models import Address, CaseEvent, CaseMember, ClientAnswer, Person
from immigration_app.services.db import session_scope
from immigration_app.services.portal import create_link, open_portal, revoke_link
from immigration_app.state.portal import PortalState
from immigration_app.state.portal_intake import _FIELD_KEYS, _MESSAGE_KEYS, PortalIntakeState
from tests.factories import make_case, make_viewer

pytestmark = pytest.mark.anyio

_PROFILE_FORM = {
    "family_name": "Garcia",
    "given_name": "Maria",
    "middle_name": "",
    "other_names": "",
    "date_of_birth": "1980-05-17",
    "city_of_birth": "Quito",
    "country_of_birth": "Ecuador",
    "country_of_citizenship": "Ecuador",
    "a_number": "",
    "uscis_online_account_number": "",
    "phone": "555-0100",
    "email": "",
    "last_arrival_date": "",
    "i94_admit_until": "",
}
_ADDRESS_FORM = {
    "street": "12 Elm St",
    "unit_type": "",
    "unit_number": "",
    "city": "Houston",
    "state": "TX",
    "postal_code": "77001",
    "province": "",
    "country": "United States",
    "from_date": "2022-03-01",
    "current": "on",
    "to_date": "",
}


def _open_link(*, revoked: bool = False) -> tuple[int, int]:
    """A client's link (revoked when asked); returns the link's and the person's ids."""
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        case = make_case(session, actor=attorney)
        member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).one()
        link, token = create_link(
            session, actor=attorney, reference=case.reference, member_id=member.id
        )
        access = open_portal(session, token=token)
        if revoked:
            revoke_link(session, actor=attorney, reference=case.reference, link_id=link.id)
        return link.id, access.person_id


def _intake(tab, link_id: int) -> PortalIntakeState:
    tab.state(PortalState)._link_id = link_id
    tab.state(PortalState).phase = "open"
    return tab.state(PortalIntakeState)


def _profile_events() -> int:
    with session_scope() as session:
        return len(session.exec(select(CaseEvent).where(CaseEvent.kind == "profile_updated")).all())


async def test_a_revoked_link_changes_nothing(tab):
    link_id, person_id = _open_link(revoked=True)
    intake = _intake(tab, link_id)

    await intake.save_profile(_PROFILE_FORM)
    portal = tab.state(PortalState)
    assert (portal.phase, portal.refusal, portal._link_id) == ("refused", "link_revoked", 0)
    portal._link_id = link_id  # as if the browser kept the old link
    intake.editing = "addresses"
    await intake.save_row(_ADDRESS_FORM)
    portal._link_id = link_id
    await intake.load_intake()

    with session_scope() as session:
        person = session.get(Person, person_id)
        assert (person.city_of_birth, person.phone) == ("", "")
        assert session.exec(select(Address)).all() == []
        assert session.exec(select(ClientAnswer)).all() == []
    assert _profile_events() == 0
    assert intake.profile == {} and intake.addresses == []


async def test_a_working_link_saves_the_profile_and_an_address(tab):
    link_id, person_id = _open_link()
    intake = _intake(tab, link_id)
    await intake.load_intake()
    assert intake.profile["family_name"] == "Garcia"
    assert [gap.ends for gap in intake.address_gaps]  # nothing yet: five years to fill

    await intake.save_profile(_PROFILE_FORM)
    assert intake.saved == "profile" and intake.profile_errors == {}
    assert intake.profile["city_of_birth"] == "Quito"

    await intake.start_row("addresses", 0)
    assert intake.editing == "addresses" and intake.draft["country"] == "United States"
    await intake.save_row(_ADDRESS_FORM)
    assert intake.saved == "addresses" and intake.editing == ""
    assert [item.line for item in intake.addresses] == [
        "12 Elm St, Houston, TX 77001, United States"
    ]
    row_id = intake.addresses[0].row_id

    await intake.ask_remove("addresses", row_id)
    await intake.remove_row()
    assert intake.addresses == []
    with session_scope() as session:
        assert session.get(Person, person_id).city_of_birth == "Quito"
        assert session.exec(select(Address)).all() == []


async def test_errors_are_kept_as_words_the_client_reads_in_their_language(tab):
    link_id, _ = _open_link()
    intake = _intake(tab, link_id)
    await intake.save_profile(
        {**_PROFILE_FORM, "given_name": "", "date_of_birth": "2999-01-01", "email": "nope"}
    )
    assert intake.profile_errors == {
        "given_name": "err_given_name",
        "date_of_birth": "err_future",
        "email": "err_email",
    }
    intake.editing = "addresses"
    await intake.save_row({**_ADDRESS_FORM, "street": "", "to_date": "2023-01-01"})
    assert intake.row_errors == {"street": "err_required", "to_date": "err_current_has_no_end"}
    assert intake.draft["to_date"] == "2023-01-01"  # what was typed stays
    spanish = catalog.portal_text()["es"]
    assert spanish[intake.profile_errors["date_of_birth"]].startswith("Esta fecha")


async def test_a_wrong_social_security_number_is_explained_in_the_clients_words(tab):
    link_id, person_id = _open_link()
    intake = _intake(tab, link_id)
    for typed, key, spanish_start in [
        ("12345", "err_ssn", "El número de Seguro Social tiene 9"),
        ("666-12-3456", "err_ssn_invalid", "Este no es un número de Seguro Social"),
    ]:
        await intake.save_profile({**_PROFILE_FORM, "ssn": typed})
        assert intake.profile_errors == {"ssn": key}
        assert catalog.portal_text()["es"][key].startswith(spanish_start)
    await intake.save_profile({**_PROFILE_FORM, "ssn": "123-45-6789"})
    assert intake.profile_errors == {}
    assert intake.profile["ssn"] == "***-**-6789"  # the page never holds the whole number
    with session_scope() as session:
        assert session.get(Person, person_id).ssn == "123456789"


async def test_opening_a_link_forgets_the_answers_this_tab_held(tab):
    link_id, _ = _open_link()
    intake = _intake(tab, link_id)
    await intake.show_part("about")
    await intake.load_intake()
    assert intake.profile and intake.loaded
    intake.forget()
    assert (intake.profile, intake.loaded, intake.part) == ({}, False, "documents")
    assert tab.state(PortalState)._link_id == link_id  # the link itself is PortalState's


async def test_forged_kinds_and_rows_are_ignored(tab):
    link_id, _ = _open_link()
    intake = _intake(tab, link_id)
    await intake.start_row("passports", 0)
    assert intake.editing == ""
    await intake.start_row("addresses", 987654)  # not one of the client's rows
    assert intake.editing == ""
    await intake.show_part("../admin")
    assert intake.part == "documents"


def test_every_error_key_is_a_portal_word():
    words = catalog.portal_text()
    for key in [*_MESSAGE_KEYS.values(), *_FIELD_KEYS.values(), "err_check"]:
        assert key in words["en"] and key in words["es"], key
