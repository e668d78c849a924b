"""Test data builders: staff accounts and cases with sensible defaults."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from immigration_app import catalog
from immigration_app.models import Case, User
from immigration_app.services.cases import MemberInput, open_case
from immigration_app.services.db import get_engine
from immigration_app.services.people import PersonInput
from immigration_app.services.users import create_user, viewer_of
from immigration_app.services.viewer import Viewer

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_user(session: Session, *, role: str = "paralegal", email: str | None = None) -> User:
    number = next(_numbers)
    return create_user(
        session,
        email=email or f"{role}{number}@firm.example",
        full_name=f"{role.title()} Number{number}",
        role=role,
        password=PASSWORD,
        actor=None,
    )


def make_viewer(session: Session, *, role: str = "paralegal") -> Viewer:
    return viewer_of(make_user(session, role=role))


def make_case(
    session: Session,
    *,
    actor: Viewer,
    case_type: str = "n400-naturalization",
    family_name: str = "Garcia",
    attorney_id: int | None = None,
    paralegal_id: int | None = None,
) -> Case:
    client = PersonInput(family_name=family_name, given_name="Maria", date_of_birth="1980-05-17")
    return open_case(
        session,
        actor=actor,
        case_type=case_type,
        members=[MemberInput(role=client_role(case_type), new_person=client)],
        attorney_id=attorney_id,
        paralegal_id=paralegal_id,
    )


def client_role(case_type: str) -> str:
    return catalog.case_types()[case_type].client_role


@contextlib.contextmanager
def rewriting_events(connection) -> Iterator[None]:
    """Let this connection change or remove events inside the block: tests that empty the
    database or date an event in the past. Triggers refuse it to anything else (migrations
    0008 on PostgreSQL, 0012 on SQLite)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SET LOCAL case_desk.allow_audit_purge = 'on'"))
        yield
        return
    connection.execute(sa.text("CREATE TEMP TABLE allow_audit_purge (unused INTEGER)"))
    try:
        yield
    finally:
        connection.execute(sa.text("DROP TABLE temp.allow_audit_purge"))


def empty_database() -> None:
    """Remove every row of every table, as the unit tests do between tests."""
    with get_engine().begin() as connection, rewriting_events(connection):
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
