"""People: the profiles every form is filled from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from immigration_app.models import Language, Person, utcnow
from immigration_app.services.errors import InvalidInput
from immigration_app.services.users import normalize_email

_A_NUMBER = re.compile(r"^A?-?(\d{7,9})$", re.IGNORECASE)


@dataclass(frozen=True)
class PersonInput:
    """What a form or a wizard step says about a new person; all text as typed."""

    family_name: str
    given_name: str
    middle_name: str = ""
    date_of_birth: str = ""  # ISO date, as an <input type=date> sends it
    country_of_birth: str = ""
    country_of_citizenship: str = ""
    a_number: str = ""
    email: str = ""
    phone: str = ""
    preferred_language: str = "en"


def normalize_a_number(value: str) -> str:
    """An A-number as nine digits, without the A (how USCIS forms ask for it)."""
    match = _A_NUMBER.match(value.replace(" ", ""))
    if not match:
        raise InvalidInput({"a_number": "An A-number has 7 to 9 digits, e.g. A012345678."})
    return match.group(1).zfill(9)


def _parse_birth_date(value: str) -> date:
    try:
        born = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput({"date_of_birth": "Enter the date of birth as a date."}) from None
    if born > date.today():
        raise InvalidInput({"date_of_birth": "The date of birth cannot be in the future."})
    if born.year < 1900:
        raise InvalidInput({"date_of_birth": "Check the year of birth."})
    return born


def validate_person(data: PersonInput) -> dict:
    """The cleaned column values, or InvalidInput naming every field that is wrong."""
    problems: dict[str, str] = {}
    clean: dict = {
        "family_name": data.family_name.strip(),
        "given_name": data.given_name.strip(),
        "middle_name": data.middle_name.strip(),
        "country_of_birth": data.country_of_birth.strip(),
        "country_of_citizenship": data.country_of_citizenship.strip(),
        "phone": data.phone.strip(),
    }
    if not clean["family_name"]:
        problems["family_name"] = "Enter the family name (last name)."
    if not clean["given_name"]:
        problems["given_name"] = "Enter the given name (first name)."
    for name, parse in (
        ("date_of_birth", _parse_birth_date),
        ("a_number", normalize_a_number),
        ("email", normalize_email),
    ):
        raw = getattr(data, name).strip()
        if not raw:
            clean[name] = None if name == "date_of_birth" else ""
            continue
        try:
            clean[name] = parse(raw)
        except InvalidInput as error:
            problems[name] = error.fields.get(name) or next(iter(error.fields.values()))
    if data.preferred_language not in {language.value for language in Language}:
        problems["preferred_language"] = "Choose English or Spanish."
    else:
        clean["preferred_language"] = Language(data.preferred_language)
    if problems:
        raise InvalidInput(problems)
    return clean


def create_person(session: Session, data: PersonInput) -> Person:
    person = Person(**validate_person(data), created_at=utcnow(), updated_at=utcnow())
    session.add(person)
    session.flush()
    return person


def display_name(person: Person) -> str:
    """Given name first, as staff say it: "Maria Elena Garcia Lopez"."""
    return " ".join(
        part for part in (person.given_name, person.middle_name, person.family_name) if part
    )
