"""archive: active content found in an uploaded file (JavaScript, embedded files)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 07:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('archive_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warnings', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('archive_files', schema=None) as batch_op:
        batch_op.drop_column('warnings')
