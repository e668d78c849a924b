"""People: the profiles every form is filled from, their edits, and finding them again."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, delete, or_, select

from immigration_app.models import (
    SORT_NAME_LENGTH,
    Case,
    CaseMember,
    ClientAnswer,
    Language,
    OtherName,
    Person,
    PersonSearchToken,
    TravelEntry,
    utcnow,
)
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput, over_column_limits
from immigration_app.services.folding import ascii_fold
from immigration_app.services.numbers import ascii_digits, digits_only
from immigration_app.services.users import normalize_email
from immigration_app.services.viewer import Viewer, visible_cases

_A_NUMBER = re.compile(r"^A?-?(\d{7,9})$", re.IGNORECASE | re.ASCII)
_USCIS_ACCOUNT = re.compile(r"^\d{12}$", re.ASCII)
_SSN = re.compile(r"^(\d{3})-?(\d{2})-?(\d{4})$", re.ASCII)
_TOKEN_LENGTH = 40
# The highest character a search token can hold: a prefix p matches tokens in [p, p + this].
_TOKEN_CEILING = "z" * _TOKEN_LENGTH
_SEARCH_LENGTH = 200
_SEARCH_WORDS = 6
# One alias of the token table per word of a search, made once (making them is not cheap).
_TOKEN_ALIASES = [aliased(PersonSearchToken) for _ in range(_SEARCH_WORDS)]

PROFILE_LABELS = {
    "family_name": "Family name",
    "given_name": "Given name",
    "middle_name": "Middle name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "city_of_birth": "City of birth",
    "country_of_birth": "Country of birth",
    "country_of_citizenship": "Country of citizenship",
    "a_number": "A-number",
    "uscis_online_account_number": "USCIS online account number",
    "ssn": "Social Security number",
    "email": "Email",
    "phone": "Phone",
    "preferred_language": "Preferred language",
    "other_names": "Other names used",
    "last_arrival_date": "Last arrival in the US",
    "i94_admit_until": "I-94 admit until",
}
# The latest entry into the US, kept as a travel entry (profile field -> its column there).
_ENTRY_FIELDS = {"last_arrival_date": "arrival_date", "i94_admit_until": "authorized_stay_until"}
_DATE_FIELDS = ("date_of_birth", *_ENTRY_FIELDS)
# Profile fields that are columns of Person (other names and entries live in their own tables).
_COLUMNS = tuple(
    name for name in PROFILE_LABELS if name != "other_names" and name not in _ENTRY_FIELDS
)
_MAX_OTHER_NAMES = 20
SEXES = ("", "male", "female")  # the two USCIS forms offer; "" while not known


@dataclass(frozen=True)
class PersonInput:
    """A person's profile as a form sends it: all text, as typed."""

    family_name: str
    given_name: str
    middle_name: str = ""
    date_of_birth: str = ""  # ISO date, as an <input type=date> sends it
    sex: str = ""  # male or female, as USCIS forms ask it
    city_of_birth: str = ""
    country_of_birth: str = ""
    country_of_citizenship: str = ""
    a_number: str = ""
    uscis_online_account_number: str = ""
    # Read from the database it is only ever masked (`mask_ssn`); sent back unchanged, it keeps
    # the stored number. The whole number never goes to a page, an event or an export.
    ssn: str = ""
    email: str = ""
    phone: str = ""
    preferred_language: str = "en"
    other_names: str = ""  # one per line: "Family, Given Middle"
    last_arrival_date: str = ""  # ISO dates, as <input type=date> sends them
    i94_admit_until: str = ""

    @classmethod
    def from_form(cls, form: dict[str, str], prefix: str = "") -> PersonInput:
        """Read the fields named `prefix + field` from submitted form data."""
        values = {field.name: str(form.get(prefix + field.name, "")) for field in fields(cls)}
        values["preferred_language"] = values["preferred_language"] or "en"
        return cls(**values)

    @classmethod
    def of(cls, session: Session, person: Person) -> PersonInput:
        """A stored person, as the edit form shows them."""
        return profiles_of(session, [person])[person.id]


def profiles_of(
    session: Session,
    people: list[Person],
    entries: dict[int, dict[str, date | None]] | None = None,
) -> dict[int, PersonInput]:
    """Stored people as the edit form shows them, by id; one query for all their other names
    and one for all their entries (none when the caller passes their `latest_entries`)."""
    ids = [person.id for person in people]
    other_names = _stored_other_names_of(session, ids)
    entries = latest_entries(session, ids) if entries is None else entries
    profiles = {}
    for person in people:
        values = {name: getattr(person, name) for name in _COLUMNS}
        values["date_of_birth"] = person.date_of_birth.isoformat() if person.date_of_birth else ""
        values["ssn"] = mask_ssn(person.ssn)
        values["other_names"] = other_names[person.id]
        values |= {name: _shown(day) for name, day in entries[person.id].items()}
        profiles[person.id] = PersonInput(
            **{name: str(value or "") for name, value in values.items()}
        )
    return profiles


def normalize_a_number(value: str) -> str:
    """An A-number as nine digits, without the A (how USCIS forms ask for it)."""
    match = _A_NUMBER.match(ascii_digits(value).replace(" ", ""))
    if not match:
        raise InvalidInput({"a_number": "An A-number has 7 to 9 digits, e.g. A012345678."})
    return match.group(1).zfill(9)


def normalize_ssn(value: str) -> str:
    """A Social Security number as nine digits; 123-45-6789 and 123456789 are both accepted."""
    match = _SSN.match(ascii_digits(value).replace(" ", ""))
    if not match:
        raise InvalidInput({"ssn": "A Social Security number has 9 digits, e.g. 123-45-6789."})
    area, group, serial = match.groups()
    # Never issued (SSA, "Social Security Number Randomization"): area 000, 666 or 900-999,
    # group 00, serial 0000.
    if area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000":
        raise InvalidInput({"ssn": "This is not a Social Security number; check the digits."})
    return area + group + serial


def mask_ssn(ssn: str) -> str:
    """The last four digits only, as ***-**-6789 ("" when there is none)."""
    digits = digits_only(ssn)
    return f"***-**-{digits[-4:]}" if digits else ""


def _uscis_account(value: str) -> str:
    digits = ascii_digits(value).replace(" ", "").replace("-", "")
    if not _USCIS_ACCOUNT.match(digits):
        raise InvalidInput({"uscis_online_account_number": "This number has 12 digits."})
    return digits


def _birth_date(value: str) -> date:
    try:
        born = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput({"date_of_birth": "Enter the date of birth as a date."}) from None
    if born > date.today():
        raise InvalidInput({"date_of_birth": "The date of birth cannot be in the future."})
    if born.year < 1900:
        raise InvalidInput({"date_of_birth": "Check the year of birth."})
    return born


def _other_names(text: str) -> str:
    """Other names as canonical lines "Family, Given Middle" (no comma: a family name only)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > _MAX_OTHER_NAMES:
        raise InvalidInput({"other_names": f"List at most {_MAX_OTHER_NAMES} other names."})
    canonical = []
    for line in lines:
        family, given, middle = _other_name_parts(line)
        if not family:
            raise InvalidInput(
                {"other_names": f"Write each name as: family name, given names ({line[:40]})."}
            )
        parts = {"family_name": family, "given_name": given, "middle_name": middle}
        if over_column_limits(OtherName, parts):
            raise InvalidInput(
                {"other_names": f"Each part of a name holds 100 characters at most ({line[:40]})."}
            )
        canonical.append(f"{family}, {spoken_name(given, middle, '')}" if given else family)
    return "\n".join(canonical)


def _other_name_parts(line: str) -> tuple[str, str, str]:
    """ "Family, Given Middle names" -> (family, given, middle)."""
    family, _, given_names = (part.strip() for part in line.partition(","))
    given, _, middle = " ".join(given_names.split()).partition(" ")
    return family, given, middle


def _stored_other_names(session: Session, person_id: int) -> str:
    return _stored_other_names_of(session, [person_id])[person_id]


def _stored_other_names_of(session: Session, person_ids: list[int]) -> dict[int, str]:
    """Each person's other names, one "Family, Given Middle" a line."""
    lines: dict[int, list[str]] = {person_id: [] for person_id in person_ids}
    for name in session.exec(
        select(OtherName).where(OtherName.person_id.in_(person_ids)).order_by(OtherName.id)
    ):
        lines[name.person_id].append(
            f"{name.family_name}, {spoken_name(name.given_name, name.middle_name, '')}"
            if name.given_name
            else name.family_name
        )
    return {person_id: "\n".join(names) for person_id, names in lines.items()}


def _replace_other_names(session: Session, person_id: int, canonical: str) -> None:
    session.exec(delete(OtherName).where(OtherName.person_id == person_id))
    for line in canonical.splitlines():
        family, given, middle = _other_name_parts(line)
        session.add(
            OtherName(person_id=person_id, family_name=family, given_name=given, middle_name=middle)
        )
    session.flush()


def _entry_date(field: str):
    def parse(value: str) -> date:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise InvalidInput({field: "Enter a real date."}) from None
        if not 1900 <= day.year <= 2200:
            raise InvalidInput({field: "Check the year."})
        return day

    return parse


def latest_entry_dates(session: Session, person_id: int) -> dict[str, date | None]:
    """The person's latest entry into the US, as profile fields."""
    return latest_entries(session, [person_id])[person_id]


def latest_entries(session: Session, person_ids: list[int]) -> dict[int, dict[str, date | None]]:
    """Each person's latest entry into the US, as profile fields, read in one query."""
    latest: dict[int, TravelEntry] = {}
    for entry in session.exec(
        select(TravelEntry)
        .where(TravelEntry.person_id.in_(person_ids))
        .order_by(TravelEntry.arrival_date.desc().nulls_last(), TravelEntry.id.desc())
    ):
        latest.setdefault(entry.person_id, entry)
    return {
        person_id: {
            name: getattr(latest[person_id], column) if person_id in latest else None
            for name, column in _ENTRY_FIELDS.items()
        }
        for person_id in person_ids
    }


def _latest_entry(session: Session, person_id: int) -> TravelEntry | None:
    return session.exec(
        select(TravelEntry)
        .where(TravelEntry.person_id == person_id)
        .order_by(TravelEntry.arrival_date.desc().nulls_last(), TravelEntry.id.desc())
    ).first()


def _save_latest_entry(session: Session, person_id: int, clean: dict) -> None:
    """A new arrival date is a new entry (the old one stays in the history); otherwise the
    latest entry is corrected."""
    entry = _latest_entry(session, person_id)
    arrival = clean["last_arrival_date"]
    if entry is None or (arrival and entry.arrival_date and arrival != entry.arrival_date):
        entry = TravelEntry(person_id=person_id)
    for name, column in _ENTRY_FIELDS.items():
        setattr(entry, column, clean[name])
    session.add(entry)
    session.flush()


_PARSERS = {
    "date_of_birth": _birth_date,
    "last_arrival_date": _entry_date("last_arrival_date"),
    "i94_admit_until": _entry_date("i94_admit_until"),
    "a_number": normalize_a_number,
    "uscis_online_account_number": _uscis_account,
    "ssn": normalize_ssn,
    "email": normalize_email,
    "other_names": _other_names,
}


def validate_person(data: PersonInput) -> dict:
    """The cleaned column values, or InvalidInput naming every field that is wrong."""
    problems: dict[str, str] = {}
    clean: dict = {}
    for name in PROFILE_LABELS:
        raw = getattr(data, name).strip()
        parse = _PARSERS.get(name)
        if parse is None or not raw:
            clean[name] = None if name in _DATE_FIELDS else raw
            continue
        try:
            clean[name] = parse(raw)
        except InvalidInput as error:
            problems[name] = next(iter(error.fields.values()))
    if not clean["family_name"]:
        problems["family_name"] = "Enter the family name (last name)."
    if not clean["given_name"]:
        problems["given_name"] = "Enter the given name (first name)."
    if clean["sex"] not in SEXES:
        problems["sex"] = "Choose male or female, as the forms ask."
    if data.preferred_language not in {language.value for language in Language}:
        problems["preferred_language"] = "Choose English or Spanish."
    problems = over_column_limits(Person, clean) | problems
    if problems:
        raise InvalidInput(problems)
    return clean


def name_tokens(*names: str) -> set[str]:
    """The search words in names: accents and case folded, split on anything not a letter."""
    tokens = set()
    for name in names:
        plain = unicodedata.normalize("NFKD", name or "")
        plain = "".join(char for char in plain if not unicodedata.combining(char)).lower()
        tokens.update(word[:_TOKEN_LENGTH] for word in re.split(r"[^a-z0-9]+", plain) if word)
    return tokens


def people_named(text: str):
    """SELECT of the ids of people with a name word starting with each word of `text`.

    Every word must match the same person ("perez ana" is Ana Perez). Each word is an
    index range on the tokens (not a LIKE), joined on the person, so the most selective
    word drives the search. None when `text` holds no word.
    """
    words = sorted(name_tokens(text[:_SEARCH_LENGTH]), key=len, reverse=True)[:_SEARCH_WORDS]
    if not words:
        return None
    first, *others = _TOKEN_ALIASES[: len(words)]
    people = select(first.person_id).where(first.token.between(words[0], words[0] + _TOKEN_CEILING))
    for other, word in zip(others, words[1:], strict=True):
        people = people.join(other, other.person_id == first.person_id).where(
            other.token.between(word, word + _TOKEN_CEILING)
        )
    return people


def sort_name(family: str, given: str) -> str:
    """What lists sort people by: family then given name without accents, case folded.

    SQL's lower() leaves "Á" as it is, so sorting by it put Ávila after Zapata."""
    folded = (" ".join(ascii_fold(name).casefold().split()) for name in (family, given))
    return " ".join(folded)[:SORT_NAME_LENGTH]


def refresh_name_keys(session: Session, person_id: int) -> None:
    """The search words and the sort key of a person's names; called whenever they change."""
    person = session.get(Person, person_id)
    person.sort_name = sort_name(person.family_name, person.given_name)
    session.add(person)
    others = session.exec(select(OtherName).where(OtherName.person_id == person_id)).all()
    names = [person.family_name, person.given_name, person.middle_name]
    for other in others:
        names += [other.family_name, other.given_name, other.middle_name]
    session.exec(delete(PersonSearchToken).where(PersonSearchToken.person_id == person_id))
    session.add_all(
        PersonSearchToken(person_id=person_id, token=token) for token in name_tokens(*names)
    )


def create_person(session: Session, data: PersonInput) -> Person:
    clean = validate_person(data)
    other_names = clean.pop("other_names")
    entry = {name: clean.pop(name) for name in _ENTRY_FIELDS}
    person = Person(**clean, created_at=utcnow(), updated_at=utcnow())
    session.add(person)
    session.flush()
    _replace_other_names(session, person.id, other_names)
    if any(entry.values()):
        _save_latest_entry(session, person.id, entry)
    refresh_name_keys(session, person.id)
    return person


def _shown(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")


def _in_event(name: str, value) -> str:
    """A profile value as a case event keeps it: the SSN masked (events are shown and exported)."""
    return mask_ssn(value or "") if name == "ssn" else _shown(value)


def update_person(
    session: Session,
    *,
    actor: Viewer | None,
    person: Person,
    data: PersonInput,
    client_address: str = "",
    actor_label: str | None = None,
) -> list[str]:
    """Save a profile edit; each case the person is on gets one event with before and after.

    `actor` is the staff member editing; None with an `actor_label` for the client's own edit
    through the portal. Returns the labels of the fields that changed (none: nothing is written).
    """
    # The form showed the SSN masked: sent back as shown, the stored number stays as it is.
    keep_ssn = bool(person.ssn) and data.ssn.strip() == mask_ssn(person.ssn)
    clean = validate_person(replace(data, ssn="") if keep_ssn else data)
    if keep_ssn:
        clean["ssn"] = person.ssn
    stored = {name: getattr(person, name) for name in _COLUMNS}
    stored["other_names"] = _stored_other_names(session, person.id)
    stored |= latest_entry_dates(session, person.id)
    changed = [name for name, value in clean.items() if stored[name] != value]
    if not changed:
        return []
    before = {name: _in_event(name, stored[name]) for name in changed}
    for name in changed:
        if name == "other_names":
            _replace_other_names(session, person.id, clean[name])
        elif name not in _ENTRY_FIELDS:
            setattr(person, name, clean[name])
    if set(_ENTRY_FIELDS) & set(changed):
        _save_latest_entry(session, person.id, clean)
    person.updated_at = utcnow()
    session.add(person)
    session.flush()
    if {"family_name", "given_name", "middle_name", "other_names"} & set(changed):
        refresh_name_keys(session, person.id)
    labels = [PROFILE_LABELS[name] for name in changed]
    case_ids = session.exec(select(CaseMember.case_id).where(CaseMember.person_id == person.id))
    for case_id in set(case_ids):
        record_event(
            session,
            kind="profile_updated",
            summary=f"{display_name(person)}: {', '.join(labels)} changed",
            actor=actor,
            case_id=case_id,
            before=before,
            after={name: _in_event(name, clean[name]) for name in changed},
            client_address=client_address,
            actor_label=actor_label,
        )
    if actor is not None:
        unmark_client_answers(session, person.id, changed)
    return labels


def unmark_client_answers(session: Session, person_id: int, fields: list[str]) -> None:
    """Staff changed these answers (profile fields, "addresses", ...): they are no longer as
    the client gave them through the portal."""
    session.exec(
        delete(ClientAnswer).where(
            ClientAnswer.person_id == person_id, ClientAnswer.field.in_(fields)
        )
    )


def spoken_name(given: str, middle: str, family: str) -> str:
    """Given name first, as staff say it: "Maria Elena Garcia Lopez"."""
    return " ".join(part for part in (given, middle, family) if part)


def display_name(person: Person) -> str:
    return spoken_name(person.given_name, person.middle_name, person.family_name)


def primary_client(session: Session, case: Case) -> Person | None:
    """The person the firm works for on this case."""
    return session.exec(
        select(Person)
        .join(CaseMember, CaseMember.person_id == Person.id)
        .where(CaseMember.case_id == case.id)
        .order_by(CaseMember.is_primary_client.desc(), CaseMember.id)
    ).first()


def client_name(session: Session, case: Case) -> str:
    client = primary_client(session, case)
    return display_name(client) if client else ""


@dataclass(frozen=True)
class PersonMatch:
    """A person found by a search, with enough to tell namesakes apart."""

    id: int
    name: str
    date_of_birth: str
    a_number: str
    reason: str = ""


def _match(person: Person, reason: str = "") -> PersonMatch:
    return PersonMatch(
        id=person.id,
        name=display_name(person),
        date_of_birth=person.date_of_birth.isoformat() if person.date_of_birth else "",
        a_number=f"A{person.a_number}" if person.a_number else "",
        reason=reason,
    )


def people_visible_to(viewer: Viewer):
    """People on a case the viewer may see, or on no case yet."""
    if viewer.sees_all_cases:
        return sa.true()
    on_visible_case = (
        select(CaseMember.person_id)
        .join(Case, Case.id == CaseMember.case_id)
        .where(visible_cases(viewer))
    )
    on_any_case = select(CaseMember.person_id)
    return or_(Person.id.in_(on_visible_case), Person.id.not_in(on_any_case))


def search_people(
    session: Session, *, viewer: Viewer, text: str, limit: int = 10
) -> list[PersonMatch]:
    """People whose names start with every word typed, or with that A-number or birth date."""
    text = text.strip()[:_SEARCH_LENGTH]
    conditions = []
    if (named := people_named(text)) is not None:
        conditions.append(Person.id.in_(named))
    with contextlib.suppress(InvalidInput):
        conditions.append(Person.a_number == normalize_a_number(text))
    with contextlib.suppress(ValueError):
        conditions.append(Person.date_of_birth == date.fromisoformat(text))
    if not conditions:
        return []
    people = session.exec(
        select(Person)
        .where(or_(*conditions), people_visible_to(viewer))
        .order_by(Person.family_name, Person.given_name)
        .limit(limit)
    )
    return [_match(person) for person in people]


def likely_duplicates(session: Session, *, viewer: Viewer, data: PersonInput) -> list[PersonMatch]:
    """People probably the same as the one entered: same A-number, or same name and birth date.

    Someone on a case the viewer may not open is still reported, so that nobody files the
    same person twice, but without a name, birth date or A-number: only that they exist.
    Entries validate_person refuses are refused here too (InvalidInput): every screen that
    enters a new person asks this one question before adding them."""
    found: dict[int, PersonMatch] = {}
    clean = validate_person(data)
    if clean["a_number"]:
        for person in session.exec(select(Person).where(Person.a_number == clean["a_number"])):
            found[person.id] = _match(person, "same A-number")
    if clean["date_of_birth"]:
        family = name_tokens(clean["family_name"])
        given = name_tokens(clean["given_name"])
        for person in session.exec(
            select(Person).where(Person.date_of_birth == clean["date_of_birth"])
        ):
            if family & name_tokens(person.family_name) and given & name_tokens(person.given_name):
                found.setdefault(person.id, _match(person, "same name and date of birth"))
    if not found:
        return []
    visible = set(
        session.exec(select(Person.id).where(Person.id.in_(list(found)), people_visible_to(viewer)))
    )
    return [
        match if person_id in visible else _hidden_match(match.reason)
        for person_id, match in found.items()
    ]


def _hidden_match(reason: str) -> PersonMatch:
    return PersonMatch(
        id=0,
        name="Someone on a case you cannot open",
        date_of_birth="",
        a_number="",
        reason=f"{reason}; ask an attorney or an admin before adding this person",
    )
