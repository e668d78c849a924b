"""Cases: opening one for a client, and reading what a staff member may see."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, func, or_, select

from immigration_app import catalog
from immigration_app.models import (
    Case,
    CaseEvent,
    CaseMember,
    MemberRole,
    Person,
    ReceiptNumber,
    Role,
    User,
)
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.firm import FirmClock, firm_clock
from immigration_app.services.people import PersonInput, create_person, display_name
from immigration_app.services.viewer import Viewer

_REFERENCE_ATTEMPTS = 5


def visible_cases(viewer: Viewer):
    """The WHERE clause limiting cases to those the viewer may see."""
    if viewer.sees_all_cases:
        return sa.true()
    return or_(Case.paralegal_id == viewer.id, Case.paralegal_id.is_(None))


def _check_assignee(session: Session, user_id: int | None, role: Role, field: str) -> None:
    if user_id is None:
        return
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.role != role:
        raise InvalidInput({field: f"Choose an active {role.value}."})


def _next_reference(session: Session, year: int) -> str:
    prefix = f"{year}-"
    last = session.exec(
        select(func.max(Case.reference)).where(Case.reference.startswith(prefix))
    ).one()
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


def open_case(
    session: Session,
    *,
    actor: Viewer,
    case_type: str,
    client: PersonInput,
    attorney_id: int | None = None,
    paralegal_id: int | None = None,
    client_address: str = "",
) -> Case:
    """Create the client's profile and a case of the given type, with its first event."""
    problems: dict[str, str] = {}
    kind = catalog.case_types().get(case_type)
    if kind is None:
        problems["case_type"] = "Choose a case type from the list."
    if actor.role == Role.PARALEGAL and paralegal_id is None:
        paralegal_id = actor.id  # a paralegal's new case is theirs to work
    for user_id, role, field in (
        (attorney_id, Role.ATTORNEY, "attorney_id"),
        (paralegal_id, Role.PARALEGAL, "paralegal_id"),
    ):
        try:
            _check_assignee(session, user_id, role, field)
        except InvalidInput as error:
            problems.update(error.fields)
    try:
        person = create_person(session, client)
    except InvalidInput as error:
        problems.update(error.fields)
    if problems:
        raise InvalidInput(problems)

    clock = firm_clock(session)
    for attempt in range(_REFERENCE_ATTEMPTS):
        try:
            # Two people opening cases at once may pick the same number; the
            # unique index refuses the second, which then takes the next one.
            with session.begin_nested():
                case = Case(
                    reference=_next_reference(session, clock.today().year),
                    case_type=kind.key,
                    stage=catalog.stages()[0].key,
                    attorney_id=attorney_id,
                    paralegal_id=paralegal_id,
                    opened_on=clock.today(),
                    created_by_id=actor.id,
                )
                session.add(case)
                session.flush()
            break
        except sa.exc.IntegrityError:
            if attempt == _REFERENCE_ATTEMPTS - 1:
                raise
    session.add(
        CaseMember(
            case_id=case.id,
            person_id=person.id,
            role=MemberRole(kind.client_role),
            is_primary_client=True,
        )
    )
    record_event(
        session,
        kind="case_opened",
        summary=f"Case {case.reference} opened: {kind.title} for {display_name(person)}",
        actor=actor,
        case_id=case.id,
        after={
            "reference": case.reference,
            "case_type": kind.key,
            "stage": case.stage,
            "client": display_name(person),
            "attorney_id": attorney_id,
            "paralegal_id": paralegal_id,
        },
        client_address=client_address,
    )
    return case


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list."""

    reference: str
    client: str
    case_type: str
    stage: str
    attorney: str
    paralegal: str
    opened_on: str
    last_activity: str


_Attorney = aliased(User)
_Paralegal = aliased(User)


def _case_with_people():
    return (
        select(Case, Person, _Attorney.full_name, _Paralegal.full_name)
        .join(CaseMember, (CaseMember.case_id == Case.id) & CaseMember.is_primary_client)
        .join(Person, Person.id == CaseMember.person_id)
        .outerjoin(_Attorney, _Attorney.id == Case.attorney_id)
        .outerjoin(_Paralegal, _Paralegal.id == Case.paralegal_id)
    )


def _row(
    clock: FirmClock, case: Case, person: Person, attorney: str | None, paralegal: str | None
) -> CaseRow:
    kind = catalog.case_types().get(case.case_type)
    return CaseRow(
        reference=case.reference,
        client=display_name(person),
        case_type=kind.title if kind else case.case_type,
        stage=catalog.stage_title(case.stage),
        attorney=attorney or "",
        paralegal=paralegal or "",
        opened_on=clock.date(case.opened_on),
        last_activity=clock.moment(case.last_activity_at),
    )


def list_cases(session: Session, *, viewer: Viewer, limit: int = 50) -> list[CaseRow]:
    """The open cases the viewer may see, most recently active first."""
    clock = firm_clock(session)
    rows = session.exec(
        _case_with_people()
        .where(visible_cases(viewer), Case.closed_on.is_(None))
        .order_by(Case.last_activity_at.desc(), Case.id.desc())
        .limit(limit)
    )
    return [_row(clock, *row) for row in rows]


@dataclass(frozen=True)
class TimelineEntry:
    when: str
    who: str
    kind: str
    summary: str


@dataclass(frozen=True)
class CaseDetail:
    row: CaseRow
    receipt_numbers: tuple[str, ...]
    timeline: tuple[TimelineEntry, ...]


def case_detail(session: Session, *, viewer: Viewer, reference: str) -> CaseDetail:
    """The case header and its timeline, newest first. NotFound if the viewer may not see it."""
    found = session.exec(
        _case_with_people().where(Case.reference == reference, visible_cases(viewer))
    ).first()
    if found is None:
        raise NotFound(f"No case {reference}")
    case = found[0]
    clock = firm_clock(session)
    receipts = session.exec(
        select(ReceiptNumber.receipt_number)
        .where(ReceiptNumber.case_id == case.id)
        .order_by(ReceiptNumber.id)
    )
    events = session.exec(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
    )
    return CaseDetail(
        row=_row(clock, *found),
        receipt_numbers=tuple(receipts),
        timeline=tuple(
            TimelineEntry(
                when=clock.moment(event.created_at),
                who=event.actor_label,
                kind=event.kind,
                summary=event.summary,
            )
            for event in events
        ),
    )
