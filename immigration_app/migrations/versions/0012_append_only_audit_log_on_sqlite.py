"""the audit log is append-only on SQLite too: triggers refuse UPDATE and DELETE of case_event

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 16:20:00.000000

As on PostgreSQL (0008), only a connection that says so may rewrite events: here by holding a
temporary table named allow_audit_purge (the test suite, emptying its database between tests).
A temporary table belongs to one connection, so no other connection is let through. The check
reads pragma_table_list, which SQLite has had since 3.37 (2021); an older SQLite keeps only the
application's own guard, as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ALLOWED = (
    "EXISTS (SELECT 1 FROM pragma_table_list "
    "WHERE schema = 'temp' AND name = 'allow_audit_purge')"
)


def _trigger(operation: str) -> str:
    return f"""
CREATE TRIGGER case_event_append_only_{operation.lower()}
BEFORE {operation} ON case_event
WHEN NOT {_ALLOWED}
BEGIN
    SELECT RAISE(ABORT, 'case_event is append-only: {operation} refused');
END
"""


def _sqlite_with_table_list() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    version = bind.execute(sa.text("SELECT sqlite_version()")).scalar_one()
    return tuple(int(part) for part in version.split(".")[:2]) >= (3, 37)


def upgrade() -> None:
    if _sqlite_with_table_list():
        op.execute(_trigger("UPDATE"))
        op.execute(_trigger("DELETE"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS case_event_append_only_update")
        op.execute("DROP TRIGGER IF EXISTS case_event_append_only_delete")
