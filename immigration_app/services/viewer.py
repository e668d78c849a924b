"""Who is asking: the signed-in staff member, as every service sees them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import or_

from immigration_app.models import Case, Role


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


def visible_cases(viewer: Viewer):
    """The WHERE clause limiting cases to those the viewer may see."""
    if viewer.sees_all_cases:
        return sa.true()
    return or_(Case.paralegal_id == viewer.id, Case.paralegal_id.is_(None))
