"""Staff accounts: creation with validation, roles, deactivation, look-ups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, func, select

from immigration_app.models import Role, User
from immigration_app.services.audit import record_event
from immigration_app.services.errors import (
    InvalidInput,
    NotFound,
    NotPermitted,
    over_column_limits,
)
from immigration_app.services.passwords import hash_password, password_problem
from immigration_app.services.viewer import Viewer


def normalize_email(email: str) -> str:
    """The canonical form of an address, or InvalidInput naming the `email` field."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise InvalidInput({"email": str(error)}) from None


def create_user(
    session: Session,
    *,
    email: str,
    full_name: str,
    role: str,
    password: str,
    actor: Viewer | None,
) -> User:
    problems: dict[str, str] = {}
    try:
        email = normalize_email(email)
    except InvalidInput as error:
        problems.update(error.fields)
    if not full_name.strip():
        problems["full_name"] = "Enter the person's name."
    problems |= over_column_limits(User, {"full_name": full_name.strip()})
    if role not in {r.value for r in Role}:
        problems["role"] = "Choose admin, attorney or paralegal."
    if problem := password_problem(password):
        problems["password"] = problem
    if "email" not in problems and find_user_by_email(session, email) is not None:
        problems["email"] = "A user with this email already exists."
    if problems:
        raise InvalidInput(problems)

    user = User(
        email=email,
        full_name=full_name.strip(),
        role=Role(role),
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        kind="user_created",
        summary=f"User {email} created as {role}",
        actor=actor,
        after={"email": email, "role": role, "full_name": user.full_name},
    )
    return user


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.lower())).first()


class StaffMember(NamedTuple):
    """A colleague to choose from a list: an assignee, a reviewer."""

    id: int
    full_name: str
    role: Role


def active_staff(session: Session, *, role: Role | None = None) -> list[StaffMember]:
    """Everyone who may sign in, by name. Three columns, not whole accounts: every dashboard
    and case page asks for this list."""
    query = select(User.id, User.full_name, User.role).where(User.is_active)
    if role is not None:
        query = query.where(User.role == role)
    return [StaffMember(*row) for row in session.exec(query.order_by(User.full_name))]


def viewer_of(user: User) -> Viewer:
    return Viewer(id=user.id, email=user.email, full_name=user.full_name, role=Role(user.role))


@dataclass(frozen=True)
class StaffRow:
    id: int
    full_name: str
    email: str
    role: str
    is_active: bool
    is_reviewer: bool
    two_step: bool  # signs in with an authenticator code (an admin can reset it)


def list_staff(session: Session) -> list[StaffRow]:
    """Everyone with an account, active first, then by name."""
    users = session.exec(select(User).order_by(User.is_active.desc(), User.full_name))
    return [
        StaffRow(
            id=user.id,
            full_name=user.full_name,
            email=user.email,
            role=user.role,
            is_active=user.is_active,
            is_reviewer=user.is_reviewer,
            two_step=user.two_step_enabled_at is not None,
        )
        for user in users
    ]


def _other_active_admins(session: Session, user_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.is_active, User.id != user_id)
    ).one()


def _staff_member(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user {user_id}")
    return user


def set_user_active(session: Session, *, actor: Viewer, user_id: int, active: bool) -> User:
    """Deactivate (their sessions stop working at once) or reactivate an account."""
    user = _staff_member(session, user_id)
    if user.is_active == active:
        return user
    if not active and user.id == actor.id:
        raise InvalidInput({"user": "You cannot deactivate your own account."})
    if not active and user.role == Role.ADMIN and _other_active_admins(session, user.id) == 0:
        raise InvalidInput({"user": "The firm needs at least one active admin."})
    user.is_active = active
    session.add(user)
    record_event(
        session,
        kind="user_reactivated" if active else "user_deactivated",
        summary=f"{user.email} {'reactivated' if active else 'deactivated'}",
        actor=actor,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return user


def change_role(session: Session, *, actor: Viewer, user_id: int, role: str) -> User:
    user = _staff_member(session, user_id)
    if role not in {r.value for r in Role}:
        raise InvalidInput({"role": "Choose admin, attorney or paralegal."})
    if user.role == role:
        return user
    if user.role == Role.ADMIN and _other_active_admins(session, user.id) == 0:
        raise InvalidInput({"role": "The firm needs at least one active admin."})
    before = user.role
    user.role = Role(role)
    session.add(user)
    record_event(
        session,
        kind="user_role_changed",
        summary=f"{user.email}: role changed from {before} to {role}",
        actor=actor,
        before={"role": str(before)},
        after={"role": role},
    )
    return user


def set_reviewer(session: Session, *, actor: Viewer, user_id: int, reviewer: bool) -> User:
    """Let a staff member who is not an attorney review packets (never their own), or stop it."""
    if actor.role != Role.ADMIN:
        raise NotPermitted("Only admins choose who reviews packets.")
    user = _staff_member(session, user_id)
    if user.is_reviewer == reviewer:
        return user
    user.is_reviewer = reviewer
    session.add(user)
    record_event(
        session,
        kind="user_reviewer_changed",
        summary=f"{user.email}: {'may now review' if reviewer else 'no longer reviews'} packets",
        actor=actor,
        before={"is_reviewer": not reviewer},
        after={"is_reviewer": reviewer},
    )
    return user
