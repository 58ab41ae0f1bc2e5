"""tracking hits: the citizen tracking page's rate limit kept in the database, shared by every worker (issue 17, item 3)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08

One row per client (SHA-256 of its address) with the start of its current one-minute window and the requests in it,
counted by one upsert (portal/ratelimit.py); rows whose window ended are deleted as requests come. Nothing to carry over: the old limit lived in each process's memory.
Frozen: never edit a landed migration.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tracking_hits',
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('window_start_ms', sa.BigInteger(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('client')
    )
    op.create_index('ix_tracking_hits_window_start', 'tracking_hits', ['window_start_ms'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_tracking_hits_window_start', table_name='tracking_hits')
    op.drop_table('tracking_hits')
