"""The people on an open case: adding someone, changing their role, taking them off.

What hangs on a member is kept in step: an added member (or a new role) is asked for the
documents the case type's list asks of that role, and the client hears about missing ones as
before. Nothing anyone sent is ever deleted: a member who uploaded a document or used a portal
link stays on the case (staff waive their items instead), and filled forms keep what they were
filled with until they are filled again.
"""

from __future__ import annotations

from sqlmodel import Session, delete, func, or_, select

from immigration_app import catalog
from immigration_app.models import (
    Case,
    CaseChecklistItem,
    CaseMember,
    Deadline,
    DeadlineStatus,
    DocumentFile,
    ItemStatus,
    MemberRole,
    Person,
    PortalLink,
)
from immigration_app.services import deadlines, reminders
from immigration_app.services.audit import record_event
from immigration_app.services.cases import MemberInput, member_problems
from immigration_app.services.checklists import ask_member
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.people import create_person, display_name
from immigration_app.services.viewer import Viewer, visible_case


def _role_name(role: str) -> str:
    return role.replace("_", " ")


def _open_case(session: Session, actor: Viewer, reference: str) -> Case:
    case = visible_case(session, viewer=actor, reference=reference)
    if case.closed_on is not None:
        raise InvalidInput({"member": "This case is closed: its people no longer change."})
    return case


def _member(session: Session, case: Case, member_id: int) -> tuple[CaseMember, Person]:
    member = session.get(CaseMember, member_id)
    if member is None or member.case_id != case.id:
        raise NotFound(f"Member {member_id} is not on case {case.reference}")
    return member, session.get(Person, member.person_id)


def _others(session: Session, member: CaseMember) -> list[CaseMember]:
    return list(
        session.exec(
            select(CaseMember)
            .where(CaseMember.case_id == member.case_id, CaseMember.id != member.id)
            .order_by(CaseMember.id)
        )
    )


def _keep_required_role(session: Session, case: Case, member: CaseMember, name: str) -> None:
    """Refuse to leave the case without anyone in a role its type needs."""
    kind = catalog.case_types().get(case.case_type)
    if kind is None or member.role not in kind.roles:
        return
    if any(other.role == member.role for other in _others(session, member)):
        return
    role = _role_name(member.role)
    raise InvalidInput(
        {
            "member": f"{name} is the only {role} on this case, and a {kind.title} case needs "
            f"one. Add the other {role} first."
        }
    )


def _pass_on_client(session: Session, case: Case, member: CaseMember) -> None:
    """The firm's client leaves (or changes role): the next member in the client's role is it."""
    if not member.is_primary_client:
        return
    member.is_primary_client = False
    client_role = catalog.case_types()[case.case_type].client_role
    heir = next((m for m in _others(session, member) if m.role == client_role), None)
    if heir is not None:
        heir.is_primary_client = True
        session.add(heir)


def _take_client_role(session: Session, case: Case, member: CaseMember) -> None:
    """A member in the client's role is the client when the case has none."""
    kind = catalog.case_types().get(case.case_type)
    if kind is None or member.role != kind.client_role:
        return
    if not any(other.is_primary_client for other in _others(session, member)):
        member.is_primary_client = True


def add_member(
    session: Session, *, actor: Viewer, reference: str, member: MemberInput
) -> tuple[CaseMember, int]:
    """Put someone found (among the people the actor may see) or entered new on an open case;
    returns the member and how many documents they are asked for."""
    case = _open_case(session, actor, reference)
    kind = catalog.case_types()[case.case_type]
    if problems := member_problems(session, actor, kind, member):
        raise InvalidInput(problems)
    if member.person_id is not None:
        on_case = session.exec(
            select(CaseMember).where(
                CaseMember.case_id == case.id, CaseMember.person_id == member.person_id
            )
        ).first()
        if on_case is not None:
            name = display_name(session.get(Person, member.person_id))
            raise InvalidInput(
                {
                    "person": f"{name} is already on this case as {_role_name(on_case.role)}: "
                    "change their role on their card instead."
                }
            )
    person = (
        session.get(Person, member.person_id)
        if member.person_id is not None
        else create_person(session, member.new_person)
    )
    row = CaseMember(case_id=case.id, person_id=person.id, role=MemberRole(member.role))
    _take_client_role(session, case, row)
    session.add(row)
    session.flush()
    asked = ask_member(session, case, row)
    reminders.replan_document_reminders(session, case)
    deadlines.follow_profile_dates(session, actor=actor, person_id=person.id)
    name = display_name(person)
    record_event(
        session,
        kind="member_added",
        summary=f"{name} added as {_role_name(member.role)}",
        actor=actor,
        case_id=case.id,
        after={"member": name, "role": member.role, "documents_asked": asked},
    )
    return row, asked


def change_member_role(
    session: Session, *, actor: Viewer, reference: str, member_id: int, role: str
) -> int:
    """Give a member another role of the case type; returns how many more documents the new
    role asks of them. What the old role asked stays on the case for staff to waive."""
    case = _open_case(session, actor, reference)
    member, person = _member(session, case, member_id)
    kind = catalog.case_types()[case.case_type]
    if role not in kind.all_roles:
        raise InvalidInput({"role": "Choose a role this type of case has."})
    if role == member.role:
        return 0
    name = display_name(person)
    _keep_required_role(session, case, member, name)
    before = member.role
    _pass_on_client(session, case, member)
    member.role = MemberRole(role)
    _take_client_role(session, case, member)
    session.add(member)
    session.flush()
    asked = ask_member(session, case, member)
    reminders.replan_document_reminders(session, case)
    record_event(
        session,
        kind="member_role_changed",
        summary=f"{name} is now {_role_name(role)} (was {_role_name(before)})",
        actor=actor,
        case_id=case.id,
        before={"role": _role_name(before)},
        after={"role": _role_name(role)},
    )
    return asked


def _keeps_them(session: Session, member: CaseMember, name: str) -> str:
    """Why the member must stay on the case for what they sent or what was done; "" if not."""
    uploads = session.exec(
        select(func.count())
        .select_from(DocumentFile)
        .join(CaseChecklistItem, CaseChecklistItem.id == DocumentFile.item_id)
        .where(CaseChecklistItem.member_id == member.id)
    ).one()
    if uploads:
        return (
            f"{name} has {uploads} uploaded document(s) on this case, which are kept: waive "
            f"{name}'s checklist items on the Documents tab instead."
        )
    worked_on = session.exec(
        select(CaseChecklistItem.id).where(
            CaseChecklistItem.member_id == member.id,
            or_(
                CaseChecklistItem.status != ItemStatus.NEEDED,
                CaseChecklistItem.added_for_case.is_(True),
            ),
        )
    ).first()
    if worked_on is not None:
        return (
            f"Staff have worked on {name}'s checklist (an item waived or added for this case): "
            "it stays with the case. Waive the items still needed instead."
        )
    used_link = session.exec(
        select(PortalLink.id).where(
            PortalLink.member_id == member.id, PortalLink.last_used_at.is_not(None)
        )
    ).first()
    if used_link is not None:
        return (
            f"{name} has used a portal link on this case, and what they gave there stays with "
            "it. Revoke the link on the Documents tab and waive their items instead."
        )
    return ""


def remove_member(session: Session, *, actor: Viewer, reference: str, member_id: int) -> str:
    """Take a member off an open case; returns what staff should know about what stayed.

    Refused (InvalidInput on "member") for the last member in a role the case type needs, and
    for a member who sent anything or whose documents staff worked on. Otherwise the documents
    still asked of them are withdrawn, their unused portal links stop working, and deadlines
    that follow dates on their profile are waived."""
    case = _open_case(session, actor, reference)
    member, person = _member(session, case, member_id)
    name = display_name(person)
    if not _others(session, member):
        raise InvalidInput({"member": f"{name} is the only person on this case."})
    _keep_required_role(session, case, member, name)
    if reason := _keeps_them(session, member, name):
        raise InvalidInput({"member": reason})
    session.exec(delete(CaseChecklistItem).where(CaseChecklistItem.member_id == member.id))
    session.exec(delete(PortalLink).where(PortalLink.member_id == member.id))
    following = session.exec(
        select(Deadline).where(
            Deadline.case_id == case.id,
            Deadline.person_id == person.id,
            Deadline.status == DeadlineStatus.OPEN,
        )
    ).all()
    for deadline in following:
        deadlines.close_deadline(
            session,
            actor=actor,
            reference=case.reference,
            deadline_id=deadline.id,
            outcome=DeadlineStatus.WAIVED,
            note=f"{name} was taken off the case.",
        )
    _pass_on_client(session, case, member)
    role = _role_name(member.role)
    session.delete(member)
    session.flush()
    reminders.replan_document_reminders(session, case)
    record_event(
        session,
        kind="member_removed",
        summary=f"{name} ({role}) taken off the case",
        actor=actor,
        case_id=case.id,
        before={"member": name, "role": role},
        after={"member": "", "role": ""},
    )
    return (
        f"Forms filled before keep {name}'s details: fill them again to leave {name} out. "
        f"{name}'s profile stays on file."
    )
