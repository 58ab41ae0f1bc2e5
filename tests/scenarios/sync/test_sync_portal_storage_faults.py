"""The kiosk against a real portal with storage faults. Its disk fills mid-upload (a real size-limited tmpfs under its files folder):
the officer reads why in Vietnamese, the dossiers stay in the queue, and once the portal has room the next pass
delivers every dossier exactly once with whole attachments, resuming where the portal's partial file ends. A file
being uploaded with another size makes the kiosk wait its turn (docs/sync-protocol.md "Storage faults")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from disk_helpers import fill, tmpfs
from portal_server import portal, start_portal  # noqa: F401 - portal is a fixture: a real `kiosk-portal serve` process
from sync_helpers import UNIT_ID, add_officer, assert_portal_holds_exactly, drain_and_check, client_factory, kiosk_attachments, make_kiosk, outbox_states, portal_dossiers, submit_dossiers

pytestmark = pytest.mark.skipif(os.name != "posix", reason="mounting a small tmpfs needs Linux")

STORAGE_FULL = "cổng hết chỗ lưu trữ; hồ sơ sẽ được gửi lại"
ATTACHMENT = 600_000  # three chunks


def test_a_portal_out_of_space_keeps_the_dossiers_queued_then_takes_each_once(tmp_path: Path) -> None:
    from sync import outbox, wire
    from sync.engine import SyncEngine, current_problem, status

    root = tmp_path / "portal"
    with tmpfs(root / "portal-files", "3m") as disk, start_portal(root) as portal:
        ctx = make_kiosk(tmp_path / "kiosk", portal)
        codes = submit_dossiers(ctx, add_officer(ctx), 2, tmp_path / "scans", size=ATTACHMENT, seed=3)
        filler = fill(disk)  # then room for one chunk and a quarter: the second chunk's write is short, then ENOSPC
        os.truncate(filler, filler.stat().st_size - wire.CHUNK_SIZE - 64 * 1024)
        engine = SyncEngine(ctx, client_factory(portal.url, timeout=(5.0, 30.0)))

        report = engine.run_once(force=True)
        assert report.reachable and report.delivered == 0 and STORAGE_FULL in (report.message or "")
        assert STORAGE_FULL in (current_problem(status(ctx)) or "")  # what the window's sync status shows
        assert all(state in outbox.WAITING for state in outbox_states(ctx).values())  # waiting, not rejected
        assert status(ctx).queued == 2 and status(ctx).rejected == 0
        assert portal_dossiers(portal) == []
        first_file = next(sha for sha, code in kiosk_attachments(ctx).items() if code == codes[0])
        part = portal.files_dir / "partial" / f"{first_file}.part"
        assert part.stat().st_size == wire.CHUNK_SIZE  # one whole chunk, nothing of the refused one

        filler.unlink()  # the portal's administrator frees space
        drain_and_check(engine, ctx, portal, codes)
        assert current_problem(status(ctx)) is None


def test_a_file_being_uploaded_with_another_size_is_never_reset_and_the_kiosk_waits_its_turn(tmp_path: Path, portal) -> None:  # noqa: F811
    """Another upload of the same SHA-256 announced with a wrong size holds bytes: the kiosk is refused (409), keeps the
    dossier waiting without touching those bytes, and goes once that upload has ended (here: discarded as damaged)."""
    import requests

    from sync import outbox
    from sync.engine import SyncEngine, current_problem, status

    ctx = make_kiosk(tmp_path / "kiosk", portal)
    codes = submit_dossiers(ctx, add_officer(ctx), 1, tmp_path / "scans", size=ATTACHMENT, seed=4)
    sha = next(iter(kiosk_attachments(ctx)))
    other = portal.auth_header(*portal.enrol(UNIT_ID, 2))
    put = lambda offset, chunk: requests.put(f"{portal.api}/attachments/{sha}", params={"offset": offset, "size": 1000}, data=chunk, headers=other, timeout=30)  # noqa: E731
    assert put(0, b"x" * 500).status_code == 200
    engine = SyncEngine(ctx, client_factory(portal.url, timeout=(5.0, 30.0)))

    report = engine.run_once(force=True)
    assert report.delivered == 0 and "khác kích thước" in (report.errors[0].message if report.errors else "")
    assert all(state in outbox.WAITING for state in outbox_states(ctx).values())
    assert (portal.files_dir / "partial" / f"{sha}.part").read_bytes() == b"x" * 500  # the other upload, untouched
    assert current_problem(status(ctx)) is not None

    assert put(500, b"x" * 500).status_code == 422  # that upload ends: its file does not hash to its name, discarded
    report = engine.run_once(force=True)
    assert report.ok, report
    assert_portal_holds_exactly(ctx, portal, codes)
