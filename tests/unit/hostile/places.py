"""Where hostile inputs land: staff, a case with an item that takes any file, a portal link.

Signing in is not under test here, so staff accounts share one password hash made once per run
(hashing a password takes Argon2 half a second by design, and the suite makes hundreds of them).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

from sqlmodel import Session, select

from immigration_app.models import Case, CaseChecklistItem, CaseMember, Role, User
from immigration_app.services.checklists import ItemText, add_case_item
from immigration_app.services.passwords import hash_password
from immigration_app.services.portal import PortalAccess, create_link, open_portal
from immigration_app.services.users import viewer_of
from immigration_app.services.viewer import Viewer
from tests.factories import PASSWORD, make_case

_numbers = itertools.count(1)

ANY_FILE = ItemText(
    code="anything",
    section="case-evidence",
    title_en="Any document",
    title_es="Cualquier documento",
    kinds=("pdf", "photo"),
    required=True,
)


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def staff(session: Session, role: str = "attorney") -> Viewer:
    number = next(_numbers)
    user = User(
        email=f"hostile-{role}{number}@firm.example",
        full_name=f"{role.title()} Number{number}",
        role=Role(role),
        password_hash=_password_hash(),
    )
    session.add(user)
    session.flush()
    return viewer_of(user)


@dataclass
class Place:
    staff: Viewer
    case: Case
    member: CaseMember
    item: CaseChecklistItem
    access: PortalAccess


def place(session: Session) -> Place:
    attorney = staff(session)
    case = make_case(session, actor=attorney)
    member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).first()
    item = add_case_item(
        session,
        actor=attorney,
        reference=case.reference,
        member_id=member.id,
        text=ANY_FILE,
        reason="Evidence",
    )
    _, token = create_link(
        session, actor=attorney, reference=case.reference, member_id=member.id, send_email=False
    )
    access = open_portal(session, token=token)
    session.flush()
    return Place(attorney, case, member, item, access)
