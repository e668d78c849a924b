"""Deadlines on a case, and the case's next one that lists sort and filter on.

The deadline engine (rules, reminders) builds on this; every change to a case's
deadlines goes through here so `Case.next_deadline_on` never drifts.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, func, select

from immigration_app.models import Case, Deadline, DeadlineStatus
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput
from immigration_app.services.viewer import Viewer


def refresh_next_deadline(session: Session, case_id: int) -> None:
    session.flush()
    case = session.get(Case, case_id)
    case.next_deadline_on = session.exec(
        select(func.min(Deadline.due_on)).where(
            Deadline.case_id == case_id, Deadline.status == DeadlineStatus.OPEN
        )
    ).one()
    session.add(case)


def add_deadline(
    session: Session, *, actor: Viewer | None, case_id: int, title: str, due_on: date
) -> Deadline:
    if not title.strip():
        raise InvalidInput({"title": "Say what is due."})
    deadline = Deadline(case_id=case_id, title=title.strip()[:200], due_on=due_on)
    session.add(deadline)
    refresh_next_deadline(session, case_id)
    record_event(
        session,
        kind="deadline_added",
        summary=f"Deadline added: {deadline.title}, due {due_on.isoformat()}",
        actor=actor,
        case_id=case_id,
        after={"title": deadline.title, "due_on": due_on.isoformat()},
    )
    return deadline
