"""A full disk during submit, on a real size-limited filesystem: a clear message, the draft kept, the database intact."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from conftest import TEST_SITE, open_raw_db
from disk_helpers import fill, small_disk  # noqa: F401 - small_disk is a fixture

pytestmark = pytest.mark.skipif(os.name != "posix", reason="mounting a small tmpfs needs Linux")

DISK_FULL = "Ổ đĩa đã đầy"


def integrity(root: Path) -> str:
    connection = open_raw_db(root)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def test_disk_full_during_submit_in_the_window(qtbot, small_disk: Path, tmp_path: Path) -> None:
    from conftest import start_main_window
    from forms.samples import sample_values
    from kiosk.storage.site import init_site
    from test_gui_flow import fill_page, login

    root = small_disk / "data"
    init_site(root, dict(TEST_SITE))
    window = start_main_window(qtbot, root)
    login(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=10_000)
    window.home_page.procedure_chosen.emit("1.004873")
    wizard = window.wizard_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=10_000)
    values = sample_values(wizard.procedure, seed=4, today=date.today())
    for _ in range(20):
        if wizard.step != "form":
            break
        fill_page(qtbot, window, values)
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.step == "documents"
    wizard.tick_all_documents()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.step == "review"
    wizard.flush_draft()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=10_000)

    filler = fill(small_disk)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)  # "Tiếp nhận" on the review page
    qtbot.waitUntil(lambda: wizard.error.isVisible() and DISK_FULL in wizard.error.text(), timeout=20_000)
    assert window.stack.currentWidget() is wizard and wizard.step == "review"  # nothing the officer typed is gone
    assert wizard.wizard.values.get("submitter_name") == values["submitter_name"]
    assert integrity(root) == "ok"
    connection = open_raw_db(root)
    try:
        assert connection.execute("SELECT count(*) FROM dossier WHERE lifecycle = 'submitted'").fetchone()[0] == 0
        drafts = connection.execute("SELECT count(*) FROM dossier WHERE lifecycle = 'draft'").fetchone()[0]
    finally:
        connection.close()
    assert drafts == 1  # the draft saved before the disk filled is still there

    filler.unlink()  # the officer frees space and presses the button again
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt_page, timeout=20_000)
    assert integrity(root) == "ok"
    window.tasks.shutdown()


def test_disk_full_while_storing_an_attachment_is_a_clear_error(small_disk: Path, tmp_path: Path) -> None:
    from kiosk.storage.context import open_kiosk
    from kiosk.dossier.drafts import list_drafts, save_draft
    from kiosk.dossier.submit import submit
    from kiosk.errors import StorageError
    from kiosk.security.officers import OfficerRef, add_officer
    from forms.samples import sample_values
    from kiosk.storage.site import init_site

    root = small_disk / "data"
    init_site(root, dict(TEST_SITE))
    ctx = open_kiosk(root)
    try:
        with ctx.transaction() as session:
            officer = OfficerRef.of(add_officer(session, "lan", "Trần Thị Lan", "officer", "246813"))
        procedure = ctx.catalogue.get("1.004873")
        values = sample_values(procedure, seed=6, today=date.today())
        draft = save_draft(ctx, officer, procedure, values, 0, None)
        scan = tmp_path / "scan.pdf"  # outside the small disk, like a scanner's output folder
        scan.write_bytes(os.urandom(2 * 1024 * 1024))
        filler = fill(small_disk)
        with pytest.raises(StorageError) as refused:
            submit(ctx, procedure=procedure, values=values, officer=officer, extra_files=[scan], draft_uuid=draft)
        assert DISK_FULL in refused.value.message
        assert [d.uuid for d in list_drafts(ctx, officer.id)] == [draft]
        assert not [p for p in (root / "attachments").iterdir() if not p.name.startswith(".")]  # no half file left
        filler.unlink()
        assert submit(ctx, procedure=procedure, values=values, officer=officer, extra_files=[scan], draft_uuid=draft).code
    finally:
        ctx.close()
    assert integrity(root) == "ok"
