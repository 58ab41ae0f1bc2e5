"""search index: FTS5 trigram index over dossier.search_key

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

The diacritic-free search (code, name, ID number as folded words) was a LIKE '%…%' scan of every
dossier, so it grew linearly (docs/benchmarks.md: 21.8x from 10k to 100k dossiers). An FTS5 table
with the trigram tokenizer answers the same LIKE patterns (3 characters or more) from an index.
It is an external-content table over dossier.search_key, kept in step by triggers; `secure-delete`
makes a retention purge remove the old words from the index at once rather than at a later merge.
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE VIRTUAL TABLE dossier_search USING fts5(search_key, content='dossier', content_rowid='id', tokenize='trigram')")
    op.execute("INSERT INTO dossier_search(dossier_search, rank) VALUES ('secure-delete', 1)")
    op.execute("INSERT INTO dossier_search(dossier_search) VALUES ('rebuild')")
    op.execute(
        "CREATE TRIGGER dossier_search_ai AFTER INSERT ON dossier BEGIN "
        "INSERT INTO dossier_search(rowid, search_key) VALUES (new.id, new.search_key); END"
    )
    op.execute(
        "CREATE TRIGGER dossier_search_ad AFTER DELETE ON dossier BEGIN "
        "INSERT INTO dossier_search(dossier_search, rowid, search_key) VALUES ('delete', old.id, old.search_key); END"
    )
    op.execute(
        "CREATE TRIGGER dossier_search_au AFTER UPDATE OF search_key ON dossier BEGIN "
        "INSERT INTO dossier_search(dossier_search, rowid, search_key) VALUES ('delete', old.id, old.search_key); "
        "INSERT INTO dossier_search(rowid, search_key) VALUES (new.id, new.search_key); END"
    )


def downgrade() -> None:
    for trigger in ("dossier_search_ai", "dossier_search_ad", "dossier_search_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS dossier_search")
