"""The page decryptor the retention tests search with finds what is there, in the database and in the WAL, so its
"not found" means something."""

from __future__ import annotations

import os
import unicodedata

from sqlcipher_pages import found_in

NAME = "Nguyễn Thị Thuỳ Dương"


def test_a_value_written_is_found_in_the_wal_then_in_the_database_and_not_with_another_key(tmp_path) -> None:
    from kiosk.storage.db import connect_encrypted

    key = os.urandom(32)
    db = tmp_path / "x.db"
    connection = connect_encrypted(db, key)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA wal_autocheckpoint=0")
        connection.execute("CREATE TABLE t(a, b)")
        connection.execute("INSERT INTO t VALUES (?, ?)", (unicodedata.normalize("NFD", NAME), '{"n": "\\u0110\\u01b0\\u01a1ng"}'))
        connection.commit()
        files = [db, tmp_path / "x.db-wal"]
        assert found_in(files, key, [NAME, "Dương", "không có ở đây"]) == {NAME: ["x.db-wal:2"], "Dương": ["x.db-wal:2"]}
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    assert found_in([db], key, [NAME]) == {NAME: ["x.db:1"]}  # page 2 of the file (the table's root)
    assert found_in([db], os.urandom(32), [NAME]) == {}
    assert NAME.encode() not in db.read_bytes() and unicodedata.normalize("NFD", NAME).encode() not in db.read_bytes()
