"""Closing a case once the firm's work on it ends, and reopening it.

A closed case leaves the dashboard's open list and goes quiet: its planned reminders are
cancelled, its queued messages are held back, and its portal links stop opening (the client
reads that the case is closed). Its open deadlines are not dropped silently: closing is refused
while there are any, unless staff say they are no longer needed; they are then waived with the
closing outcome as their note.
"""

from __future__ import annotations

from sqlmodel import Session

from immigration_app.models import Case
from immigration_app.services import deadlines, reminders
from immigration_app.services.audit import record_event
from immigration_app.services.cases import CLOSING_OUTCOMES, can_assign
from immigration_app.services.errors import InvalidInput, NotPermitted
from immigration_app.services.firm import firm_clock
from immigration_app.services.messages import withhold_queued
from immigration_app.services.viewer import Viewer, visible_case

MAX_CLOSING_NOTE = 500
# Open deadlines named in the refusal; more are counted, not listed.
_LISTED_DEADLINES = 5


def _changeable(session: Session, actor: Viewer, reference: str, doing: str) -> Case:
    if not can_assign(actor):
        raise NotPermitted(f"Only attorneys and admins {doing} cases.")
    return visible_case(session, viewer=actor, reference=reference)


def _note_problem(note: str, *, required: str) -> str:
    if not note:
        return required
    if len(note) > MAX_CLOSING_NOTE:
        return f"Keep the note under {MAX_CLOSING_NOTE:,} characters."
    return ""


def _open_deadlines_problem(session: Session, case: Case) -> str:
    """Why the case cannot close yet: its open deadlines, named ("" when it has none)."""
    still_open = deadlines.open_deadlines(session, case.id)
    if not still_open:
        return ""
    clock = firm_clock(session)
    named = [f"{d.title} ({clock.date(d.due_on)})" for d in still_open[:_LISTED_DEADLINES]]
    if len(still_open) > _LISTED_DEADLINES:
        named.append(f"{len(still_open) - _LISTED_DEADLINES} more")
    return (
        f"{len(still_open)} open deadline(s): {'; '.join(named)}. Mark them met or waived on the "
        "Deadlines tab, or tick the box to waive them as no longer needed."
    )


def close_case(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    outcome: str,
    note: str = "",
    waive_open_deadlines: bool = False,
) -> Case:
    """Close a case with how it ended (one of CLOSING_OUTCOMES) on the firm's today."""
    case = _changeable(session, actor, reference, "close")
    note = note.strip()
    problems: dict[str, str] = {}
    if case.closed_on is not None:
        problems["outcome"] = (
            f"This case is already closed ({firm_clock(session).date(case.closed_on)})."
        )
    elif outcome not in CLOSING_OUTCOMES:
        problems["outcome"] = "Choose how the case ended."
    if problem := _note_problem(note, required="Say how it ended." if outcome == "other" else ""):
        problems["closing_note"] = problem
    if not (problems or waive_open_deadlines) and (
        problem := _open_deadlines_problem(session, case)
    ):
        problems["waive_deadlines"] = problem
    if problems:
        raise InvalidInput(problems)

    label = CLOSING_OUTCOMES[outcome]
    reason = f"{label}: {note}" if note else label
    waived = deadlines.waive_open_deadlines(
        session, actor=actor, case_id=case.id, note=f"No longer needed: the case closed ({reason})."
    )
    clock = firm_clock(session)
    case.closed_on = clock.today()
    session.add(case)
    reminders.cancel_for_case(session, case.id)
    withheld = withhold_queued(session, case.id, f"Not sent: the case was closed ({label}).")
    record_event(
        session,
        kind="case_closed",
        summary=f"Case closed: {reason}",
        actor=actor,
        case_id=case.id,
        before={"closed_on": None},
        after={
            "closed_on": clock.date(case.closed_on),
            "outcome": outcome,
            "note": note,
            "waived_deadlines": [deadline.title for deadline in waived],
            "withheld_messages": withheld,
        },
    )
    return case


def reopen_case(session: Session, *, actor: Viewer, reference: str, reason: str) -> Case:
    """Open a closed case again (the decision was appealed, the client came back). Deadlines
    waived at closing stay waived; the client's reminders start again."""
    case = _changeable(session, actor, reference, "reopen")
    reason = reason.strip()
    problems: dict[str, str] = {}
    if case.closed_on is None:
        problems["reopen_reason"] = "This case is open."
    elif problem := _note_problem(reason, required="Say why the case is reopened."):
        problems["reopen_reason"] = problem
    if problems:
        raise InvalidInput(problems)
    before = firm_clock(session).date(case.closed_on)
    case.closed_on = None
    session.add(case)
    reminders.replan_document_reminders(session, case)
    reminders.replan_status_updates(session, case)
    record_event(
        session,
        kind="case_reopened",
        summary=f"Case reopened: {reason}",
        actor=actor,
        case_id=case.id,
        before={"closed_on": before},
        after={"closed_on": None, "reason": reason},
    )
    return case
