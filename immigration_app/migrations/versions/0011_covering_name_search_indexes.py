"""Covering indexes for the name search: token -> people -> cases without row lookups.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 15:56:05.812926
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel types)
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('case_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_member_person_id'))
        batch_op.create_index('ix_case_member_person_case', ['person_id', 'case_id'], unique=False)

    with op.batch_alter_table('person_search_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_search_token_token'))
        batch_op.create_index('ix_person_search_token_token_person', ['token', 'person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('person_search_token', schema=None) as batch_op:
        batch_op.drop_index('ix_person_search_token_token_person')
        batch_op.create_index(batch_op.f('ix_person_search_token_token'), ['token'], unique=False)

    with op.batch_alter_table('case_member', schema=None) as batch_op:
        batch_op.drop_index('ix_case_member_person_case')
        batch_op.create_index(batch_op.f('ix_case_member_person_id'), ['person_id'], unique=False)

