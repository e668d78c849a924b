"""A person's histories, as the forms ask for them: addresses, jobs, marriages, parents and
entries into the US.

One definition of each history (its table, the fields a form for it fills, what is required)
and one validation serve both ways in: the client's portal questionnaire (services.intake,
addresses and jobs only) and staff on the case's Profile tab (services.profile_histories).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, SQLModel, select

from immigration_app.models import Address, Employment, Marriage, Parent, TravelEntry
from immigration_app.services.errors import InvalidInput
from immigration_app.services.firm import FirmClock
from immigration_app.services.people import spoken_name

HISTORY_YEARS = 5  # the forms ask five years of addresses and of employment
UNIT_TYPES = ("", "Apt.", "Ste.", "Flr.")  # as the USCIS forms offer them
HOW_MARRIAGES_END = ("divorce", "annulment", "death")
RELATIONSHIPS = ("mother", "father", "parent")
CURRENT = "on"  # what a checked "current" box sends
_I94 = re.compile(r"\d{11}|\d{9}[A-Z]\d")
_LATEST_YEAR = 2200  # dates that may lie ahead (an admit-until) still need a sane year

# Messages validation gives (the portal says each in the client's language).
REQUIRED = "This is required."
TOO_LONG = "This is too long."
NOT_A_DATE = "Enter a real date."
CHECK_YEAR = "Check the year."
IN_THE_FUTURE = "This date is in the future."
ENDS_BEFORE_START = "The end date is before the start date."
CURRENT_HAS_NO_END = "Leave the end date empty for where you are now."
END_OR_CURRENT = "Enter the end date, or mark it as where you are now."
ONE_CURRENT_ADDRESS = "Another address is marked as where you live now. Add its end date first."
ONE_CURRENT_MARRIAGE = "Another marriage has not ended. Enter the date it ended first."
UNIT_TYPE = "Choose Apt., Ste. or Flr."
HOW_ENDED = "Choose divorce, annulment or death."
SAY_HOW_IT_ENDED = "Say how the marriage ended."
SAY_WHEN_IT_ENDED = "Enter the date the marriage ended."
RELATIONSHIP = "Choose mother, father or parent."
I94_NUMBER = "An I-94 number has 11 characters: 9 digits, a letter and a digit, or 11 digits."


def _marriage_end(clean: dict, problems: dict[str, str]) -> None:
    """An ended marriage says how it ended; one still going has neither."""
    if clean["date_ended"] and not clean["how_ended"]:
        problems.setdefault("how_ended", SAY_HOW_IT_ENDED)
    if clean["how_ended"] and not clean["date_ended"]:
        problems.setdefault("date_ended", SAY_WHEN_IT_ENDED)


def _i94_number(clean: dict, problems: dict[str, str]) -> None:
    if clean["i94_number"] and not _I94.fullmatch(clean["i94_number"]):
        problems.setdefault("i94_number", I94_NUMBER)


@dataclass(frozen=True)
class HistoryKind:
    """One history: its table, the fields its form fills and the rules they keep."""

    model: type[SQLModel]
    noun: str  # "address", "job": how events and buttons speak of one row
    texts: tuple[str, ...]  # text columns, as typed
    dates: tuple[str, ...]  # date columns, as ISO dates
    required: tuple[str, ...]
    # The row's span (start, end columns); an empty end means it still goes on.
    period: tuple[str, str] | None = None
    choices: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    may_lie_ahead: tuple[str, ...] = ()  # dates allowed in the future
    numbers: tuple[str, ...] = ()  # kept as the forms print them: no spaces, capitals
    # A "current" box stands for the empty end date: one of the two must be given.
    current_box: bool = False
    one_current: str = ""  # the message when a second row would also still go on
    five_years: bool = False  # the forms ask the last five years without gaps
    check: Callable[[dict, dict[str, str]], None] | None = None  # the kind's own rules

    @property
    def a_noun(self) -> str:
        """One row in a sentence: "an address", "a job"."""
        return f"{'an' if self.noun[0] in 'aeiou' else 'a'} {self.noun}"


KINDS = {
    "addresses": HistoryKind(
        model=Address,
        noun="address",
        texts=(
            "street",
            "unit_type",
            "unit_number",
            "city",
            "state",
            "postal_code",
            "province",
            "country",
        ),
        dates=("from_date", "to_date"),
        required=("street", "city", "country", "from_date"),
        period=("from_date", "to_date"),
        choices={"unit_type": (UNIT_TYPES, UNIT_TYPE)},
        current_box=True,
        one_current=ONE_CURRENT_ADDRESS,
        five_years=True,
    ),
    "employment": HistoryKind(
        model=Employment,
        noun="job",
        texts=("employer", "occupation", "street", "city", "state", "postal_code", "country"),
        dates=("from_date", "to_date"),
        required=("employer", "from_date"),
        period=("from_date", "to_date"),
        current_box=True,
        five_years=True,
    ),
    "marriages": HistoryKind(
        model=Marriage,
        noun="marriage",
        texts=(
            "spouse_family_name",
            "spouse_given_name",
            "spouse_middle_name",
            "place_of_marriage",
            "how_ended",
        ),
        dates=("spouse_date_of_birth", "date_of_marriage", "date_ended"),
        required=("spouse_family_name", "date_of_marriage"),
        period=("date_of_marriage", "date_ended"),
        choices={"how_ended": (("", *HOW_MARRIAGES_END), HOW_ENDED)},
        one_current=ONE_CURRENT_MARRIAGE,
        check=_marriage_end,
    ),
    "parents": HistoryKind(
        model=Parent,
        noun="parent",
        texts=(
            "relationship",
            "family_name",
            "given_name",
            "middle_name",
            "city_of_birth",
            "country_of_birth",
            "city_of_residence",
            "country_of_residence",
        ),
        dates=("date_of_birth",),
        required=("relationship", "family_name"),
        choices={"relationship": (RELATIONSHIPS, RELATIONSHIP)},
    ),
    "entries": HistoryKind(
        model=TravelEntry,
        noun="entry to the US",
        texts=("port_of_entry", "i94_number", "status_at_entry", "passport_number"),
        dates=("arrival_date", "authorized_stay_until", "departure_date"),
        required=("arrival_date",),
        period=("arrival_date", "departure_date"),
        may_lie_ahead=("authorized_stay_until",),
        numbers=("i94_number", "passport_number"),
        check=_i94_number,
    ),
}


@dataclass(frozen=True)
class HistoryRow:
    """One row of a history, as lists and forms show it."""

    id: int
    from_date: date | None  # the start of the row's span (None for a kind without one)
    to_date: date | None  # its end; None while it still goes on
    values: dict[str, str]  # as the form shows it: ISO dates, "current" = "on" or ""
    text: str  # one line: the address, the employer and job, the spouse, ...
    since: str  # the span's dates in the firm's format ("" when unknown / current)
    until: str


@dataclass(frozen=True)
class HistoryPart:
    rows: list[HistoryRow]
    # Periods of the last five years no row covers, in the firm's date format (only for the
    # histories the forms ask five years of).
    gaps: list[tuple[str, str]]


def person_rows(session: Session, kind: str, person_id: int) -> list:
    """A person's rows of a history: the one still going first, then newest first."""
    return people_rows(session, kind, [person_id])[person_id]


def people_rows(session: Session, kind: str, person_ids: list[int]) -> dict[int, list]:
    """Each person's rows of a history, in `person_rows`' order, read in one query."""
    spec = KINDS[kind]
    model = spec.model
    if spec.period is None:
        order = (model.id,)
    else:
        start, end = (getattr(model, name) for name in spec.period)
        order = (end.is_not(None), start.desc().nulls_last(), model.id.desc())
    grouped: dict[int, list] = {person_id: [] for person_id in person_ids}
    for row in session.exec(select(model).where(model.person_id.in_(person_ids)).order_by(*order)):
        grouped[row.person_id].append(row)
    return grouped


def person_row(session: Session, kind: str, person_id: int, row_id: int):
    """One row of this person's history, or None (no such row, or someone else's)."""
    row = session.get(KINDS[kind].model, row_id)
    return row if row is not None and row.person_id == person_id else None


def _joined(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def describe(kind: str, row, clock: FirmClock) -> str:
    """The row in one line of text."""
    if kind in ("addresses", "employment"):
        unit = (row.unit_type, row.unit_number) if kind == "addresses" else ()
        street = " ".join(part for part in (row.street, *unit) if part)
        region = " ".join(part for part in (row.state, row.postal_code) if part)
        if kind == "addresses":
            return _joined(row.in_care_of, street, row.city, region, row.province, row.country)
        employer = f"{row.employer} ({row.occupation})" if row.occupation else row.employer
        return _joined(employer, street, row.city, region, row.country)
    if kind == "marriages":
        spouse = spoken_name(row.spouse_given_name, row.spouse_middle_name, row.spouse_family_name)
        ended = f" (ended by {row.how_ended})" if row.how_ended else ""
        place = f"married in {row.place_of_marriage}" if row.place_of_marriage else ""
        return _joined(spouse, place) + ended
    if kind == "parents":
        name = spoken_name(row.given_name, row.middle_name, row.family_name)
        born = _joined(row.city_of_birth, row.country_of_birth)
        lives = _joined(row.city_of_residence, row.country_of_residence)
        return _joined(
            f"{row.relationship.capitalize()}: {name}",
            f"born {clock.date(row.date_of_birth)}" if row.date_of_birth else "",
            f"born in {born}" if born else "",
            f"lives in {lives}" if lives else "",
        )
    return _joined(
        f"Entered at {row.port_of_entry}" if row.port_of_entry else "Entered",
        f"as {row.status_at_entry}" if row.status_at_entry else "",
        f"I-94 {row.i94_number}" if row.i94_number else "",
        f"passport {row.passport_number}" if row.passport_number else "",
        f"admitted until {clock.date(row.authorized_stay_until)}"
        if row.authorized_stay_until
        else "",
    )


def row_values(kind: str, row) -> dict[str, str]:
    """The row's columns as its form shows them (dates as ISO dates)."""
    spec = KINDS[kind]
    values = {name: str(getattr(row, name) or "") for name in spec.texts}
    for name in spec.dates:
        day = getattr(row, name)
        values[name] = day.isoformat() if day else ""
    return values


def row_view(kind: str, row, clock: FirmClock) -> HistoryRow:
    spec = KINDS[kind]
    start, end = (getattr(row, name) for name in spec.period) if spec.period else (None, None)
    values = row_values(kind, row)
    if spec.current_box:
        values["current"] = "" if end else CURRENT
    return HistoryRow(
        id=row.id,
        from_date=start,
        to_date=end,
        values=values,
        text=describe(kind, row, clock),
        since=clock.date(start),
        until=clock.date(end),
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


def history_part(session: Session, kind: str, person_id: int, clock: FirmClock) -> HistoryPart:
    """A person's history with the periods of the last five years it leaves uncovered."""
    return part_of(kind, person_rows(session, kind, person_id), clock)


def part_of(kind: str, stored_rows: list, clock: FirmClock) -> HistoryPart:
    """A history as shown, from its stored rows (in `person_rows`' order), with its gaps."""
    rows = [row_view(kind, row, clock) for row in stored_rows]
    if not KINDS[kind].five_years:
        return HistoryPart(rows=rows, gaps=[])
    gaps = history_gaps(rows, clock.today(), HISTORY_YEARS)
    return HistoryPart(
        rows=rows, gaps=[(clock.date(start), clock.date(end)) for start, end in gaps]
    )


def _date(value: str, today: date | None) -> tuple[date | None, str]:
    """The date typed and "", or None and what is wrong with it (`today`: none after it)."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None, NOT_A_DATE
    if day.year < 1900 or day.year > _LATEST_YEAR:
        return None, CHECK_YEAR
    if today is not None and day > today:
        return None, IN_THE_FUTURE
    return day, ""


def validate(kind: str, values: dict[str, str], today: date) -> dict:
    """The cleaned columns of a row, or InvalidInput naming each field that is wrong."""
    spec = KINDS[kind]
    columns = spec.model.__table__.columns
    problems: dict[str, str] = {}
    clean: dict = {}
    for name in spec.texts:
        words = str(values.get(name) or "").split()
        value = "".join(words).upper() if name in spec.numbers else " ".join(words)
        limit = columns[name].type.length
        if name in spec.required and not value:
            problems[name] = REQUIRED
        elif limit and len(value) > limit:
            problems[name] = TOO_LONG
        clean[name] = value
    for name, (allowed, message) in spec.choices.items():
        if clean[name] and clean[name] not in allowed:
            problems[name] = message
    for name in spec.dates:
        raw = str(values.get(name) or "").strip()
        clean[name] = None
        if raw:
            clean[name], problem = _date(raw, None if name in spec.may_lie_ahead else today)
            if problem:
                problems[name] = problem
        elif name in spec.required:
            problems[name] = REQUIRED
    if spec.current_box:
        _current_or_end(values, problems)
    if spec.period is not None:
        start, end = (clean[name] for name in spec.period)
        if start and end and start > end:
            problems[spec.period[1]] = ENDS_BEFORE_START
    if spec.check is not None:
        spec.check(clean, problems)
    if problems:
        raise InvalidInput(problems)
    return clean


def _current_or_end(values: dict[str, str], problems: dict[str, str]) -> None:
    """A row with a "current" box is either current or has an end date, never both."""
    current = str(values.get("current") or "") in (CURRENT, "true", "1")
    has_end = bool(str(values.get("to_date") or "").strip())
    if current and has_end:
        problems["to_date"] = CURRENT_HAS_NO_END
    elif not current and not has_end:
        problems["to_date"] = END_OR_CURRENT


def write_row(
    session: Session, kind: str, person_id: int, row, values: dict[str, str], today: date
) -> tuple[object, bool]:
    """Validate `values` and write them to `row` (None: a new row of the person's history).

    Returns the row and whether anything changed. On InvalidInput nothing is written.
    """
    spec = KINDS[kind]
    clean = validate(kind, values, today)
    if spec.one_current and clean[spec.period[1]] is None:
        others = [
            other
            for other in person_rows(session, kind, person_id)
            if getattr(other, spec.period[1]) is None and (row is None or other.id != row.id)
        ]
        if others:
            raise InvalidInput({spec.period[1]: spec.one_current})
    if row is None:
        row = spec.model(person_id=person_id, **clean)
    elif all(getattr(row, name) == value for name, value in clean.items()):
        return row, False
    else:
        for name, value in clean.items():
            setattr(row, name, value)
    session.add(row)
    session.flush()
    return row, True
