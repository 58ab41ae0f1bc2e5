"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-12-06

The portal's schema as `create_all` made it before migrations: a database made that way is stamped at this
revision by `kiosk-portal migrate` (portal/schema.py). Times are `DateTime(timezone=True)`, the implementation of
portal.db.UTCDateTime (migrations never import the models: they must stay what they were when they landed).
Frozen: never edit a landed migration; add a new one.
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attachment',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('first_kiosk_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_uuid', sa.String(length=36), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('outcome', sa.String(length=24), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=False),
    sa.Column('portal_received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kiosk_sent_at_raw', sa.String(length=64), nullable=False),
    sa.Column('attempt_raw', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_dossier', ['dossier_uuid', 'revision'], unique=False)

    op.create_table('dossier',
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('unit_id', sa.String(length=40), nullable=False),
    sa.Column('kiosk_number', sa.Integer(), nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('procedure_code', sa.String(length=20), nullable=False),
    sa.Column('procedure_version', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('appointment_date', sa.String(length=10), nullable=False),
    sa.Column('appointment_time', sa.String(length=5), nullable=False),
    sa.Column('tracking_token', sa.String(length=128), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('status_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('uuid'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_slot', ['unit_id', 'kiosk_number'], unique=False)

    op.create_table('enrolment_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_sha256', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.String(length=40), nullable=False),
    sa.Column('kiosk_number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('kiosk_id', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_sha256')
    )
    op.create_table('event_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_uuid', sa.String(length=36), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('outcome', sa.String(length=24), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=False),
    sa.Column('portal_received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kiosk_sent_at_raw', sa.String(length=64), nullable=False),
    sa.Column('attempt_raw', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event_delivery', schema=None) as batch_op:
        batch_op.create_index('ix_event_delivery_event', ['event_uuid'], unique=False)

    op.create_table('kiosk',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('unit_id', sa.String(length=40), nullable=False),
    sa.Column('kiosk_number', sa.Integer(), nullable=False),
    sa.Column('secret_sha256', sa.String(length=64), nullable=False),
    sa.Column('app_version', sa.String(length=40), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.create_index('ix_kiosk_slot', ['unit_id', 'kiosk_number'], unique=False)

    op.create_table('published_procedure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('definition', sa.LargeBinary(), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', 'version', name='uq_published_procedure')
    )
    op.create_table('counter_event',
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.String(length=40), nullable=False),
    sa.Column('kiosk_number', sa.Integer(), nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('dossier_uuid', sa.String(length=36), nullable=True),
    sa.Column('notice_number', sa.String(length=30), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('portal_received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status_before', sa.Integer(), nullable=True),
    sa.Column('status_change_id', sa.Integer(), nullable=True),
    sa.Column('voided_by', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['dossier_uuid'], ['dossier.uuid'], ),
    sa.PrimaryKeyConstraint('uuid')
    )
    with op.batch_alter_table('counter_event', schema=None) as batch_op:
        batch_op.create_index('ix_counter_event_dossier', ['dossier_uuid'], unique=False)
        batch_op.create_index('ix_counter_event_slot', ['unit_id', 'kiosk_number'], unique=False)

    op.create_table('dossier_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_uuid', sa.String(length=36), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('portal_received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kiosk_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('kiosk_sent_at_raw', sa.String(length=64), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=True),
    sa.Column('app_version', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['dossier_uuid'], ['dossier.uuid'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dossier_uuid', 'revision', name='uq_dossier_revision')
    )
    op.create_table('kiosk_replacement',
    sa.Column('code_sha256', sa.String(length=64), nullable=False),
    sa.Column('replaces_kiosk_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['replaces_kiosk_id'], ['kiosk.id'], ),
    sa.PrimaryKeyConstraint('code_sha256')
    )
    op.create_table('kiosk_report',
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('queue_length', sa.Integer(), nullable=False),
    sa.Column('app_version', sa.String(length=40), nullable=False),
    sa.Column('kiosk_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('clock_skew_s', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosk.id'], ),
    sa.PrimaryKeyConstraint('kiosk_id')
    )
    op.create_table('receipt_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('unit_id', sa.String(length=40), nullable=False),
    sa.Column('kiosk_number', sa.Integer(), nullable=False),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosk.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kiosk_id', 'public_key', name='uq_receipt_key')
    )
    with op.batch_alter_table('receipt_key', schema=None) as batch_op:
        batch_op.create_index('ix_receipt_key_slot', ['unit_id', 'kiosk_number'], unique=False)

    op.create_table('status_change',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('dossier_uuid', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=40), nullable=False),
    sa.Column('kiosk_number', sa.Integer(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_uuid'], ['dossier.uuid'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.create_index('ix_status_change_slot', ['unit_id', 'kiosk_number', 'id'], unique=False)

    op.create_table('unit_alias',
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('unit_id', sa.String(length=40), nullable=False),
    sa.Column('kiosk_number', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosk.id'], ),
    sa.PrimaryKeyConstraint('kiosk_id', 'unit_id')
    )
    with op.batch_alter_table('unit_alias', schema=None) as batch_op:
        batch_op.create_index('ix_unit_alias_slot', ['unit_id', 'kiosk_number'], unique=False)

    op.create_table('status_change_detail',
    sa.Column('status_change_id', sa.Integer(), nullable=False),
    sa.Column('event_uuid', sa.String(length=36), nullable=True),
    sa.Column('event_kind', sa.String(length=20), nullable=True),
    sa.Column('missing', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['status_change_id'], ['status_change.id'], ),
    sa.PrimaryKeyConstraint('status_change_id')
    )


def downgrade() -> None:
    op.drop_table('status_change_detail')
    with op.batch_alter_table('unit_alias', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_alias_slot')

    op.drop_table('unit_alias')
    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.drop_index('ix_status_change_slot')

    op.drop_table('status_change')
    with op.batch_alter_table('receipt_key', schema=None) as batch_op:
        batch_op.drop_index('ix_receipt_key_slot')

    op.drop_table('receipt_key')
    op.drop_table('kiosk_report')
    op.drop_table('kiosk_replacement')
    op.drop_table('dossier_revision')
    with op.batch_alter_table('counter_event', schema=None) as batch_op:
        batch_op.drop_index('ix_counter_event_slot')
        batch_op.drop_index('ix_counter_event_dossier')

    op.drop_table('counter_event')
    op.drop_table('published_procedure')
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.drop_index('ix_kiosk_slot')

    op.drop_table('kiosk')
    with op.batch_alter_table('event_delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_event_delivery_event')

    op.drop_table('event_delivery')
    op.drop_table('enrolment_code')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_slot')

    op.drop_table('dossier')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_dossier')

    op.drop_table('delivery')
    op.drop_table('attachment')
