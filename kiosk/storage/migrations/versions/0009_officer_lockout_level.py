"""officer lockout level: how many lockouts in a row, so the next one lasts longer (survives a restart)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10

Issue 16 item 4 (docs/security.md, "Đăng nhập"): after MAX_FAILURES wrong PINs an account is locked for 5 minutes,
then 10, 20, … up to a day. `officer.lockout_level` counts the lockouts since the last successful login (or an
administrator's unlock), which puts it back to 0. It lives in the database beside `locked_until` so closing and
reopening the program lifts nothing. Existing officers start at level 0. Plain ADD COLUMN (no batch rebuild).

Frozen once landed: never edit it; add a new one.
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("officer", sa.Column("lockout_level", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild would DROP TABLE officer, which the foreign keys refuse.
    op.execute("ALTER TABLE officer DROP COLUMN lockout_level")
