"""unit rule settings: the readings of the rating rules a unit sets (inherited below it), every change kept

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 10:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rule_setting_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.Text(), nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rule_setting_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_setting_changes_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rule_setting_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_setting_changes_unit_id'))
    op.drop_table('rule_setting_changes')
