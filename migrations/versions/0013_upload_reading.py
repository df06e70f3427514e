"""archive uploads read in a background job: the job, and why an upload was refused

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 10:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('archive_uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('problems', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('archive_uploads', schema=None) as batch_op:
        batch_op.drop_column('problems')
        batch_op.drop_column('reason')
        batch_op.drop_column('job_id')
