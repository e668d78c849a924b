"""A marriage case whose two people have everything the forms ask: the fixture form tests fill.

`EXPECTED` is the same data written out by hand as the forms should print it, so a test can check
a filled form against it without going through the code that filled it.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from immigration_app.models import (
    Address,
    Case,
    Employment,
    Marriage,
    OtherName,
    Parent,
    TravelEntry,
)
from immigration_app.services.cases import MemberInput, open_case
from immigration_app.services.form_data import case_members
from immigration_app.services.people import PersonInput
from immigration_app.services.viewer import Viewer

# The real USCIS PDFs (test material, never copied into the repository): ../shared/forms beside
# the project, or wherever USCIS_FORMS_DIR says (.ci/run sets it for a clone made elsewhere).
FORMS_DIR = Path(
    os.environ.get("USCIS_FORMS_DIR") or Path(__file__).resolve().parents[2] / "shared" / "forms"
)
needs_real_forms = pytest.mark.skipif(
    not (FORMS_DIR / "i-130.pdf").is_file(),
    reason=f"the real USCIS forms are not in {FORMS_DIR} (set USCIS_FORMS_DIR)",
)
# The forms the catalog maps, each tested against the real PDF in FORMS_DIR.
MAPPED_FORMS = ("G-1145", "I-130", "I-130A", "I-131", "I-485", "I-765", "I-864", "N-400")

PETITIONER = PersonInput(
    family_name="Miller",
    given_name="Daniel",
    middle_name="James",
    date_of_birth="1985-03-02",
    sex="male",
    city_of_birth="Chicago",
    country_of_birth="United States",
    country_of_citizenship="United States",
    ssn="123-45-6789",  # stored as 123456789, printed so on every form that asks
    email="daniel.miller@example.com",
    phone="(312) 555-0100",
)
BENEFICIARY = PersonInput(
    family_name="Ramirez",
    given_name="Lucia",
    middle_name="Fernanda",
    date_of_birth="1990-08-14",
    sex="female",
    city_of_birth="Guadalajara",
    country_of_birth="Mexico",
    country_of_citizenship="Mexico",
    a_number="A012345678",
    email="lucia.ramirez@example.com",
    phone="312-555-0199",
)

# What each person's profile keys should print as, by hand (see the module's docstring).
EXPECTED = {
    "petitioner": {
        "family_name": "Miller",
        "given_name": "Daniel",
        "middle_name": "James",
        "full_name": "Daniel James Miller",
        "date_of_birth": "03/02/1985",
        "sex": "male",
        "city_of_birth": "Chicago",
        "country_of_birth": "United States",
        "ssn": "123456789",
        "email": "daniel.miller@example.com",
        "marital_status": "married",
        "times_married": "2",
        "mailing_same_as_physical": "yes",
        "addresses[0].street": "1200 W Lake St",
        "addresses[0].unit_type": "apt",
        "addresses[0].unit_number": "4B",
        "addresses[0].city": "Chicago",
        "addresses[0].state": "IL",
        "addresses[0].zip_code": "60607",
        "addresses[0].country": "United States",
        "addresses[0].from_date": "02/14/2023",
        "addresses[1].street": "55 Elm St",
        "addresses[1].city": "Chicago",
        "addresses[1].state": "IL",
        "addresses[1].zip_code": "60614",
        "addresses[1].from_date": "01/01/2018",
        "addresses[1].to_date": "02/13/2023",
        "mailing.street": "1200 W Lake St",
        "mailing.city": "Chicago",
        "mailing.state": "IL",
        "mailing.zip_code": "60607",
        "employment[0].employer": "Acme Logistics",
        "employment[0].occupation": "Dispatcher",
        "employment[0].from_date": "04/01/2019",
        "employment[1].employer": "City Diner",
        "employment[1].to_date": "03/31/2019",
        "current_spouse.family_name": "Ramirez",
        "current_spouse.given_name": "Lucia",
        "current_marriage.date": "02/14/2023",
        "current_marriage.city": "Chicago",
        "current_marriage.state": "IL",
        "current_marriage.country": "United States",
        "prior_spouses[0].family_name": "Jones",
        "prior_spouses[0].date_ended": "09/30/2015",
        "parents[0].family_name": "Miller",
        "parents[0].given_name": "Anne",
        "parents[0].sex": "female",
        "parents[1].given_name": "Robert",
        "parents[1].sex": "male",
    },
    "beneficiary": {
        "family_name": "Ramirez",
        "given_name": "Lucia",
        "middle_name": "Fernanda",
        "date_of_birth": "08/14/1990",
        "sex": "female",
        "city_of_birth": "Guadalajara",
        "country_of_birth": "Mexico",
        "country_of_citizenship": "Mexico",
        "a_number": "012345678",
        "email": "lucia.ramirez@example.com",
        "marital_status": "married",
        "other_names[0].family_name": "Ramirez Lopez",
        "other_names[0].given_name": "Lucia",
        "addresses[0].street": "1200 W Lake St",
        "addresses[0].zip_code": "60607",
        "addresses[1].street": "Av. Juarez 100",
        "addresses[1].city": "Guadalajara",
        "addresses[1].province": "Jalisco",
        "addresses[1].postal_code": "44100",
        "addresses[1].country": "Mexico",
        "addresses[1].state": "",
        "addresses[1].zip_code": "",
        "employment[0].employer": "Acme Logistics",
        "employment[0].occupation": "Clerk",
        "employment[1].employer": "Hospital Civil",
        "employment[1].country": "Mexico",
        "current_spouse.family_name": "Miller",
        "current_marriage.date": "02/14/2023",
        "last_entry.arrival_date": "12/01/2022",
        "last_entry.port_city": "Chicago",
        "last_entry.port_state": "IL",
        "last_entry.i94_number": "12345678901",
        "last_entry.status_at_entry": "B-2",
        "last_entry.passport_number": "G12345678",
        "parents[0].given_name": "Rosa",
    },
}


def _address(person_id: int, street: str, city: str, start: date, end: date | None, **more):
    return Address(
        person_id=person_id, street=street, city=city, from_date=start, to_date=end, **more
    )


def make_marriage_case(session: Session, *, actor: Viewer) -> Case:
    """An aos-marriage case: a U.S. citizen petitioner and his Mexican spouse, histories full."""
    case = open_case(
        session,
        actor=actor,
        case_type="aos-marriage",
        members=[
            MemberInput(role="petitioner", new_person=PETITIONER),
            MemberInput(role="beneficiary", new_person=BENEFICIARY),
        ],
    )
    people = {member.role: person for member, person in case_members(session, case)}
    him, her = people["petitioner"], people["beneficiary"]
    home = dict(unit_type="Apt.", unit_number="4B", state="IL", postal_code="60607")
    session.add_all(
        [
            _address(him.id, "1200 W Lake St", "Chicago", date(2023, 2, 14), None, **home),
            _address(
                him.id,
                "55 Elm St",
                "Chicago",
                date(2018, 1, 1),
                date(2023, 2, 13),
                state="IL",
                postal_code="60614",
            ),
            _address(her.id, "1200 W Lake St", "Chicago", date(2023, 2, 14), None, **home),
            _address(
                her.id,
                "Av. Juarez 100",
                "Guadalajara",
                date(2015, 1, 1),
                date(2023, 2, 13),
                province="Jalisco",
                postal_code="44100",
                country="Mexico",
            ),
            Employment(
                person_id=him.id,
                employer="Acme Logistics",
                occupation="Dispatcher",
                city="Chicago",
                state="IL",
                from_date=date(2019, 4, 1),
            ),
            Employment(
                person_id=him.id,
                employer="City Diner",
                occupation="Cook",
                city="Chicago",
                state="IL",
                from_date=date(2016, 1, 1),
                to_date=date(2019, 3, 31),
            ),
            Employment(
                person_id=her.id,
                employer="Acme Logistics",
                occupation="Clerk",
                city="Chicago",
                state="IL",
                from_date=date(2021, 6, 1),
            ),
            Employment(
                person_id=her.id,
                employer="Hospital Civil",
                occupation="Nurse",
                city="Guadalajara",
                country="Mexico",
                from_date=date(2012, 1, 1),
                to_date=date(2021, 5, 31),
            ),
            Marriage(
                person_id=him.id,
                spouse_family_name="Ramirez",
                spouse_given_name="Lucia",
                spouse_middle_name="Fernanda",
                spouse_date_of_birth=date(1990, 8, 14),
                date_of_marriage=date(2023, 2, 14),
                place_of_marriage="Chicago, IL",
            ),
            Marriage(
                person_id=him.id,
                spouse_family_name="Jones",
                spouse_given_name="Sarah",
                date_of_marriage=date(2010, 6, 1),
                date_ended=date(2015, 9, 30),
                how_ended="divorce",
            ),
            Marriage(
                person_id=her.id,
                spouse_family_name="Miller",
                spouse_given_name="Daniel",
                spouse_middle_name="James",
                spouse_date_of_birth=date(1985, 3, 2),
                date_of_marriage=date(2023, 2, 14),
                place_of_marriage="Chicago, IL",
            ),
            Parent(
                person_id=him.id,
                relationship="mother",
                family_name="Miller",
                given_name="Anne",
                date_of_birth=date(1960, 1, 1),
                city_of_birth="Boston",
                country_of_birth="United States",
            ),
            Parent(
                person_id=him.id,
                relationship="father",
                family_name="Miller",
                given_name="Robert",
                country_of_birth="United States",
            ),
            Parent(
                person_id=her.id,
                relationship="mother",
                family_name="Lopez",
                given_name="Rosa",
                country_of_birth="Mexico",
            ),
            OtherName(person_id=her.id, family_name="Ramirez Lopez", given_name="Lucia"),
            TravelEntry(
                person_id=her.id,
                arrival_date=date(2022, 12, 1),
                port_of_entry="Chicago, IL",
                i94_number="12345678901",
                status_at_entry="B-2",
                passport_number="G12345678",
            ),
        ]
    )
    session.flush()
    return case
