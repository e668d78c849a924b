"""Who is asking: the signed-in staff member, as every service sees them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, or_, select

from immigration_app.models import Case, Role
from immigration_app.services.errors import NotFound, NotPermitted


@dataclass(frozen=True)
class Viewer:
    id: int
    email: str
    full_name: str
    role: Role

    @property
    def sees_all_cases(self) -> bool:
        """Attorneys and admins see every case; paralegals see theirs and unassigned ones."""
        return self.role in (Role.ADMIN, Role.ATTORNEY)


def require_admin(viewer: Viewer, doing: str) -> None:
    """NotPermitted unless the viewer is an admin; `doing` ends "Only an admin may ..."."""
    if viewer.role != Role.ADMIN:
        raise NotPermitted(f"Only an admin may {doing}.")


def visible_cases(viewer: Viewer):
    """The WHERE clause limiting cases to those the viewer may see."""
    if viewer.sees_all_cases:
        return sa.true()
    return or_(Case.paralegal_id == viewer.id, Case.paralegal_id.is_(None))


def visible_case(session: Session, *, viewer: Viewer, reference: str) -> Case:
    """The case with this reference, if the viewer may see it; NotFound otherwise."""
    case = session.exec(
        select(Case).where(Case.reference == reference[:20], visible_cases(viewer))
    ).first()
    if case is None:
        raise NotFound(f"No case {reference}")
    return case
