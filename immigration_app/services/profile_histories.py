"""Staff keep the histories of the people on a case, on its Profile tab: addresses, jobs,
marriages, parents and entries into the US (services.histories defines each and its rules).

Only people on a case the staff member may see can be edited. Every change is an event, with
before and after, on each case the person is on (the profile is the same on all of them). A
staff edit of a history the client answered in the portal removes its "from client" mark, as
a staff edit of a profile field does (services.people.update_person).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from immigration_app.models import CaseMember, Person
from immigration_app.services import deadlines, histories
from immigration_app.services.audit import record_event
from immigration_app.services.cases import case_person
from immigration_app.services.errors import NotFound
from immigration_app.services.firm import firm_clock
from immigration_app.services.histories import HistoryPart, HistoryRow
from immigration_app.services.people import (
    display_name,
    latest_entry_dates,
    unmark_client_answers,
)
from immigration_app.services.viewer import Viewer, visible_case

STAFF_KINDS = tuple(histories.KINDS)


@dataclass(frozen=True)
class MemberHistories:
    person_id: int
    name: str
    parts: dict[str, HistoryPart]  # kind -> its rows (and five-year gaps)


def _kind(kind: str) -> str:
    if kind not in histories.KINDS:
        raise NotFound(f"No history {kind!r}.")
    return kind


def history_rows(
    session: Session, *, viewer: Viewer, reference: str, person_id: int, kind: str
) -> HistoryPart:
    """One history of someone on a case the viewer may see."""
    _, person = case_person(session, viewer=viewer, reference=reference, person_id=person_id)
    return histories.history_part(session, _kind(kind), person.id, firm_clock(session))


def member_histories(
    session: Session, *, viewer: Viewer, reference: str, person_id: int
) -> MemberHistories:
    """Every history of someone on a case the viewer may see."""
    _, person = case_person(session, viewer=viewer, reference=reference, person_id=person_id)
    return _histories_of(session, [person])[0]


def case_histories(session: Session, *, viewer: Viewer, reference: str) -> list[MemberHistories]:
    """Every history of everyone on a case the viewer may see: one query per history, since
    the Profile tab shows them all whenever the case opens."""
    case = visible_case(session, viewer=viewer, reference=reference)
    people = session.exec(
        select(Person)
        .join(CaseMember, CaseMember.person_id == Person.id)
        .where(CaseMember.case_id == case.id)
        .distinct()
    ).all()
    return _histories_of(session, list(people))


def _histories_of(session: Session, people: list[Person]) -> list[MemberHistories]:
    clock = firm_clock(session)
    ids = [person.id for person in people]
    rows = {kind: histories.people_rows(session, kind, ids) for kind in STAFF_KINDS}
    return [
        MemberHistories(
            person_id=person.id,
            name=display_name(person),
            parts={
                kind: histories.part_of(kind, rows[kind][person.id], clock) for kind in STAFF_KINDS
            },
        )
        for person in people
    ]


def _record(
    session: Session,
    actor: Viewer,
    person: Person,
    summary: str,
    before: dict | None,
    after: dict | None,
    client_address: str,
) -> None:
    cases = session.exec(select(CaseMember.case_id).where(CaseMember.person_id == person.id))
    for case_id in sorted(set(cases)):
        record_event(
            session,
            kind="history_changed",
            summary=summary,
            actor=actor,
            case_id=case_id,
            before=before,
            after=after,
            client_address=client_address,
        )


def _no_longer_the_clients(
    session: Session, actor: Viewer, person: Person, kind: str, entry_dates: dict
) -> None:
    """The client's answers this change overrides lose their mark.

    Addresses and jobs are marked as whole histories. An entry is the client's "last arrival"
    and "I-94 admit until" answers when it is the latest one: those marks go, and the
    deadlines that follow these dates move, when the change alters them.
    """
    if kind in ("addresses", "employment"):
        unmark_client_answers(session, person.id, [kind])
    elif kind == "entries":
        now = latest_entry_dates(session, person.id)
        moved = [name for name, day in now.items() if entry_dates[name] != day]
        if moved:
            unmark_client_answers(session, person.id, moved)
            deadlines.follow_profile_dates(session, actor=actor, person_id=person.id)


def _row(session: Session, kind: str, person: Person, row_id: int):
    row = histories.person_row(session, kind, person.id, row_id)
    if row is None:
        noun = histories.KINDS[kind].noun
        raise NotFound(f"That {noun} is not in {display_name(person)}'s profile.")
    return row


def _filled(values: dict[str, str]) -> dict[str, str]:
    """A whole row for the event: the fields it has."""
    return {name: value for name, value in values.items() if value}


def save_history(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    person_id: int,
    kind: str,
    values: dict[str, str],
    row_id: int | None = None,
    client_address: str = "",
) -> HistoryRow:
    """Add a row to a history of someone on the case (row_id None) or correct one of theirs.

    Invalid values raise InvalidInput naming each field, and nothing is saved.
    """
    _, person = case_person(session, viewer=actor, reference=reference, person_id=person_id)
    kind = _kind(kind)
    clock = firm_clock(session)
    row = _row(session, kind, person, row_id) if row_id is not None else None
    stored = histories.row_values(kind, row) if row is not None else None
    entry_dates = latest_entry_dates(session, person.id)
    row, changed = histories.write_row(session, kind, person.id, row, values, clock.today())
    if changed:
        saved = histories.row_values(kind, row)
        if stored is None:
            verb, before, after = "Added", None, _filled(saved)
        else:
            differ = [name for name in saved if saved[name] != stored[name]]
            verb = "Changed"
            before = {name: stored[name] for name in differ}
            after = {name: saved[name] for name in differ}
        text = histories.describe(kind, row, clock)
        summary = f"{verb} {histories.KINDS[kind].a_noun} for {display_name(person)}: {text}"
        _record(session, actor, person, summary, before, after, client_address)
        _no_longer_the_clients(session, actor, person, kind, entry_dates)
    return histories.row_view(kind, row, clock)


def remove_history(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    person_id: int,
    kind: str,
    row_id: int,
    client_address: str = "",
) -> None:
    """Remove a row from a history of someone on the case (the event keeps what it said)."""
    _, person = case_person(session, viewer=actor, reference=reference, person_id=person_id)
    kind = _kind(kind)
    row = _row(session, kind, person, row_id)
    clock = firm_clock(session)
    text = histories.describe(kind, row, clock)
    before = _filled(histories.row_values(kind, row))
    entry_dates = latest_entry_dates(session, person.id)
    session.delete(row)
    session.flush()
    summary = f"Removed {histories.KINDS[kind].a_noun} for {display_name(person)}: {text}"
    _record(session, actor, person, summary, before, None, client_address)
    _no_longer_the_clients(session, actor, person, kind, entry_dates)
