"""review cycle: member-year facts, rating steps, meetings, attendance and vote tallies

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), sa.ForeignKey("review_cycles.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("temporary_unit", sa.String(length=200), nullable=False),
        sa.Column("temporary_comments", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "member_id"),
    )
    with op.batch_alter_table("member_years") as batch:
        batch.create_index("ix_member_years_cycle_id", ["cycle_id"])
        batch.create_index("ix_member_years_member_id", ["member_id"])
    op.create_table(
        "rating_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), sa.ForeignKey("review_cycles.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=True),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("score_total", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rating_steps") as batch:
        batch.create_index("ix_rating_steps_cycle_id", ["cycle_id"])
        batch.create_index("ix_rating_steps_member_id", ["member_id"])
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), sa.ForeignKey("review_cycles.id"), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("opened_at", sa.String(length=5), nullable=False),
        sa.Column("closed_at", sa.String(length=5), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("chair", sa.String(length=120), nullable=False),
        sa.Column("secretary", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id"),
    )
    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "member_id"),
    )
    with op.batch_alter_table("attendance") as batch:
        batch.create_index("ix_attendance_meeting_id", ["meeting_id"])
    op.create_table(
        "vote_tallies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("xuat_sac", sa.Integer(), nullable=False),
        sa.Column("tot", sa.Integer(), nullable=False),
        sa.Column("hoan_thanh", sa.Integer(), nullable=False),
        sa.Column("khong_hoan_thanh", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "member_id"),
    )
    with op.batch_alter_table("vote_tallies") as batch:
        batch.create_index("ix_vote_tallies_meeting_id", ["meeting_id"])


def downgrade() -> None:
    for table in ("vote_tallies", "attendance", "meetings", "rating_steps", "member_years"):
        op.drop_table(table)
