"""Deadline engine, reminders, messages, message templates, calendar feeds.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 21:35:15.143182
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel types)
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # APScheduler's job table, as its SQLAlchemyJobStore defines it. Made here so that
    # several workers starting at once never race to create it.
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(191), primary_key=True),
        sa.Column("next_run_time", sa.Float(25), index=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
    )
    op.create_table('case_type_setting',
    sa.Column('case_type', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('buffer_days', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('case_type')
    )
    op.create_table('message_template_text',
    sa.Column('template', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('template', 'language')
    )
    op.create_table('calendar_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feed_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_feed_user_id'), ['user_id'], unique=False)

    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=True),
    sa.Column('lead_days', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ),
    sa.ForeignKeyConstraint(['deadline_id'], ['case_deadline.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_deadline_id'), ['deadline_id'], unique=False)
        batch_op.create_index('ix_reminder_status_due', ['status', 'due_at'], unique=False)

    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('template', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('reminder_id', sa.Integer(), nullable=True),
    sa.Column('recipient_user_id', sa.Integer(), nullable=True),
    sa.Column('recipient_person_id', sa.Integer(), nullable=True),
    sa.Column('recipient_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_to', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ),
    sa.ForeignKeyConstraint(['recipient_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['recipient_user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminder.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_recipient_user_id'), ['recipient_user_id'], unique=False)
        batch_op.create_index('ix_message_status_next_attempt', ['status', 'next_attempt_at'], unique=False)

    with op.batch_alter_table('case_deadline', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default='due'))
        batch_op.add_column(sa.Column('rule_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('trigger_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('mailed', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('computed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('printed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('internal_target_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('explanation', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('warning', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('starts_at_local', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False, server_default=''))
        batch_op.create_foreign_key('fk_case_deadline_person_id', 'person', ['person_id'], ['id'])
        batch_op.create_foreign_key('fk_case_deadline_closed_by_id', 'app_user', ['closed_by_id'], ['id'])
        batch_op.create_foreign_key('fk_case_deadline_created_by_id', 'app_user', ['created_by_id'], ['id'])

    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('no_update_every_days', sa.Integer(), nullable=False, server_default='14'))

    with op.batch_alter_table('firm_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_reminder_lead_days', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False, server_default='30,14,7,1'))
        batch_op.add_column(sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False, server_default=''))



def downgrade() -> None:
    op.drop_table("apscheduler_jobs")
    with op.batch_alter_table('firm_settings', schema=None) as batch_op:
        batch_op.drop_column('phone')
        batch_op.drop_column('staff_reminder_lead_days')

    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('no_update_every_days')

    with op.batch_alter_table('case_deadline', schema=None) as batch_op:
        batch_op.drop_constraint('fk_case_deadline_person_id', type_='foreignkey')
        batch_op.drop_constraint('fk_case_deadline_closed_by_id', type_='foreignkey')
        batch_op.drop_constraint('fk_case_deadline_created_by_id', type_='foreignkey')
        batch_op.drop_column('closed_note')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('closed_by_id')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('place')
        batch_op.drop_column('starts_at_local')
        batch_op.drop_column('warning')
        batch_op.drop_column('explanation')
        batch_op.drop_column('internal_target_on')
        batch_op.drop_column('printed_on')
        batch_op.drop_column('computed_on')
        batch_op.drop_column('mailed')
        batch_op.drop_column('trigger_on')
        batch_op.drop_column('rule_key')
        batch_op.drop_column('kind')
        batch_op.drop_column('person_id')

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index('ix_message_status_next_attempt')
        batch_op.drop_index(batch_op.f('ix_message_recipient_user_id'))
        batch_op.drop_index(batch_op.f('ix_message_created_at'))
        batch_op.drop_index(batch_op.f('ix_message_case_id'))

    op.drop_table('message')
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_status_due')
        batch_op.drop_index(batch_op.f('ix_reminder_deadline_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_case_id'))

    op.drop_table('reminder')
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feed_user_id'))
        batch_op.drop_index(batch_op.f('ix_calendar_feed_case_id'))

    op.drop_table('calendar_feed')
    op.drop_table('message_template_text')
    op.drop_table('case_type_setting')
