"""sync: outbox payloads, portal status history, sync metadata

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Adds what the sync engine (issue 3) persists: the canonical body of each outbox revision, the
portal's receive time, the status note and history, and a key/value table for cursors.
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payload", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("payload_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("portal_received_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("portal_status_note", sa.Text(), nullable=True))
    op.create_table(
        "portal_status_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("cursor", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dossier_id", "cursor", name="uq_status_event_cursor"),
    )
    with op.batch_alter_table("portal_status_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portal_status_event_dossier_id"), ["dossier_id"], unique=False)
    op.create_table(
        "sync_meta",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("sync_meta")
    with op.batch_alter_table("portal_status_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_status_event_dossier_id"))
    op.drop_table("portal_status_event")
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_column("portal_status_note")
    with op.batch_alter_table("outbox_entry", schema=None) as batch_op:
        batch_op.drop_column("portal_received_at")
        batch_op.drop_column("payload_sha256")
        batch_op.drop_column("payload")
