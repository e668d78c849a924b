"""Staff accounts: creation with validation, look-ups."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, select

from immigration_app.models import Role, User
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput
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


def active_staff(session: Session, *, role: Role | None = None) -> list[User]:
    query = select(User).where(User.is_active).order_by(User.full_name)
    if role is not None:
        query = query.where(User.role == role)
    return list(session.exec(query))


def viewer_of(user: User) -> Viewer:
    return Viewer(id=user.id, email=user.email, full_name=user.full_name, role=Role(user.role))
