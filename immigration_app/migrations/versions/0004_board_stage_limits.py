"""Board: the firm's name, order, SLA and WIP limit per stage, the case types that skip it,
and an index for reading one kind of event over a window of time.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 22:34:14.113697
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel types)
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.drop_index("ix_case_event_kind")
        batch_op.create_index("ix_case_event_kind_time", ["kind", "created_at"], unique=False)
    op.create_table('stage_setting',
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('sla_days', sa.Integer(), nullable=True),
    sa.Column('wip_limit', sa.Integer(), nullable=True),
    sa.Column('skipped_by', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('stage')
    )


def downgrade() -> None:
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.drop_index("ix_case_event_kind_time")
        batch_op.create_index("ix_case_event_kind", ["kind"], unique=False)
    op.drop_table('stage_setting')
