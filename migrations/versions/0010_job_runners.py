"""jobs belong to the process running them: job_runners with a heartbeat, jobs.owner

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 08:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_runners',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('job_runners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_runners_heartbeat_at'), ['heartbeat_at'], unique=False)
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=80), nullable=True))
        batch_op.create_index(batch_op.f('ix_jobs_owner'), ['owner'], unique=False)
    # Jobs left active by the version before this one ran in threads of a process that is gone now: an owner that
    # never beats, so the first start fails them as before.
    op.execute("UPDATE jobs SET owner = 'before-0010' WHERE state IN ('queued', 'running')")


def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_owner'))
        batch_op.drop_column('owner')
    op.drop_table('job_runners')
