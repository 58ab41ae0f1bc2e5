"""The session's PostgreSQL cluster (tests/support/pg_cluster.py): it starts, answers on 127.0.0.1, and stops."""

from __future__ import annotations

import socket
import stat

import psycopg
import pytest
from pg_cluster import ClusterFailed, PgCluster, server_bindir
from portal.schema import head_revision


def test_the_session_cluster_answers_on_loopback_and_hands_out_fresh_databases(pg_cluster) -> None:
    with psycopg.connect(host="127.0.0.1", port=pg_cluster.port, user="postgres", dbname="postgres") as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
    with pg_cluster.portal_database() as first, pg_cluster.portal_database() as second:
        assert first != second
        name = first.rsplit("/", 1)[1]
        with psycopg.connect(host="127.0.0.1", port=pg_cluster.port, user="postgres", dbname=name) as conn:
            assert conn.execute("SELECT version_num FROM portal_alembic_version").fetchone() == (head_revision(),)
            assert conn.execute("SELECT count(*) FROM dossier").fetchone() == (0,)
    with psycopg.connect(host="127.0.0.1", port=pg_cluster.port, user="postgres", dbname="postgres") as conn:
        assert conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,)).fetchone() == (0,)  # dropped


def test_a_cluster_of_its_own_is_stopped_and_its_folder_removed() -> None:
    bindir = server_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server not installed")
    cluster = PgCluster(bindir)
    cluster.start()
    try:
        folder, port = cluster.folder, cluster.port
        assert folder is not None and stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert cluster.running()
        socket.create_connection(("127.0.0.1", port), timeout=10).close()
    finally:
        cluster.stop()
    assert not folder.exists()
    with pytest.raises(OSError), socket.socket() as sock:
        sock.settimeout(5)
        sock.connect(("127.0.0.1", port))
    cluster.stop()  # twice is harmless (the session finaliser and atexit both call it)


def test_a_cluster_that_cannot_start_is_a_failure_that_says_why(tmp_path) -> None:
    cluster = PgCluster(tmp_path / "no-server-here")
    with pytest.raises(ClusterFailed, match="initdb"):
        try:
            cluster.start()
        finally:
            folder = cluster.folder
            cluster.stop()
    assert folder is not None and not folder.exists()
