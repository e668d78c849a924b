"""The append-only event log: a case's timeline and the firm's audit trail.

Only `record_event` writes it. There is deliberately no update or delete.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, update

from immigration_app.models import Case, CaseEvent, utcnow
from immigration_app.services.viewer import Viewer

# Who an event names when a client acted through their portal link (they are no staff user).
PORTAL_ACTOR = "client via portal"


def record_event(
    session: Session,
    *,
    kind: str,
    summary: str,
    actor: Viewer | None,
    case_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    client_address: str = "",
    actor_label: str | None = None,
) -> CaseEvent:
    event = CaseEvent(
        case_id=case_id,
        actor_user_id=actor.id if actor else None,
        actor_label=actor_label
        if actor_label is not None
        else (actor.email if actor else "system"),
        kind=kind,
        summary=summary[:500],
        before=before,
        after=after,
        client_address=client_address[:64],
        created_at=utcnow(),
    )
    session.add(event)
    if case_id is not None:
        session.exec(
            update(Case).where(Case.id == case_id).values(last_activity_at=event.created_at)
        )
    return event
