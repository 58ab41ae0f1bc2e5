"""kiosk audit head: the witness of each kiosk's audit chain (issue 16; sync/audit_witness.py, docs/security.md)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06

One row per kiosk: the latest chain head (seq, MAC) the kiosk proved at a sync, and a flag kept once a head came
lower than the one held or did not extend it. Numbers and MACs only. Frozen: never edit a landed migration.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kiosk_audit_head',
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('mac', sa.String(length=64), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('flag', sa.String(length=16), nullable=True),
    sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('flag_held_seq', sa.BigInteger(), nullable=True),
    sa.Column('flag_reported_seq', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosk.id'], ),
    sa.PrimaryKeyConstraint('kiosk_id')
    )


def downgrade() -> None:
    op.drop_table('kiosk_audit_head')
