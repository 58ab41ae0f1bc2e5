"""status change seq: the kiosks' status cursor numbered in commit order (issue 17, item 4; docs/sync-protocol.md)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

`status_change.seq` is what kiosks page by; existing rows get seq = id, so a cursor a kiosk holds (an id) keeps
its meaning, and `status_cursor` (one row) starts at the highest id, so every new change comes after it.
Frozen: never edit a landed migration.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('status_cursor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.add_column('status_change', sa.Column('seq', sa.BigInteger(), nullable=True))
    op.execute("UPDATE status_change SET seq = id")
    op.execute("INSERT INTO status_cursor (id, value) SELECT 1, COALESCE(MAX(id), 0) FROM status_change")
    op.drop_index('ix_status_change_slot', table_name='status_change')
    op.create_index('ix_status_change_slot', 'status_change', ['unit_id', 'kiosk_number', 'seq'], unique=False)
    op.create_index('ux_status_change_seq', 'status_change', ['seq'], unique=True)


def downgrade() -> None:
    op.drop_index('ux_status_change_seq', table_name='status_change')
    op.drop_index('ix_status_change_slot', table_name='status_change')
    op.create_index('ix_status_change_slot', 'status_change', ['unit_id', 'kiosk_number', 'id'], unique=False)
    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.drop_column('seq')
    op.drop_table('status_cursor')
