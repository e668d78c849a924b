"""The client's intake questionnaire ("enter once"): the portal's own profile and histories.

The client answers on the same Person record staff work from. What the client may change
through the portal is `CLIENT_FIELDS`:

- names and other names used, date of birth, city and country of birth, citizenship;
- A-number and USCIS online account number;
- phone and email;
- last arrival in the US and the I-94 admit-until date;
- their own five-year address and employment histories.

Everything else stays with staff: the Social Security number, the preferred language (which
the client changes only with the portal's language switch), marriages, parents, travel
history beyond the latest entry, the case and its other members. A saved answer is marked in
ClientAnswer so staff can tell it came from the client; a staff edit of the same field
removes the mark again (services.people.update_person).

Every change is an event on each case the person is on, by PORTAL_ACTOR, with before/after.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, SQLModel, select

from immigration_app.models import Address, CaseMember, ClientAnswer, Employment, Person, utcnow
from immigration_app.services import deadlines
from immigration_app.services.audit import PORTAL_ACTOR, record_event
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.firm import FirmClock, firm_clock
from immigration_app.services.people import (
    PROFILE_LABELS,
    PersonInput,
    display_name,
    update_person,
)
from immigration_app.services.portal import PortalAccess

# The profile fields a client may answer through the portal (see the module's docstring).
CLIENT_FIELDS = (
    "family_name",
    "given_name",
    "middle_name",
    "other_names",
    "date_of_birth",
    "sex",
    "city_of_birth",
    "country_of_birth",
    "country_of_citizenship",
    "a_number",
    "uscis_online_account_number",
    "phone",
    "email",
    "last_arrival_date",
    "i94_admit_until",
)
_FIELD_OF_LABEL = {label: name for name, label in PROFILE_LABELS.items()}
_DATES_FOLLOWED = {"last_arrival_date", "i94_admit_until"}  # deadlines follow these
HISTORY_YEARS = 5  # the forms ask five years of addresses and of employment
UNIT_TYPES = ("", "Apt.", "Ste.", "Flr.")  # as the USCIS forms offer them
_CURRENT = "on"  # what a checked "current" box sends


@dataclass(frozen=True)
class _Kind:
    """One history the client fills: its table, its text fields and how it is spoken of."""

    model: type[SQLModel]
    fields: tuple[str, ...]  # text columns the client fills, besides the two dates
    required: tuple[str, ...]
    noun: str  # "address", "job": the event's words
    one_current: bool  # only one row may be current (a person lives at one address)


_KINDS = {
    "addresses": _Kind(
        model=Address,
        fields=(
            "street",
            "unit_type",
            "unit_number",
            "city",
            "state",
            "postal_code",
            "province",
            "country",
        ),
        required=("street", "city", "country"),
        noun="address",
        one_current=True,
    ),
    "employment": _Kind(
        model=Employment,
        fields=("employer", "occupation", "street", "city", "state", "postal_code", "country"),
        required=("employer",),
        noun="job",
        one_current=False,
    ),
}
HISTORY_KINDS = tuple(_KINDS)
# Messages history validation gives (the portal says each in the client's language).
REQUIRED = "This is required."
TOO_LONG = "This is too long."
NOT_A_DATE = "Enter a real date."
CHECK_YEAR = "Check the year."
IN_THE_FUTURE = "This date is in the future."
ENDS_BEFORE_START = "The end date is before the start date."
CURRENT_HAS_NO_END = "Leave the end date empty for where you are now."
END_OR_CURRENT = "Enter the end date, or mark it as where you are now."
ONE_CURRENT_ADDRESS = "Another address is marked as where you live now. Add its end date first."
UNIT_TYPE = "Choose Apt., Ste. or Flr."


# --- the profile -----------------------------------------------------------------------------


def _person(session: Session, access: PortalAccess) -> Person:
    person = session.get(Person, access.person_id)
    if person is None:
        raise NotFound("No such person.")
    return person


def intake_profile(session: Session, access: PortalAccess) -> PersonInput:
    """The profile of the person the link is for, as the portal's form shows it."""
    return PersonInput.of(session, _person(session, access))


def _mark(session: Session, access: PortalAccess, fields: list[str]) -> None:
    """Note that the client answered these fields (the latest answer's time and link)."""
    for field in fields:
        answer = session.get(ClientAnswer, (access.person_id, field)) or ClientAnswer(
            person_id=access.person_id, field=field
        )
        answer.link_id, answer.answered_at = access.link_id, utcnow()
        session.add(answer)
    session.flush()


def save_intake_profile(
    session: Session, access: PortalAccess, data: PersonInput, client_address: str = ""
) -> list[str]:
    """Save the client's answers; returns the names of the fields that changed.

    Only CLIENT_FIELDS are taken from `data`; everything else keeps its stored value. Invalid
    answers raise InvalidInput naming each field (validate_person's rules), and nothing is saved.
    """
    person = _person(session, access)
    stored = PersonInput.of(session, person)
    answered = dataclasses.replace(
        stored, **{name: str(getattr(data, name) or "") for name in CLIENT_FIELDS}
    )
    labels = update_person(
        session,
        actor=None,
        actor_label=PORTAL_ACTOR,
        person=person,
        data=answered,
        client_address=client_address,
    )
    changed = [_FIELD_OF_LABEL[label] for label in labels]
    _mark(session, access, changed)
    if _DATES_FOLLOWED & set(changed):
        deadlines.follow_profile_dates(session, actor=None, person_id=person.id)
    return changed


def client_answers(session: Session, person_id: int) -> set[str]:
    """The fields (and "addresses" / "employment") this person answered through the portal."""
    return set(session.exec(select(ClientAnswer.field).where(ClientAnswer.person_id == person_id)))


# --- the histories ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    """One address or job, newest first in a history."""

    id: int
    from_date: date | None
    to_date: date | None  # None while it is current
    values: dict[str, str]  # as the form shows it: ISO dates, "current" = "on" or ""
    text: str  # one line: the address, or the employer and what the person did
    since: str  # the dates in the firm's format ("" when unknown / current)
    until: str


@dataclass(frozen=True)
class HistoryPart:
    rows: list[HistoryRow]
    # Periods of the last five years no row covers, in the firm's date format.
    gaps: list[tuple[str, str]]


def _kind(kind: str) -> _Kind:
    if kind not in _KINDS:
        raise NotFound(f"No history {kind!r}.")
    return _KINDS[kind]


def _rows(session: Session, kind: str, person_id: int) -> list:
    model = _kind(kind).model
    return list(
        session.exec(
            select(model)
            .where(model.person_id == person_id)
            .order_by(
                model.to_date.is_not(None),  # the current row first
                model.from_date.desc().nulls_last(),
                model.id.desc(),
            )
        )
    )


def _text(kind: str, row) -> str:
    unit = (row.unit_type, row.unit_number) if kind == "addresses" else ()
    street = " ".join(part for part in (row.street, *unit) if part)
    region = " ".join(part for part in (row.state, row.postal_code) if part)
    if kind == "addresses":
        parts = (row.in_care_of, street, row.city, region, row.province, row.country)
    else:
        employer = f"{row.employer} ({row.occupation})" if row.occupation else row.employer
        parts = (employer, street, row.city, region, row.country)
    return ", ".join(part for part in parts if part)


def _row_view(kind: str, row, clock: FirmClock) -> HistoryRow:
    values = {name: str(getattr(row, name) or "") for name in _KINDS[kind].fields}
    values |= {
        "from_date": row.from_date.isoformat() if row.from_date else "",
        "to_date": row.to_date.isoformat() if row.to_date else "",
        "current": "" if row.to_date else _CURRENT,
    }
    return HistoryRow(
        id=row.id,
        from_date=row.from_date,
        to_date=row.to_date,
        values=values,
        text=_text(kind, row),
        since=clock.date(row.from_date),
        until=clock.date(row.to_date),
    )


def history(session: Session, access: PortalAccess, kind: str) -> list[HistoryRow]:
    """The client's own addresses or jobs ("addresses" / "employment"), newest first."""
    clock = firm_clock(session)
    return [_row_view(kind, row, clock) for row in _rows(session, kind, access.person_id)]


def history_part(session: Session, access: PortalAccess, kind: str) -> HistoryPart:
    """A history with the periods of the last five years it leaves uncovered."""
    clock = firm_clock(session)
    rows = history(session, access, kind)
    gaps = history_gaps(rows, clock.today(), HISTORY_YEARS)
    return HistoryPart(
        rows=rows, gaps=[(clock.date(start), clock.date(end)) for start, end in gaps]
    )


def history_gaps(rows, today: date, years: int = HISTORY_YEARS) -> list[tuple[date, date]]:
    """The periods of the last `years` years (up to `today`, both ends included) that no row
    covers. A row without an end date runs to today; a row without a start date covers
    nothing (it cannot be placed). Overlapping rows are fine."""
    start = today - relativedelta(years=years)
    spans = sorted(
        (max(row.from_date, start), min(row.to_date or today, today))
        for row in rows
        if row.from_date is not None
    )
    gaps = []
    covered_until = start - timedelta(days=1)
    for begin, end in spans:
        if end < begin:
            continue  # wholly before the window (or a row in the future)
        if begin > covered_until + timedelta(days=1):
            gaps.append((covered_until + timedelta(days=1), begin - timedelta(days=1)))
        covered_until = max(covered_until, end)
    if covered_until < today:
        gaps.append((covered_until + timedelta(days=1), today))
    return gaps


def _date(value: str, field: str, today: date, problems: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        problems[field] = NOT_A_DATE
        return None
    if day.year < 1900:
        problems[field] = CHECK_YEAR
    elif day > today:
        problems[field] = IN_THE_FUTURE
    else:
        return day
    return None


def _validate_row(kind: str, values: dict[str, str], today: date) -> dict:
    """The cleaned columns of a row, or InvalidInput naming each field that is wrong."""
    spec = _KINDS[kind]
    columns = spec.model.__table__.columns
    problems: dict[str, str] = {}
    clean: dict = {}
    for name in spec.fields:
        value = " ".join(str(values.get(name) or "").split())
        limit = columns[name].type.length
        if name in spec.required and not value:
            problems[name] = REQUIRED
        elif limit and len(value) > limit:
            problems[name] = TOO_LONG
        clean[name] = value
    if "unit_type" in clean and clean["unit_type"] not in UNIT_TYPES:
        problems["unit_type"] = UNIT_TYPE
    current = str(values.get("current") or "") in (_CURRENT, "true", "1")
    raw_from = str(values.get("from_date") or "").strip()
    raw_to = str(values.get("to_date") or "").strip()
    clean["from_date"] = _date(raw_from, "from_date", today, problems)
    clean["to_date"] = _date(raw_to, "to_date", today, problems)
    if not raw_from:
        problems["from_date"] = REQUIRED
    if current and raw_to:
        problems["to_date"] = CURRENT_HAS_NO_END
    elif not current and not raw_to:
        problems["to_date"] = END_OR_CURRENT
    if clean["from_date"] and clean["to_date"] and clean["from_date"] > clean["to_date"]:
        problems["to_date"] = ENDS_BEFORE_START
    if problems:
        raise InvalidInput(problems)
    return clean


def _own_row(session: Session, access: PortalAccess, kind: str, row_id: int):
    row = session.get(_kind(kind).model, row_id)
    if row is None or row.person_id != access.person_id:
        raise NotFound("That row is not in your history.")
    return row


def _record(
    session: Session,
    access: PortalAccess,
    kind: str,
    verb: str,
    before: str,
    after: str,
    client_address: str,
) -> None:
    person = _person(session, access)
    cases = session.exec(select(CaseMember.case_id).where(CaseMember.person_id == person.id))
    for case_id in set(cases):
        record_event(
            session,
            kind="profile_updated",
            summary=f"{display_name(person)}: {_KINDS[kind].noun} {verb}",
            actor=None,
            actor_label=PORTAL_ACTOR,
            case_id=case_id,
            before={kind: before},
            after={kind: after},
            client_address=client_address,
        )
    _mark(session, access, [kind])


def _described(kind: str, row, clock: FirmClock) -> str:
    until = clock.date(row.to_date) or "now"
    return f"{_text(kind, row)} ({clock.date(row.from_date) or '?'} to {until})"


def save_history_row(
    session: Session,
    access: PortalAccess,
    kind: str,
    row_id: int | None,
    values: dict[str, str],
    client_address: str = "",
) -> HistoryRow:
    """Add a row to the client's history (row_id None) or correct one of their own rows."""
    spec = _kind(kind)
    clock = firm_clock(session)
    clean = _validate_row(kind, values, clock.today())
    row = _own_row(session, access, kind, row_id) if row_id is not None else None
    if spec.one_current and clean["to_date"] is None:
        others = [
            other
            for other in _rows(session, kind, access.person_id)
            if other.to_date is None and (row is None or other.id != row.id)
        ]
        if others:
            raise InvalidInput({"to_date": ONE_CURRENT_ADDRESS})
    before = _described(kind, row, clock) if row is not None else ""
    if row is None:
        row = spec.model(person_id=access.person_id, **clean)
    else:
        if all(getattr(row, name) == value for name, value in clean.items()):
            return _row_view(kind, row, clock)
        for name, value in clean.items():
            setattr(row, name, value)
    session.add(row)
    session.flush()
    verb = "changed" if before else "added"
    _record(session, access, kind, verb, before, _described(kind, row, clock), client_address)
    return _row_view(kind, row, clock)


def remove_history_row(
    session: Session, access: PortalAccess, kind: str, row_id: int, client_address: str = ""
) -> None:
    """Remove one of the client's own rows (the event keeps what it said)."""
    row = _own_row(session, access, kind, row_id)
    clock = firm_clock(session)
    before = _described(kind, row, clock)
    session.delete(row)
    session.flush()
    _record(session, access, kind, "removed", before, "", client_address)


# --- staff side ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryLine:
    """A history row as the staff profile lists it."""

    period: str  # "03/01/2022 to now"
    text: str


def history_lines(session: Session, person_id: int, clock: FirmClock) -> dict[str, list]:
    """Each history of a person ("addresses", "employment"), newest first, for staff."""
    return {
        kind: [
            HistoryLine(
                period=f"{clock.date(row.from_date) or '?'} to {clock.date(row.to_date) or 'now'}",
                text=_text(kind, row),
            )
            for row in _rows(session, kind, person_id)
        ]
        for kind in _KINDS
    }
