"""organisation: unit header lines, seal, signer, closing; member details and periods; account upkeep

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("superior_line", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("header_line", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("has_seal", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("signer_body", sa.String(150), nullable=False, server_default=""))
        batch.add_column(sa.Column("signer_title", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
    # A chi bộ under a đảng bộ cơ sở (or bộ phận) has no seal of its own.
    op.execute("UPDATE units SET has_seal = false WHERE kind = 'chi_bo' AND parent_id IN "
               "(SELECT id FROM units WHERE kind IN ('dang_bo_co_so', 'dang_bo_bo_phan'))")
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("sex", sa.String(10), nullable=False, server_default=""))
        batch.add_column(sa.Column("official_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("party_card", sa.String(30), nullable=False, server_default=""))
        batch.add_column(sa.Column("contact", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("status_on", sa.Date(), nullable=True))
        batch.create_index("ix_members_party_card", ["party_card"])
    op.create_table(
        "member_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(300), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_member_periods_member_id", "member_periods", ["member_id"])
    op.create_index("ix_member_periods_unit_id", "member_periods", ["unit_id"])
    # Every existing member: one open period in their chi bộ with their status, since before records began.
    op.execute("INSERT INTO member_periods (member_id, unit_id, status, start_on, end_on, note, recorded_at) "
               "SELECT id, unit_id, status, NULL, NULL, '', CURRENT_TIMESTAMP FROM members")
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("name", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        for name in ("revoked_at", "expires_at", "last_used_at", "name"):
            batch.drop_column(name)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_changed_at")
        batch.drop_column("must_change_password")
    op.drop_table("member_periods")
    with op.batch_alter_table("members") as batch:
        batch.drop_index("ix_members_party_card")
        for name in ("status_on", "contact", "party_card", "official_on", "sex"):
            batch.drop_column(name)
    with op.batch_alter_table("units") as batch:
        for name in ("closed_on", "signer_title", "signer_body", "has_seal", "header_line", "superior_line"):
            batch.drop_column(name)
