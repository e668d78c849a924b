"""Who is asking: the signed-in staff member, as every service sees them."""

from __future__ import annotations

from dataclasses import dataclass

from immigration_app.models import Role


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
