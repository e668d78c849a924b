"""A case's profile data in the field maps' vocabulary (catalog.form_maps): entered once, read
by every form.

`person_values` flattens one person into paths such as `addresses[1].city`; `case_people`
finds who plays each role of a form. Values stay typed (dates are dates); the filler formats
them for the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from immigration_app.catalog import case_types
from immigration_app.catalog.form_maps import FormMap
from immigration_app.models import (
    Address,
    Case,
    CaseMember,
    Employment,
    Marriage,
    OtherName,
    Parent,
    Person,
    TravelEntry,
)
from immigration_app.services.numbers import digits_only

_US_NAMES = {"united states", "united states of america", "usa", "us", "u.s.", "u.s.a."}
_UNIT_TYPES = {
    "apt.": "apt",
    "apt": "apt",
    "ste.": "ste",
    "ste": "ste",
    "flr.": "flr",
    "flr": "flr",
}
_ENDED = {"divorce": "divorced", "death": "widowed", "annulment": "annulled"}
_PARENT_SEX = {"mother": "female", "father": "male"}

Values = dict[str, Any]


def is_us(country: str) -> bool:
    return country.strip().lower() in _US_NAMES


def _address(row: Address | Employment) -> Values:
    """An address split the way the forms ask: U.S. state and ZIP, or province and postal code."""
    domestic = is_us(row.country)
    return {
        "street": row.street,
        "unit_type": _UNIT_TYPES.get(getattr(row, "unit_type", "").lower(), ""),
        "unit_number": getattr(row, "unit_number", ""),
        "city": row.city,
        "state": row.state if domestic else "",
        "zip_code": row.postal_code if domestic else "",
        "province": "" if domestic else (getattr(row, "province", "") or row.state),
        "postal_code": "" if domestic else row.postal_code,
        "country": row.country,
    }


def _place(text: str) -> Values:
    """ "Houston, TX, United States" as city, state (or province) and country."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    city = parts[0] if parts else ""
    country = parts[-1] if len(parts) >= 2 else ""
    region = parts[1] if len(parts) >= 3 else ""
    domestic = is_us(country) or (len(parts) == 2 and len(parts[1]) == 2)
    if len(parts) == 2 and len(parts[1]) == 2:  # "Houston, TX"
        region, country = parts[1], "United States"
    return {
        "city": city,
        "state": region if domestic else "",
        "province": "" if domestic else region,
        "country": country,
    }


def _listed(values: Values, name: str, rows: list[Values]) -> None:
    for index, row in enumerate(rows):
        for field, value in row.items():
            values[f"{name}[{index}].{field}"] = value


def _grouped(values: Values, name: str, group: Values) -> None:
    for field, value in group.items():
        values[f"{name}.{field}"] = value


def _newest_first(rows: list, start: str) -> list:
    """Current rows (no end date) first, then by start date, newest first."""
    return sorted(
        rows,
        key=lambda row: (getattr(row, "to_date", None) is None, getattr(row, start) or date.min),
        reverse=True,
    )


def _marriage_values(values: Values, marriages: list[Marriage]) -> None:
    current = [row for row in marriages if row.date_ended is None]
    ended = sorted(
        (row for row in marriages if row.date_ended is not None),
        key=lambda row: row.date_ended,
        reverse=True,
    )
    if current:
        status = "married"
    elif ended:
        status = _ENDED.get(ended[0].how_ended.strip().lower(), "divorced")
    else:
        status = "single"
    values["marital_status"] = status
    values["times_married"] = len(marriages) if marriages else ""
    spouse = current[0] if current else None
    if spouse is not None:
        _grouped(
            values,
            "current_spouse",
            {
                "family_name": spouse.spouse_family_name,
                "given_name": spouse.spouse_given_name,
                "middle_name": spouse.spouse_middle_name,
                "date_of_birth": spouse.spouse_date_of_birth,
            },
        )
        _grouped(
            values,
            "current_marriage",
            {"date": spouse.date_of_marriage} | _place(spouse.place_of_marriage),
        )

    def spouse_row(row: Marriage) -> Values:
        return {
            "family_name": row.spouse_family_name,
            "given_name": row.spouse_given_name,
            "middle_name": row.spouse_middle_name,
            "date_of_marriage": row.date_of_marriage,
            "date_ended": row.date_ended,
        }

    _listed(values, "spouses", [spouse_row(row) for row in current + ended])
    _listed(
        values,
        "prior_spouses",
        [
            spouse_row(row)
            | {"date_of_birth": row.spouse_date_of_birth, "city_ended": "", "country_ended": ""}
            for row in ended
        ],
    )


def _rows(session: Session, table, person_id: int) -> list:
    return list(session.exec(select(table).where(table.person_id == person_id).order_by(table.id)))


def person_values(session: Session, person: Person) -> Values:
    """Everything the vocabulary offers about `person`, keyed by path (no role prefix)."""
    values: Values = {
        "family_name": person.family_name,
        "given_name": person.given_name,
        "middle_name": person.middle_name,
        "full_name": " ".join(
            part for part in (person.given_name, person.middle_name, person.family_name) if part
        ),
        "date_of_birth": person.date_of_birth,
        "city_of_birth": person.city_of_birth,
        "country_of_birth": person.country_of_birth,
        "country_of_citizenship": person.country_of_citizenship,
        "a_number": person.a_number,
        "uscis_online_account_number": person.uscis_online_account_number,
        "ssn": digits_only(person.ssn),
        "phone": person.phone,
        "email": person.email,
        "sex": person.sex,
    }
    _listed(
        values,
        "other_names",
        [
            {
                "family_name": row.family_name,
                "given_name": row.given_name,
                "middle_name": row.middle_name,
            }
            for row in _rows(session, OtherName, person.id)
        ],
    )
    addresses = _rows(session, Address, person.id)
    mailing_only = [row for row in addresses if row.is_mailing and row.from_date is None]
    physical = _newest_first([row for row in addresses if row not in mailing_only], "from_date")
    _listed(
        values,
        "addresses",
        [_address(row) | {"from_date": row.from_date, "to_date": row.to_date} for row in physical],
    )
    mailing = next((row for row in addresses if row.is_mailing), physical[0] if physical else None)
    if mailing is not None:
        _grouped(values, "mailing", _address(mailing) | {"in_care_of": mailing.in_care_of})
        values["mailing_same_as_physical"] = "yes" if physical and mailing is physical[0] else "no"
    _listed(
        values,
        "employment",
        [
            {"employer": row.employer, "occupation": row.occupation}
            | _address(row)
            | {"from_date": row.from_date, "to_date": row.to_date}
            for row in _newest_first(_rows(session, Employment, person.id), "from_date")
        ],
    )
    _marriage_values(values, _rows(session, Marriage, person.id))
    _listed(
        values,
        "parents",
        [
            {
                "family_name": row.family_name,
                "given_name": row.given_name,
                "middle_name": row.middle_name,
                "date_of_birth": row.date_of_birth,
                "sex": _PARENT_SEX.get(row.relationship.strip().lower(), ""),
                "city_of_birth": row.city_of_birth,
                "country_of_birth": row.country_of_birth,
                "city_of_residence": row.city_of_residence,
                "country_of_residence": row.country_of_residence,
            }
            for row in _rows(session, Parent, person.id)
        ],
    )
    entries = _rows(session, TravelEntry, person.id)
    latest = max(entries, key=lambda row: row.arrival_date or date.min, default=None)
    if latest is not None:
        port = _place(latest.port_of_entry)
        _grouped(
            values,
            "last_entry",
            {
                "arrival_date": latest.arrival_date,
                "port_city": port["city"],
                "port_state": port["state"],
                "i94_number": latest.i94_number,
                "status_at_entry": latest.status_at_entry,
                "authorized_stay_until": latest.authorized_stay_until,
                "passport_number": latest.passport_number,
                "travel_document_number": "",
                "passport_country": person.country_of_citizenship,
            },
        )
    return values


@dataclass(frozen=True)
class FormPeople:
    """Who plays each role of one form on one case."""

    people: dict[str, Person]  # form role -> person
    missing: tuple[str, ...]  # form roles nobody on the case plays


def form_people(form_map: FormMap, members: list[tuple[CaseMember, Person]]) -> FormPeople:
    """Who plays each role; a role no field reads is not missing (a form the catalog does not
    map offers every member role, and uses the ones an admin maps)."""
    found: dict[str, Person] = {}
    missing = []
    used = {rule.key.partition(".")[0] for rule in form_map.fields}
    for role, member_roles in form_map.people.items():
        person = next(
            (
                person
                for wanted in member_roles
                for member, person in members
                if member.role == wanted
            ),
            None,
        )
        if person is None and role in used:
            missing.append(role)
        elif person is None:
            continue
        else:
            found[role] = person
    return FormPeople(found, tuple(missing))


def case_members(session: Session, case: Case) -> list[tuple[CaseMember, Person]]:
    rows = session.exec(
        select(CaseMember, Person)
        .join(Person, Person.id == CaseMember.person_id)
        .where(CaseMember.case_id == case.id)
        .order_by(CaseMember.id)
    )
    return list(rows)


def case_values(case: Case) -> Values:
    case_type = case_types().get(case.case_type)
    return {
        "case.relationship": case_type.relationship if case_type else "",
        "case.reference": case.reference,
        "case.priority_date": case.priority_date,
    }


def form_values(session: Session, case: Case, form_map: FormMap, people: FormPeople) -> Values:
    """Every key of the vocabulary this form's people and case offer, with its role prefix."""
    values = case_values(case)
    cache: dict[int, Values] = {}
    for role, person in people.people.items():
        if person.id not in cache:
            cache[person.id] = person_values(session, person)
        values |= {f"{role}.{path}": value for path, value in cache[person.id].items()}
    return values
