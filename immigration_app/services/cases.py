"""A case's life in the firm: opening it, assigning it, and what its workspace shows."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, func, select

from immigration_app import catalog
from immigration_app.models import (
    Case,
    CaseEvent,
    CaseMember,
    CaseNote,
    FilingPacket,
    FilingRecord,
    MemberRole,
    Person,
    ReceiptNumber,
    Role,
    User,
    utcnow,
)
from immigration_app.services import approval, consistency, deadlines, reminders
from immigration_app.services.audit import record_event
from immigration_app.services.checklists import instantiate_checklist
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.firm import FirmClock, firm_clock
from immigration_app.services.intake import answered_fields
from immigration_app.services.people import (
    PROFILE_LABELS,
    PersonInput,
    create_person,
    display_name,
    latest_entries,
    people_visible_to,
    profiles_of,
    update_person,
    validate_person,
)
from immigration_app.services.receipts import normalize_receipt_number
from immigration_app.services.stages import firm_stages, skipped_by, stage_titles
from immigration_app.services.viewer import Viewer, visible_case

_REFERENCE_ATTEMPTS = 5
# What a client can answer in the portal, as the staff profile names it.
_ANSWER_LABELS = {**PROFILE_LABELS, "addresses": "Addresses", "employment": "Employment"}
MAX_NOTE_LENGTH = 20_000
# The timeline shows this many events at first, and this many more each time staff ask for
# older ones: a case of years has thousands, which no page should send at once.
TIMELINE_PAGE = 100
# A page holds this many at most; older ones are in the audit log (admins search and export it).
TIMELINE_MOST = 1000


# How a case ended, as staff choose it when they close it (the event keeps the key).
CLOSING_OUTCOMES = {
    "approved": "Approved",
    "denied": "Denied",
    "withdrawn": "Withdrawn",
    "client_left": "Client left the firm",
    "transferred": "Transferred to another firm",
    "other": "Other",
}

# Stages a case enters only once the consistency check finds no errors in its forms.
_CHECKED_BEFORE = ("internal_review", "ready_to_file")


@dataclass(frozen=True)
class MemberInput:
    """Someone to put on a new case: an existing person, or a new profile."""

    role: str
    person_id: int | None = None
    new_person: PersonInput | None = None


def can_assign(viewer: Viewer) -> bool:
    return viewer.role in (Role.ADMIN, Role.ATTORNEY)


def _check_assignee(session: Session, user_id: int | None, role: Role, field: str) -> None:
    if user_id is None:
        return
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.role != role:
        raise InvalidInput({field: f"Choose an active {role.value}."})


def _check_assignees(session: Session, attorney_id: int | None, paralegal_id: int | None) -> dict:
    problems: dict[str, str] = {}
    for user_id, role, field in (
        (attorney_id, Role.ATTORNEY, "attorney_id"),
        (paralegal_id, Role.PARALEGAL, "paralegal_id"),
    ):
        try:
            _check_assignee(session, user_id, role, field)
        except InvalidInput as error:
            problems.update(error.fields)
    return problems


def _next_reference(session: Session, year: int) -> str:
    """The year and the next number in it: 2026-0042. Numbers go past 9999 (2026-10000), so
    the highest is found as a number; as text, 2026-9999 would stay the highest for ever."""
    prefix = f"{year}-"
    last = session.exec(
        select(func.max(sa.cast(func.substr(Case.reference, len(prefix) + 1), sa.Integer))).where(
            Case.reference.startswith(prefix)
        )
    ).one()
    return f"{prefix}{(last or 0) + 1:04d}"


def member_problems(
    session: Session, viewer: Viewer, kind, member: MemberInput, prefix: str = ""
) -> dict[str, str]:
    """Field errors for someone to put on a case of `kind`, keyed `{prefix}{field}`: a role of
    the type, and a person the viewer may see or a valid new profile."""
    problems: dict[str, str] = {}
    if kind is not None and member.role not in kind.all_roles:
        problems[f"{prefix}role"] = "This role does not belong on this type of case."
    if member.person_id is not None:
        visible = session.exec(
            select(Person.id).where(Person.id == member.person_id, people_visible_to(viewer))
        ).first()
        if visible is None:
            problems[f"{prefix}person"] = "Choose the person again from the search."
    elif member.new_person is None:
        problems[f"{prefix}person"] = "Find the person or enter them as new."
    else:
        try:
            validate_person(member.new_person)
        except InvalidInput as error:
            problems.update({f"{prefix}{name}": text for name, text in error.fields.items()})
    return problems


def _members_problems(session: Session, viewer: Viewer, kind, members: list[MemberInput]) -> dict:
    """Field errors for the members, keyed `m{index}_{field}` as the wizard names its inputs."""
    problems: dict[str, str] = {}
    if kind is not None and kind.client_role not in [member.role for member in members]:
        problems["members"] = f"Add the {kind.client_role.replace('_', ' ')} (the firm's client)."
    for index, member in enumerate(members):
        problems |= member_problems(session, viewer, kind, member, f"m{index}_")
    return problems


def open_case(
    session: Session,
    *,
    actor: Viewer,
    case_type: str,
    members: list[MemberInput],
    attorney_id: int | None = None,
    paralegal_id: int | None = None,
    client_address: str = "",
) -> Case:
    """Open a case of a type with its people (existing or new), and its first event."""
    kind = catalog.case_types().get(case_type)
    problems: dict[str, str] = {}
    if kind is None:
        problems["case_type"] = "Choose a case type from the list."
    if not can_assign(actor):
        # A paralegal's new case is theirs to work; who else works it is an attorney's or an
        # admin's choice, as it is later in the case header.
        if attorney_id is not None or paralegal_id not in (None, actor.id):
            problems["attorney_id"] = "Only an attorney or an admin assigns cases."
        paralegal_id = actor.id
    problems |= _check_assignees(session, attorney_id, paralegal_id)
    problems |= _members_problems(session, actor, kind, members)
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
                    stage=firm_stages(session)[0].key,
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
    people = []
    for member in members:
        person = (
            session.get(Person, member.person_id)
            if member.person_id is not None
            else create_person(session, member.new_person)
        )
        is_client = member.role == kind.client_role and not any(p[2] for p in people)
        people.append((person, member.role, is_client))
        session.add(
            CaseMember(
                case_id=case.id,
                person_id=person.id,
                role=MemberRole(member.role),
                is_primary_client=is_client,
            )
        )
    session.flush()
    instantiate_checklist(session, case)
    reminders.replan_document_reminders(session, case)
    for person, _, _ in people:
        deadlines.follow_profile_dates(session, actor=actor, person_id=person.id)
    client = next(person for person, _, is_client in people if is_client)
    record_event(
        session,
        kind="case_opened",
        summary=f"Case {case.reference} opened: {kind.title} for {display_name(client)}",
        actor=actor,
        case_id=case.id,
        after={
            "reference": case.reference,
            "case_type": kind.key,
            "stage": case.stage,
            "members": [f"{display_name(person)} ({role})" for person, role, _ in people],
            "attorney_id": attorney_id,
            "paralegal_id": paralegal_id,
        },
        client_address=client_address,
    )
    return case


def _staff_name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id is not None else None
    return user.full_name if user else "nobody"


def assign_case(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    attorney_id: int | None,
    paralegal_id: int | None,
) -> Case:
    """Change who works a case. Attorneys and admins only."""
    if not can_assign(actor):
        raise NotPermitted("Only attorneys and admins assign cases.")
    case = visible_case(session, viewer=actor, reference=reference)
    if problems := _check_assignees(session, attorney_id, paralegal_id):
        raise InvalidInput(problems)
    before = {
        "attorney": _staff_name(session, case.attorney_id),
        "paralegal": _staff_name(session, case.paralegal_id),
    }
    after = {
        "attorney": _staff_name(session, attorney_id),
        "paralegal": _staff_name(session, paralegal_id),
    }
    if before == after:
        return case
    case.attorney_id, case.paralegal_id = attorney_id, paralegal_id
    session.add(case)
    changed = [role for role in before if before[role] != after[role]]
    record_event(
        session,
        kind="assignment_changed",
        summary="; ".join(f"{role.title()}: {before[role]} → {after[role]}" for role in changed),
        actor=actor,
        case_id=case.id,
        before={role: before[role] for role in changed},
        after={role: after[role] for role in changed},
    )
    return case


def _filed(session: Session, case: Case) -> bool:
    """Whether the firm recorded sending the case, or USCIS's receipt for it is in."""
    return any(
        session.exec(select(table.id).where(table.case_id == case.id)).first()
        for table in (FilingRecord, ReceiptNumber)
    )


def move_case(session: Session, *, actor: Viewer, reference: str, stage: str) -> Case:
    """Move a case to another stage; the move is an event (the board's flow is read from them).

    A case goes to review (or past it) only without consistency errors in its forms; it is
    "Ready to file" only with a second person's approval of its current packet, and "Filed -
    pending" only once its filing is recorded (or its receipt number is in).
    """
    case = visible_case(session, viewer=actor, reference=reference)
    if stage not in {known.key for known in catalog.stages()}:
        raise InvalidInput({"stage": "Choose a stage from the list."})
    if stage == case.stage:
        return case
    titles = stage_titles(session)
    if skipped_by(session, stage, case.case_type):
        kind = catalog.case_types()[case.case_type]
        raise InvalidInput({"stage": f"{kind.title} cases skip {titles[stage]} at this firm."})
    if stage == "filed_pending" and not _filed(session, case):
        raise InvalidInput(
            {"stage": "Mark the case as filed on the Filing tab, or add its receipt number."}
        )
    if stage == "ready_to_file":
        approval.require_approval(session, case)
    if stage in _CHECKED_BEFORE:
        errors = consistency.open_errors(session, case)
        if errors:
            first = errors[0]
            raise InvalidInput(
                {
                    "stage": f"{len(errors)} consistency error(s) on the Forms tab keep this "
                    f"case out of review, e.g. {first.where}: {first.message}"
                }
            )
    before = case.stage
    case.stage, case.stage_entered_at = stage, utcnow()
    session.add(case)
    reminders.replan_status_updates(session, case)
    record_event(
        session,
        kind="stage_changed",
        summary=f"Moved from {titles.get(before, before)} to {titles[stage]}",
        actor=actor,
        case_id=case.id,
        before={"stage": before},
        after={"stage": stage},
    )
    return case


def add_receipt_number(
    session: Session, *, actor: Viewer, reference: str, receipt_number: str, form: str = ""
) -> str:
    case = visible_case(session, viewer=actor, reference=reference)
    normalized = normalize_receipt_number(receipt_number)
    if normalized is None:
        raise InvalidInput(
            {"receipt_number": "A receipt number is 3 letters and 10 digits, e.g. IOE0912345678."}
        )
    taken = session.exec(
        select(ReceiptNumber.case_id).where(ReceiptNumber.receipt_number == normalized)
    ).first()
    if taken is not None:
        raise InvalidInput({"receipt_number": "This receipt number is already on a case."})
    session.add(ReceiptNumber(case_id=case.id, receipt_number=normalized, form=form.strip()[:16]))
    record_event(
        session,
        kind="receipt_added",
        summary=f"Receipt number {normalized} added"
        + (f" ({form.strip()})" if form.strip() else ""),
        actor=actor,
        case_id=case.id,
        after={"receipt_number": normalized, "form": form.strip()},
    )
    return normalized


def set_priority_date(session: Session, *, actor: Viewer, reference: str, typed: str) -> Case:
    """Set the case's priority date (from the underlying petition's receipt notice), or clear it
    with an empty value. It fills the forms that ask for it (the I-485's Part 2). `typed` comes
    from a date input: YYYY-MM-DD."""
    case = visible_case(session, viewer=actor, reference=reference)
    day = None
    if typed.strip():
        try:
            day = date.fromisoformat(typed.strip()[:10])
        except ValueError:
            raise InvalidInput({"priority_date": "Enter a real date."}) from None
    change_priority_date(session, actor=actor, case=case, day=day)
    return case


def change_priority_date(session: Session, *, actor: Viewer, case: Case, day: date | None) -> None:
    """The one place a case's priority date changes: checked, then an event with before and
    after. Whatever sent it (the header, a receipt notice), it is a real past date."""
    clock = firm_clock(session)
    if day is not None and day > clock.today():
        raise InvalidInput({"priority_date": "A priority date cannot be in the future."})
    if day is not None and day.year < 1900:
        raise InvalidInput({"priority_date": "Check the year of the priority date."})
    if day == case.priority_date:
        return
    before, after = clock.date(case.priority_date), clock.date(day)
    case.priority_date = day
    session.add(case)
    record_event(
        session,
        kind="priority_date_changed",
        summary=f"Priority date set to {after}" if day else "Priority date cleared",
        actor=actor,
        case_id=case.id,
        before={"priority_date": before},
        after={"priority_date": after},
    )


def add_note(session: Session, *, actor: Viewer, reference: str, body: str) -> CaseNote:
    case = visible_case(session, viewer=actor, reference=reference)
    body = body.strip()
    if not body:
        raise InvalidInput({"note": "Write the note first."})
    if len(body) > MAX_NOTE_LENGTH:
        raise InvalidInput({"note": f"Keep a note under {MAX_NOTE_LENGTH:,} characters."})
    note = CaseNote(case_id=case.id, author_id=actor.id, body=body)
    session.add(note)
    first_line = body.splitlines()[0][:80]
    record_event(
        session, kind="note_added", summary=f"Note: {first_line}", actor=actor, case_id=case.id
    )
    return note


def case_person(
    session: Session, *, viewer: Viewer, reference: str, person_id: int
) -> tuple[Case, Person]:
    """A case the viewer may see and one of the people on it; NotFound otherwise."""
    case = visible_case(session, viewer=viewer, reference=reference)
    person = session.exec(
        select(Person)
        .join(CaseMember, CaseMember.person_id == Person.id)
        .where(CaseMember.case_id == case.id, Person.id == person_id)
    ).first()
    if person is None:
        raise NotFound(f"Person {person_id} is not on case {reference}")
    return case, person


def edit_member_profile(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    person_id: int,
    data: PersonInput,
    client_address: str = "",
) -> list[str]:
    """Edit the profile of someone on a case the actor may see."""
    _, person = case_person(session, viewer=actor, reference=reference, person_id=person_id)
    changed = update_person(
        session, actor=actor, person=person, data=data, client_address=client_address
    )
    if changed:
        deadlines.follow_profile_dates(session, actor=actor, person_id=person_id)
    return changed


@dataclass(frozen=True)
class CaseHeader:
    reference: str
    client: str
    case_type: str
    stage_key: str
    stage: str
    attorney_id: str
    attorney: str
    paralegal_id: str
    paralegal: str
    opened_on: str
    # The key dates, in the firm's date format; "" when the case has none yet.
    filed_on: str  # each filing of the case's packet, when more than one
    received_on: str  # USCIS's received date of each receipt: "01/05/2026 (I-130)"
    priority_date: str
    priority_date_iso: str  # as the date input takes it
    closed_on: str
    closed_outcome: str  # "Approved", from the closing event; "" while open
    next_deadline: str
    receipt_numbers: str


@dataclass(frozen=True)
class MemberView:
    person_id: int
    member_id: int
    role_key: str
    role: str
    name: str
    is_client: bool
    born: str  # in the firm's date format
    last_arrival: str  # likewise
    i94_until: str
    profile: dict[str, str]  # field name -> stored value, as the edit form shows it
    # What the client answered through the portal: profile field names, "addresses" and
    # "employment"; and the same as labels for one line of text.
    from_client: tuple[str, ...] = ()
    client_answered: str = ""


@dataclass(frozen=True)
class TimelineEntry:
    when: str
    who: str
    kind: str
    summary: str
    changes: tuple[str, ...]  # "Family name: Smith → Smyth", for edits


@dataclass(frozen=True)
class Timeline:
    entries: tuple[TimelineEntry, ...]  # newest first
    has_older: bool  # more events (of the kind shown) than the entries hold


@dataclass(frozen=True)
class NoteView:
    author: str
    when: str
    body: str


@dataclass(frozen=True)
class CaseWorkspace:
    header: CaseHeader
    members: tuple[MemberView, ...]
    roles: tuple[tuple[str, str], ...]  # the roles its type has, to choose from: (key, name)
    event_kinds: tuple[str, ...]  # on the timeline, which case_timeline reads a page at a time
    notes: tuple[NoteView, ...]


def _changes(event: CaseEvent) -> tuple[str, ...]:
    if not event.before or not event.after or event.kind == "stage_changed":
        return ()  # a stage move says it all in its summary
    return tuple(
        f"{PROFILE_LABELS.get(key, key.replace('_', ' ').capitalize())}: "
        f"{event.before.get(key) or '(empty)'} → {event.after.get(key) or '(empty)'}"
        for key in event.after
        if key in event.before
    )


def _closed_outcome(session: Session, case: Case) -> str:
    """How a closed case ended, as its latest closing event says."""
    if case.closed_on is None:
        return ""
    after = session.exec(
        select(CaseEvent.after)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == "case_closed")
        .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
    ).first()
    outcome = (after or {}).get("outcome", "")
    return CLOSING_OUTCOMES.get(outcome, outcome)


def _header(session: Session, clock: FirmClock, case: Case, client: Person) -> CaseHeader:
    kind = catalog.case_types().get(case.case_type)
    receipts = session.exec(
        select(ReceiptNumber).where(ReceiptNumber.case_id == case.id).order_by(ReceiptNumber.id)
    ).all()
    # The case's own filings; a response to an RFE is sent later and is not the filing date.
    filed = session.exec(
        select(FilingRecord.filed_on)
        .join(FilingPacket, FilingPacket.id == FilingRecord.packet_id)
        .where(FilingRecord.case_id == case.id, FilingPacket.purpose == "filing")
        .distinct()
        .order_by(FilingRecord.filed_on)
    ).all()
    return CaseHeader(
        reference=case.reference,
        client=display_name(client),
        case_type=kind.title if kind else case.case_type,
        stage_key=case.stage,
        stage=stage_titles(session).get(case.stage, case.stage),
        attorney_id=str(case.attorney_id or ""),
        attorney=_staff_name(session, case.attorney_id) if case.attorney_id else "",
        paralegal_id=str(case.paralegal_id or ""),
        paralegal=_staff_name(session, case.paralegal_id) if case.paralegal_id else "",
        opened_on=clock.date(case.opened_on),
        filed_on=", ".join(clock.date(day) for day in filed),
        received_on=", ".join(
            f"{clock.date(receipt.received_on)} ({receipt.form or receipt.receipt_number})"
            for receipt in receipts
            if receipt.received_on
        ),
        priority_date=clock.date(case.priority_date),
        priority_date_iso=case.priority_date.isoformat() if case.priority_date else "",
        closed_on=clock.date(case.closed_on),
        closed_outcome=_closed_outcome(session, case),
        next_deadline=clock.date(case.next_deadline_on),
        receipt_numbers=", ".join(receipt.receipt_number for receipt in receipts),
    )


def case_timeline(
    session: Session,
    *,
    viewer: Viewer,
    reference: str,
    event_kind: str = "",
    limit: int = TIMELINE_PAGE,
) -> Timeline:
    """The newest `limit` events of a case (of one kind, if given). NotFound as for the case."""
    case = visible_case(session, viewer=viewer, reference=reference)
    clock, limit = firm_clock(session), min(max(1, limit), TIMELINE_MOST)
    events = select(CaseEvent).where(CaseEvent.case_id == case.id)
    if event_kind:
        events = events.where(CaseEvent.kind == event_kind)
    # One row past the page tells whether there are older ones, without counting them all.
    rows = session.exec(
        events.order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc()).limit(limit + 1)
    ).all()
    return Timeline(
        entries=tuple(
            TimelineEntry(
                when=clock.moment(event.created_at),
                who=event.actor_label,
                kind=event.kind,
                summary=event.summary,
                changes=_changes(event),
            )
            for event in rows[:limit]
        ),
        has_older=len(rows) > limit,
    )


def role_choices(case_type: str) -> tuple[tuple[str, str], ...]:
    """The member roles of a case type, as a picker offers them."""
    kind = catalog.case_types().get(case_type)
    roles = kind.all_roles if kind else ()
    return tuple((role, role.replace("_", " ").capitalize()) for role in roles)


def case_workspace(session: Session, *, viewer: Viewer, reference: str) -> CaseWorkspace:
    """What the case page shows but its timeline. NotFound when the viewer may not see it."""
    case = visible_case(session, viewer=viewer, reference=reference)
    clock = firm_clock(session)
    rows = session.exec(
        select(CaseMember, Person)
        .join(Person, Person.id == CaseMember.person_id)
        .where(CaseMember.case_id == case.id)
        .order_by(CaseMember.is_primary_client.desc(), CaseMember.id)
    ).all()
    ids = [person.id for _, person in rows]
    # One query per kind of detail for all the people, never one per person.
    entries = latest_entries(session, ids)
    profiles = profiles_of(session, [person for _, person in rows], entries)
    answers = answered_fields(session, ids)
    members = tuple(
        MemberView(
            person_id=person.id,
            member_id=member.id,
            role_key=member.role,
            role=member.role.replace("_", " "),
            name=display_name(person),
            is_client=member.is_primary_client,
            born=clock.date(person.date_of_birth),
            last_arrival=clock.date(entries[person.id]["last_arrival_date"]),
            i94_until=clock.date(entries[person.id]["i94_admit_until"]),
            profile=dataclasses.asdict(profiles[person.id]),
            from_client=tuple(sorted(answers[person.id])),
            client_answered=", ".join(
                label for name, label in _ANSWER_LABELS.items() if name in answers[person.id]
            ),
        )
        for member, person in rows
    )
    kinds = session.exec(
        select(CaseEvent.kind)
        .where(CaseEvent.case_id == case.id)
        .distinct()
        .order_by(CaseEvent.kind)
    ).all()
    Author = aliased(User)
    notes = session.exec(
        select(CaseNote, Author.full_name)
        .join(Author, Author.id == CaseNote.author_id)
        .where(CaseNote.case_id == case.id)
        .order_by(CaseNote.created_at.desc(), CaseNote.id.desc())
    ).all()
    return CaseWorkspace(
        header=_header(session, clock, case, rows[0][1]),
        members=members,
        roles=role_choices(case.case_type),
        event_kinds=tuple(kinds),
        notes=tuple(
            NoteView(author=author, when=clock.moment(note.created_at), body=note.body)
            for note, author in notes
        ),
    )
