"""the audit log is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE of case_event

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 07:30:00.000000

Only a session that turns on `case_desk.allow_audit_purge` (the test suite, emptying its
database between tests) may delete rows. SQLite has no such guard: there the application's
code, which has no update or delete path for case_event, is the only one.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUNCTION = """
CREATE OR REPLACE FUNCTION case_event_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('case_desk.allow_audit_purge', true), '') = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION 'case_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""

_TRIGGER = """
CREATE TRIGGER case_event_append_only
BEFORE UPDATE OR DELETE ON case_event
FOR EACH ROW EXECUTE FUNCTION case_event_append_only()
"""


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _postgresql():
        op.execute(_FUNCTION)
        op.execute(_TRIGGER)


def downgrade() -> None:
    if _postgresql():
        op.execute("DROP TRIGGER IF EXISTS case_event_append_only ON case_event")
        op.execute("DROP FUNCTION IF EXISTS case_event_append_only()")
