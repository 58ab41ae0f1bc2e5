"""the 2025 rules: receipt layout version, channel, resolving agency, fee; how each document was provided

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

Circular 03/2025/TT-VPCP replaced the 2018 receipt (form 01), Decree 07/2025 and Nghị quyết 66.7/2025 changed
what the counter may ask for, and fees are now computed (docs/rules-2025.md). Each dossier keeps what it was
received under, so the new facts are columns of the dossier, filled only for dossiers received from now on:

- dossier.layout_version: the receipt layout the dossier was received under (set at submit). Every dossier
  already received gets "tt01-2018" (the only layout there was), so its reprint stays the 2018 form, line for line;
- dossier.channel ("in_person", "post", "authorised"), dossier.resolving_agency (the agency that decides,
  printed when it is not the receiving unit): NULL for older dossiers, which never recorded them;
- dossier.fee (JSON: the computation, its source, exemption, collection) and dossier.fee_amount_vnd (the amount
  due, for the logbook and reports): NULL for older dossiers, whose receipt printed the definition's fee note;
- dossier_document.way ("submitted", "shown", "looked_up"): filled from the old kind ("shown" → "shown",
  otherwise "submitted"); page_count and record_number (the national-database record looked up): NULL;
- attachment.doc_id: the checklist item a scan belongs to (NULL: a scan of the form's own fields, or older).

Plain ADD COLUMN, never batch mode: rebuilding `dossier` would drop the search index's triggers (0004).
Frozen: never edit a landed migration; add a new one.
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

LAYOUT_2018 = "tt01-2018"


def upgrade() -> None:
    op.add_column("dossier", sa.Column("layout_version", sa.String(20), nullable=True))
    op.add_column("dossier", sa.Column("channel", sa.String(20), nullable=True))
    op.add_column("dossier", sa.Column("resolving_agency", sa.String(300), nullable=True))
    op.add_column("dossier", sa.Column("fee", sa.JSON(), nullable=True))
    op.add_column("dossier", sa.Column("fee_amount_vnd", sa.Integer(), nullable=True))
    op.add_column("dossier_document", sa.Column("way", sa.String(12), nullable=True))
    op.add_column("dossier_document", sa.Column("page_count", sa.Integer(), nullable=True))
    op.add_column("dossier_document", sa.Column("record_number", sa.String(60), nullable=True))
    op.add_column("attachment", sa.Column("doc_id", sa.String(60), nullable=True))
    op.execute(sa.text("UPDATE dossier SET layout_version = :layout WHERE code IS NOT NULL").bindparams(layout=LAYOUT_2018))
    op.execute("UPDATE dossier_document SET way = CASE WHEN kind = 'shown' THEN 'shown' ELSE 'submitted' END")


def downgrade() -> None:
    for table, column in (
        ("attachment", "doc_id"),
        ("dossier_document", "record_number"),
        ("dossier_document", "page_count"),
        ("dossier_document", "way"),
        ("dossier", "fee_amount_vnd"),
        ("dossier", "fee"),
        ("dossier", "resolving_agency"),
        ("dossier", "channel"),
        ("dossier", "layout_version"),
    ):
        op.drop_column(table, column)
