"""Deadlines on a case: made from catalog rules or by hand, closed with a note.

Every change to a case's deadlines goes through here, so `Case.next_deadline_on` never
drifts and every deadline's reminders are planned or cancelled with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

from babel.dates import format_time
from sqlmodel import Session, func, select

from immigration_app import catalog
from immigration_app.catalog.deadline_rules import (
    DeadlineTrigger,
    deadline_rules,
    deadline_triggers,
    profile_triggers,
    rules_for_trigger,
)
from immigration_app.models import (
    Case,
    CaseMember,
    CaseTypeSetting,
    Deadline,
    DeadlineStatus,
    Person,
    Role,
    User,
    utcnow,
)
from immigration_app.services import reminders
from immigration_app.services.audit import record_event
from immigration_app.services.deadline_engine import Computation, compute_for_trigger
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.firm import firm_clock, firm_settings
from immigration_app.services.people import display_name, latest_entry_dates
from immigration_app.services.viewer import Viewer, visible_case

DEFAULT_BUFFER_DAYS = 14
MAX_CLOSING_NOTE = 1000


# A window opening or an earliest filing date is news, not something that can be missed:
# it never makes a case overdue.
MISSABLE_KINDS = ("due", "window_closes", "appointment", "expiry")


def refresh_next_deadline(session: Session, case_id: int) -> None:
    session.flush()
    case = session.get(Case, case_id)
    case.next_deadline_on = session.exec(
        select(func.min(Deadline.due_on)).where(
            Deadline.case_id == case_id,
            Deadline.status == DeadlineStatus.OPEN,
            Deadline.kind.in_(MISSABLE_KINDS),
        )
    ).one()
    session.add(case)


def buffer_days_for(session: Session, case_type: str) -> int:
    """How many days before a deadline the firm aims to be done, for this type of case."""
    setting = session.get(CaseTypeSetting, case_type)
    return setting.buffer_days if setting else DEFAULT_BUFFER_DAYS


def set_buffer_days(session: Session, *, actor: Viewer, case_type: str, days: int) -> None:
    if actor.role != Role.ADMIN:
        raise NotPermitted("Only admins set the firm's internal buffers.")
    if case_type not in catalog.case_types():
        raise InvalidInput({"case_type": "Choose a case type from the list."})
    if not 0 <= days <= 90:
        raise InvalidInput({"buffer_days": "Choose between 0 and 90 days."})
    setting = session.get(CaseTypeSetting, case_type) or CaseTypeSetting(case_type=case_type)
    before = buffer_days_for(session, case_type)
    setting.buffer_days = days
    session.add(setting)
    record_event(
        session,
        kind="buffer_changed",
        summary=f"Internal buffer for {case_type}: {before} → {days} days",
        actor=actor,
        before={"case_type": case_type, "buffer_days": before},
        after={"case_type": case_type, "buffer_days": days},
    )


@dataclass(frozen=True)
class BufferRow:
    case_type: str
    title: str
    days: int


def buffers(session: Session) -> list[BufferRow]:
    """Every case type's internal buffer (the firm's choice, else the default)."""
    chosen = {row.case_type: row.buffer_days for row in session.exec(select(CaseTypeSetting))}
    return [
        BufferRow(key, kind.title, chosen.get(key, DEFAULT_BUFFER_DAYS))
        for key, kind in catalog.case_types().items()
    ]


MAX_INTERVAL_DAYS = 90


@dataclass(frozen=True)
class ClientInterval:
    """A "tell the client every N days" setting of a case (0 = never)."""

    column: str  # the Case field holding N
    what: str  # how the timeline names it
    replan: Callable[[Session, Case], None]  # the chain restarts, counting from today


CLIENT_INTERVALS = {
    "status_updates": ClientInterval(
        "no_update_every_days",
        "Client status emails while pending",
        reminders.replan_status_updates,
    ),
    "document_reminders": ClientInterval(
        "document_reminder_every_days",
        "Client reminders of missing documents",
        reminders.replan_document_reminders,
    ),
}


def client_intervals(session: Session, *, viewer: Viewer, reference: str) -> dict[str, int]:
    case = visible_case(session, viewer=viewer, reference=reference)
    return {key: getattr(case, interval.column) for key, interval in CLIENT_INTERVALS.items()}


def set_client_interval(
    session: Session, *, actor: Viewer, reference: str, which: str, days: int
) -> None:
    """How often the client hears from us: a status note while USCIS has the case, or a
    reminder of the documents still missing."""
    case = visible_case(session, viewer=actor, reference=reference)
    interval = CLIENT_INTERVALS.get(which)
    if interval is None:
        raise InvalidInput({which: "Choose a known kind of client email."})
    if not 0 <= days <= MAX_INTERVAL_DAYS:
        raise InvalidInput({which: f"Choose between 0 (never) and {MAX_INTERVAL_DAYS} days."})
    before = getattr(case, interval.column)
    if before == days:
        return
    setattr(case, interval.column, days)
    session.add(case)
    interval.replan(session, case)
    record_event(
        session,
        kind="client_interval_changed",
        summary=f"{interval.what}: every {before} → {days} days"
        if days
        else f"{interval.what}: turned off",
        actor=actor,
        case_id=case.id,
        before={which: before},
        after={which: days},
    )


def _store(session: Session, deadline: Deadline, actor: Viewer | None, summary: str) -> None:
    session.add(deadline)
    session.flush()
    refresh_next_deadline(session, deadline.case_id)
    reminders.plan_for_deadline(session, deadline)
    record_event(
        session,
        kind="deadline_added",
        summary=summary,
        actor=actor,
        case_id=deadline.case_id,
        after={
            "title": deadline.title,
            "due_on": deadline.due_on.isoformat(),
            "explanation": deadline.explanation,
        },
    )


def _from_computation(case: Case, made: Computation, actor: Viewer | None, **extra) -> Deadline:
    return Deadline(
        case_id=case.id,
        title=made.title,
        due_on=made.due_on,
        kind=made.kind,
        rule_key=made.rule_key,
        trigger_on=made.trigger_on,
        computed_on=made.computed_on,
        printed_on=made.printed_on,
        internal_target_on=made.internal_target_on,
        explanation=made.explanation,
        warning=made.warning[:300],
        created_by_id=actor.id if actor else None,
        **extra,
    )


def add_from_trigger(
    session: Session,
    *,
    actor: Viewer | None,
    case: Case,
    trigger: str,
    trigger_on: date | None,
    mailed: bool = False,
    printed_on: date | None = None,
    starts_at_local: time | None = None,
    place: str = "",
    person: Person | None = None,
) -> list[Deadline]:
    """Every deadline a trigger event makes (e.g. an RFE notice makes its response due date).

    With `person`, the date is theirs (from their profile): the deadline says whose it is."""
    if trigger not in deadline_triggers():
        raise InvalidInput({"trigger": "Choose what happened from the list."})
    made = compute_for_trigger(
        trigger,
        trigger_on,
        mailed=mailed,
        printed_on=printed_on,
        buffer_days=buffer_days_for(session, case.case_type),
        date_format=firm_settings(session).date_format,
    )
    deadlines = []
    for computation in made:
        deadline = _from_computation(
            case, computation, actor, mailed=mailed, starts_at_local=starts_at_local, place=place
        )
        if person is not None:
            deadline.person_id = person.id
            deadline.title = f"{computation.title}: {display_name(person)}"[:200]
        _store(
            session, deadline, actor, f"Deadline added: {deadline.title}. {deadline.explanation}"
        )
        deadlines.append(deadline)
    return deadlines


def add_deadline(
    session: Session,
    *,
    actor: Viewer | None,
    case_id: int,
    title: str,
    due_on: date,
    kind: str = "due",
) -> Deadline:
    """A deadline typed in by hand (no rule): its explanation says so."""
    if not title.strip():
        raise InvalidInput({"title": "Say what is due."})
    who = actor.full_name if actor else "the system"
    deadline = Deadline(
        case_id=case_id,
        title=title.strip()[:200],
        due_on=due_on,
        kind=kind,
        explanation=f"Entered by hand by {who}.",
        created_by_id=actor.id if actor else None,
    )
    _store(session, deadline, actor, f"Deadline added: {deadline.title}, due {due_on.isoformat()}")
    return deadline


def add_to_case(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    trigger: str = "",
    trigger_on: date | None = None,
    mailed: bool = False,
    printed_on: date | None = None,
    title: str = "",
    due_on: date | None = None,
    starts_at_local: time | None = None,
    place: str = "",
) -> list[Deadline]:
    """Staff add deadlines to a case: from a trigger event, or one by hand with its date."""
    case = visible_case(session, viewer=actor, reference=reference)
    if trigger:
        return add_from_trigger(
            session,
            actor=actor,
            case=case,
            trigger=trigger,
            trigger_on=trigger_on,
            mailed=mailed,
            printed_on=printed_on,
            starts_at_local=starts_at_local,
            place=place,
        )
    if due_on is None:
        raise InvalidInput({"due_on": "Enter the date it is due."})
    return [add_deadline(session, actor=actor, case_id=case.id, title=title, due_on=due_on)]


def close_deadline(
    session: Session, *, actor: Viewer, reference: str, deadline_id: int, outcome: str, note: str
) -> Deadline:
    """Mark a deadline met or waived. Either needs a note; both are events."""
    case = visible_case(session, viewer=actor, reference=reference)
    deadline = session.get(Deadline, deadline_id)
    if deadline is None or deadline.case_id != case.id:
        raise NotFound(f"No deadline {deadline_id} on case {reference}")
    problems = {}
    if outcome not in (DeadlineStatus.COMPLETED, DeadlineStatus.WAIVED):
        problems["outcome"] = "Choose completed or waived."
    if not note.strip():
        problems["note"] = "Say what was done (or why it is waived)."
    elif len(note) > MAX_CLOSING_NOTE:
        problems["note"] = f"Keep the note under {MAX_CLOSING_NOTE:,} characters."
    if deadline.status != DeadlineStatus.OPEN:
        problems["outcome"] = f"This deadline is already {deadline.status}."
    if problems:
        raise InvalidInput(problems)
    _close(session, deadline, actor, DeadlineStatus(outcome), note.strip())
    return deadline


def open_deadlines(session: Session, case_id: int) -> list[Deadline]:
    """A case's open deadlines, soonest first."""
    return list(
        session.exec(
            select(Deadline)
            .where(Deadline.case_id == case_id, Deadline.status == DeadlineStatus.OPEN)
            .order_by(Deadline.due_on, Deadline.id)
        ).all()
    )


def waive_open_deadlines(
    session: Session, *, actor: Viewer, case_id: int, note: str
) -> list[Deadline]:
    """Waive every open deadline of a case with one note (the case is closing); each is an
    event and its reminders stop."""
    waived = open_deadlines(session, case_id)
    for deadline in waived:
        _close(session, deadline, actor, DeadlineStatus.WAIVED, note)
    return waived


def _close(
    session: Session, deadline: Deadline, actor: Viewer | None, outcome: DeadlineStatus, note: str
) -> None:
    deadline.status = outcome
    deadline.closed_by_id, deadline.closed_at = (actor.id if actor else None), utcnow()
    deadline.closed_note = note
    session.add(deadline)
    reminders.cancel_for_deadline(session, deadline.id)
    refresh_next_deadline(session, deadline.case_id)
    verb = "met" if outcome == DeadlineStatus.COMPLETED else "waived"
    record_event(
        session,
        kind=f"deadline_{outcome}",
        summary=f"Deadline {verb}: {deadline.title}. {note}",
        actor=actor,
        case_id=deadline.case_id,
        before={"status": DeadlineStatus.OPEN.value},
        after={"status": str(outcome), "note": note},
    )


def follow_profile_dates(session: Session, *, actor: Viewer | None, person_id: int) -> None:
    """Keep the deadlines that follow dates on a person's profile (an I-94 admit-until, a
    last arrival) in step with them, on each open case the person is on. A changed date
    waives the old deadline with a note saying why and makes the new one."""
    person = session.get(Person, person_id)
    dates = latest_entry_dates(session, person_id)
    cases = session.exec(
        select(Case)
        .join(CaseMember, CaseMember.case_id == Case.id)
        .where(CaseMember.person_id == person_id, Case.closed_on.is_(None))
        .distinct()
    ).all()
    for case in cases:
        for field, trigger in profile_triggers().items():
            if not trigger.case_types or case.case_type in trigger.case_types:
                _follow(session, actor, case, person, trigger, dates[field])


def _follow(
    session: Session,
    actor: Viewer | None,
    case: Case,
    person: Person,
    trigger: DeadlineTrigger,
    day: date | None,
) -> None:
    following = session.exec(
        select(Deadline).where(
            Deadline.case_id == case.id,
            Deadline.person_id == person.id,
            Deadline.status == DeadlineStatus.OPEN,
            Deadline.rule_key.in_([rule.key for rule in rules_for_trigger(trigger.key)]),
        )
    ).all()
    if following and all(deadline.trigger_on == day for deadline in following):
        return
    reads = firm_clock(session).date(day) if day else "empty"
    for deadline in following:
        note = f"The {trigger.label} on {display_name(person)}'s profile is now {reads}."
        _close(session, deadline, actor, DeadlineStatus.WAIVED, note)
    if day is not None:
        add_from_trigger(
            session, actor=actor, case=case, trigger=trigger.key, trigger_on=day, person=person
        )


@dataclass(frozen=True)
class DeadlineView:
    id: int
    title: str
    kind: str
    due: str
    days_left: int
    status: str
    is_open: bool
    missable: bool  # False for a window opening: once past, it is open, not overdue
    explanation: str
    warning: str
    internal_target: str
    printed: str
    computed: str
    when_place: str
    closed: str  # "Waived by Ana on 05/02/2026: client withdrew"
    note: str  # the rule's caveat, e.g. no automatic EAD extension
    basis: str  # where the rule comes from and whether it is verified
    source: str  # the rule's source URL


@dataclass(frozen=True)
class TriggerChoice:
    key: str
    label: str
    mailable: bool
    produces: str  # "RFE response due; ..." so staff know what they are about to create


def trigger_choices() -> list[TriggerChoice]:
    rules = deadline_rules().values()
    return [
        TriggerChoice(
            key=trigger.key,
            label=trigger.label,
            mailable=trigger.mailable,
            produces="; ".join(rule.title for rule in rules if rule.trigger == trigger.key),
        )
        for trigger in deadline_triggers().values()
    ]


def _basis(rule, clock) -> str:
    checked = "verified" if rule.verified else "not verified against the regulation"
    return f"Rule {rule.key}: {rule.citation}; as of {clock.date(rule.as_of)}, {checked}."


def case_deadlines(session: Session, *, viewer: Viewer, reference: str) -> list[DeadlineView]:
    """A case's deadlines: open ones first by date, then the closed ones, newest first."""
    case = visible_case(session, viewer=viewer, reference=reference)
    clock = firm_clock(session)
    today = clock.today()
    rows = session.exec(select(Deadline).where(Deadline.case_id == case.id)).all()
    rows = sorted(rows, key=lambda d: (d.status != DeadlineStatus.OPEN, d.due_on))
    closers = {
        user.id: user.full_name
        for user in session.exec(
            select(User).where(User.id.in_({d.closed_by_id for d in rows if d.closed_by_id}))
        )
    }
    views = []
    for deadline in rows:
        when_place = ""
        if deadline.starts_at_local:
            when_place = format_time(deadline.starts_at_local, format="short", locale="en_US")
        if deadline.place:
            when_place = f"{when_place} at {deadline.place}" if when_place else deadline.place
        closed = ""
        if deadline.status != DeadlineStatus.OPEN:
            verb = "Met" if deadline.status == DeadlineStatus.COMPLETED else "Waived"
            who = closers.get(deadline.closed_by_id, "someone")
            closed = (
                f"{verb} by {who} on {clock.moment(deadline.closed_at)}: {deadline.closed_note}"
            )
        rule = deadline_rules().get(deadline.rule_key)
        views.append(
            DeadlineView(
                id=deadline.id,
                title=deadline.title,
                kind=deadline.kind,
                due=clock.date(deadline.due_on),
                days_left=(deadline.due_on - today).days,
                status=str(deadline.status),
                is_open=deadline.status == DeadlineStatus.OPEN,
                missable=deadline.kind in MISSABLE_KINDS,
                explanation=deadline.explanation,
                warning=deadline.warning,
                internal_target=clock.date(deadline.internal_target_on),
                printed=clock.date(deadline.printed_on),
                computed=clock.date(deadline.computed_on),
                when_place=when_place,
                closed=closed,
                note=rule.note if rule else "",
                basis=_basis(rule, clock) if rule else "",
                source=rule.source if rule else "",
            )
        )
    return views
