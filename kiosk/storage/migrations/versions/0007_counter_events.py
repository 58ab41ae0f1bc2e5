"""counter events: guidance, refusal, stop, result ready, hand-back (and its void), apology, rating

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08

The counter's other half (issue 13, docs/counter-events.md):

- counter_event: one row per thing the counter did that is not a dossier revision. `body` is what goes to the
  portal (no personal data); `local` is what stays on this PC (the answers typed so far for a guidance notice,
  the receiver's name and ID number for a hand-back, the citizen's ID number for a refusal, the officer's note).
  The printed kinds carry a notice number `<kiosk>/<sequence>/<year>` per kind, allocated like dossier codes;
- dossier.result_ready_at, stopped_at, handed_back_at: the kiosk's own record of those events (portal_status
  still changes only through pulls); dossier.portal_status_cursor: the portal sequence number of the status
  shown, so a change pulled late never replaces a newer one (the echo rule);
- portal_status_event.event_uuid / event_kind / missing: a status change that echoes a kiosk event names it,
  and a status 5 carries the items the resolving agency asks for;
- outbox_entry: dossier_id and revision become nullable and event_id is added, so an event goes through the
  same outbox (states, frozen payload, idempotency) as a dossier revision. Batch mode here rebuilds
  outbox_entry only, which has no trigger; `dossier` is altered with plain ADD COLUMN (batch mode on it would
  drop the search index's triggers of 0004).

Frozen once landed: never edit it; add a new one.
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counter_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("notice_number", sa.String(30), nullable=True),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("local", sa.JSON(), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("echo_cursor", sa.String(40), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid", name="uq_counter_event_uuid"),
        sa.UniqueConstraint("kind", "notice_number", name="uq_counter_event_notice"),
    )
    op.create_index("ix_counter_event_dossier", "counter_event", ["dossier_id", "kind"])
    op.create_index("ix_counter_event_kind_at", "counter_event", ["kind", "at"])
    op.add_column("dossier", sa.Column("result_ready_at", sa.DateTime(), nullable=True))
    op.add_column("dossier", sa.Column("stopped_at", sa.DateTime(), nullable=True))
    op.add_column("dossier", sa.Column("handed_back_at", sa.DateTime(), nullable=True))
    op.add_column("dossier", sa.Column("portal_status_cursor", sa.Integer(), nullable=True))
    op.add_column("portal_status_event", sa.Column("event_uuid", sa.String(36), nullable=True))
    op.add_column("portal_status_event", sa.Column("event_kind", sa.String(20), nullable=True))
    op.add_column("portal_status_event", sa.Column("missing", sa.JSON(), nullable=True))
    with op.batch_alter_table("outbox_entry", schema=None) as batch_op:
        batch_op.alter_column("dossier_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("revision", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_outbox_event", "counter_event", ["event_id"], ["id"], ondelete="CASCADE")
        batch_op.create_unique_constraint("uq_outbox_event", ["event_id"])
    # The shown status's sequence number, for dossiers that already have one (the newest numeric cursor pulled).
    op.execute(
        "UPDATE dossier SET portal_status_cursor = (SELECT MAX(CAST(cursor AS INTEGER)) FROM portal_status_event "
        "WHERE portal_status_event.dossier_id = dossier.id AND cursor GLOB '[0-9]*') WHERE portal_status IS NOT NULL"
    )


def downgrade() -> None:
    op.execute("DELETE FROM outbox_entry WHERE event_id IS NOT NULL")
    with op.batch_alter_table("outbox_entry", schema=None) as batch_op:
        batch_op.drop_constraint("uq_outbox_event", type_="unique")
        batch_op.drop_constraint("fk_outbox_event", type_="foreignkey")
        batch_op.drop_column("event_id")
        batch_op.alter_column("revision", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("dossier_id", existing_type=sa.Integer(), nullable=False)
    for table, column in (
        ("portal_status_event", "missing"),
        ("portal_status_event", "event_kind"),
        ("portal_status_event", "event_uuid"),
        ("dossier", "portal_status_cursor"),
        ("dossier", "handed_back_at"),
        ("dossier", "stopped_at"),
        ("dossier", "result_ready_at"),
    ):
        op.drop_column(table, column)
    op.drop_index("ix_counter_event_kind_at", "counter_event")
    op.drop_index("ix_counter_event_dossier", "counter_event")
    op.drop_table("counter_event")
