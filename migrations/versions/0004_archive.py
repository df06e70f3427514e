"""archive: packets as printed, uploads, files, pages, signed copies, audit log

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 05:11:42.198695
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=40), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('seq')
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_unit_id'), ['unit_id'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('packets',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('job_id', sa.String(length=40), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('total_pages', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('packets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_packets_unit_id'), ['unit_id'], unique=False)

    op.create_table('archive_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('packet_code', sa.String(length=10), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_by', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=100), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['packet_code'], ['packets.code'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('archive_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_uploads_unit_id'), ['unit_id'], unique=False)

    op.create_table('packet_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('packet_code', sa.String(length=10), nullable=False),
    sa.Column('doc_code', sa.String(length=10), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=400), nullable=False),
    sa.Column('first_page', sa.Integer(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['packet_code'], ['packets.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('packet_code', 'doc_code')
    )
    with op.batch_alter_table('packet_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_packet_entries_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_packet_entries_packet_code'), ['packet_code'], unique=False)

    op.create_table('archive_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=300), nullable=False),
    sa.Column('media_type', sa.String(length=50), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('signatures', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['upload_id'], ['archive_uploads.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('upload_id', 'position')
    )
    with op.batch_alter_table('archive_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_files_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_archive_files_upload_id'), ['upload_id'], unique=False)

    op.create_table('signed_copies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['upload_id'], ['archive_uploads.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_id', 'upload_id')
    )
    with op.batch_alter_table('signed_copies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signed_copies_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signed_copies_upload_id'), ['upload_id'], unique=False)

    op.create_table('archive_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('doc_page', sa.Integer(), nullable=True),
    sa.Column('packet_code', sa.String(length=10), nullable=True),
    sa.Column('matched_by', sa.String(length=10), nullable=False),
    sa.Column('matched_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['file_id'], ['archive_files.id'], ),
    sa.ForeignKeyConstraint(['matched_by_user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('file_id', 'page')
    )
    with op.batch_alter_table('archive_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_pages_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_archive_pages_file_id'), ['file_id'], unique=False)

    with op.batch_alter_table('rating_steps', schema=None) as batch_op:
        batch_op.alter_column('score_total',
               existing_type=sa.FLOAT(),
               type_=sa.Double(),
               existing_nullable=True)



def downgrade() -> None:
    with op.batch_alter_table('rating_steps', schema=None) as batch_op:
        batch_op.alter_column('score_total',
               existing_type=sa.Double(),
               type_=sa.FLOAT(),
               existing_nullable=True)

    with op.batch_alter_table('archive_pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_pages_file_id'))
        batch_op.drop_index(batch_op.f('ix_archive_pages_document_id'))

    op.drop_table('archive_pages')
    with op.batch_alter_table('signed_copies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signed_copies_upload_id'))
        batch_op.drop_index(batch_op.f('ix_signed_copies_document_id'))

    op.drop_table('signed_copies')
    with op.batch_alter_table('archive_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_files_upload_id'))
        batch_op.drop_index(batch_op.f('ix_archive_files_sha256'))

    op.drop_table('archive_files')
    with op.batch_alter_table('packet_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_packet_entries_packet_code'))
        batch_op.drop_index(batch_op.f('ix_packet_entries_document_id'))

    op.drop_table('packet_entries')
    with op.batch_alter_table('archive_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_uploads_unit_id'))

    op.drop_table('archive_uploads')
    with op.batch_alter_table('packets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_packets_unit_id'))

    op.drop_table('packets')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_unit_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_document_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
