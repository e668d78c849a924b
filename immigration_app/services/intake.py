"""The client's intake questionnaire ("enter once"): the portal's own profile and histories.

The client answers on the same Person record staff work from. What the client may change
through the portal is `CLIENT_FIELDS`:

- names and other names used, date of birth, city and country of birth, citizenship;
- A-number, USCIS online account number and Social Security number (shown to them, like
  everywhere, only as ***-**-6789: whoever holds the link never sees the whole number);
- phone and email;
- last arrival in the US and the I-94 admit-until date;
- their own five-year address and employment histories.

Everything else stays with staff: the preferred language (which the client changes only with
the portal's language switch), marriages, parents, travel history beyond the latest entry, the
case and its other members. A saved answer is marked in
ClientAnswer so staff can tell it came from the client; a staff edit of the same field or
history removes the mark again (services.people.update_person, services.profile_histories).

Every change is an event on each case the person is on, by PORTAL_ACTOR, with before/after.
"""

from __future__ import annotations

import dataclasses

from sqlmodel import Session, select

from immigration_app.models import CaseMember, ClientAnswer, Person, utcnow
from immigration_app.services import deadlines, histories
from immigration_app.services.audit import PORTAL_ACTOR, record_event
from immigration_app.services.errors import NotFound
from immigration_app.services.firm import FirmClock, firm_clock
from immigration_app.services.histories import HistoryPart, HistoryRow
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
    "ssn",
    "phone",
    "email",
    "last_arrival_date",
    "i94_admit_until",
)
_FIELD_OF_LABEL = {label: name for name, label in PROFILE_LABELS.items()}
_DATES_FOLLOWED = {"last_arrival_date", "i94_admit_until"}  # deadlines follow these
# The histories the client fills through the portal (staff keep the others).
HISTORY_KINDS = ("addresses", "employment")


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
    return answered_fields(session, [person_id])[person_id]


def answered_fields(session: Session, person_ids: list[int]) -> dict[int, set[str]]:
    """`client_answers` of each person, read in one query."""
    answered: dict[int, set[str]] = {person_id: set() for person_id in person_ids}
    for person_id, field in session.exec(
        select(ClientAnswer.person_id, ClientAnswer.field).where(
            ClientAnswer.person_id.in_(person_ids)
        )
    ):
        answered[person_id].add(field)
    return answered


# --- the histories ---------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in HISTORY_KINDS:
        raise NotFound(f"No history {kind!r}.")
    return kind


def history(session: Session, access: PortalAccess, kind: str) -> list[HistoryRow]:
    """The client's own addresses or jobs ("addresses" / "employment"), newest first."""
    return history_part(session, access, kind).rows


def history_part(session: Session, access: PortalAccess, kind: str) -> HistoryPart:
    """A history with the periods of the last five years it leaves uncovered."""
    return histories.history_part(session, _kind(kind), access.person_id, firm_clock(session))


def _own_row(session: Session, access: PortalAccess, kind: str, row_id: int):
    row = histories.person_row(session, _kind(kind), access.person_id, row_id)
    if row is None:
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
            summary=f"{display_name(person)}: {histories.KINDS[kind].noun} {verb}",
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
    return f"{histories.describe(kind, row, clock)} ({clock.date(row.from_date) or '?'} to {until})"


def save_history_row(
    session: Session,
    access: PortalAccess,
    kind: str,
    row_id: int | None,
    values: dict[str, str],
    client_address: str = "",
) -> HistoryRow:
    """Add a row to the client's history (row_id None) or correct one of their own rows."""
    clock = firm_clock(session)
    row = _own_row(session, access, kind, row_id) if row_id is not None else None
    before = _described(kind, row, clock) if row is not None else ""
    row, changed = histories.write_row(
        session, _kind(kind), access.person_id, row, values, clock.today()
    )
    if changed:
        verb = "changed" if before else "added"
        after = _described(kind, row, clock)
        _record(session, access, kind, verb, before, after, client_address)
    return histories.row_view(kind, row, clock)


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
