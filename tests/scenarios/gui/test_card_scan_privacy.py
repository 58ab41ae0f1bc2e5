"""The QR's raw text is never kept: after a scan and a submit, neither the whole `|`-joined payload nor the card's
old number (which the birth registration does not ask for) is in any table of the decrypted database (read
through its connection, so the WAL counts), in a draft, in the log folder or in the support bundle."""

from __future__ import annotations

import time
import zipfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from card_scan import MOTHER, MOTHER_FIELDS, PAYLOAD, FakeClock, scanner_types
from conftest import fill_form_pages, log_in, open_raw_db
from forms.samples import sample_values
from ui.window.main_window import MainWindow

SECRETS = (PAYLOAD, MOTHER.old_number)


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_the_raw_payload_is_nowhere_after_a_scan_and_a_submit(qtbot, window: MainWindow, site_dir: Path, kiosk_log: Path,
                                                                tmp_path: Path) -> None:
    from gui_thread_guard import seeding
    from kiosk.admin.support import make_bundle
    from kiosk.dossier.drafts import list_drafts

    log_in(qtbot, window)
    window.home_page.procedure_chosen.emit("1.001193")
    wizard = window.wizard_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
    intake = window.card_intake
    wizard.rows["submitter_name"].widget.input.setFocus()
    clock = FakeClock()
    intake.burst.clock = clock
    scanner_types(PAYLOAD, clock)
    intake.burst.clock = time.monotonic
    qtbot.waitUntil(lambda: intake.chooser is not None and intake.chooser.isVisible(), timeout=5_000)
    chooser = intake.chooser
    mother = next(i for i, b in enumerate(chooser.buttons) if b.text().endswith("Thông tin người mẹ"))
    qtbot.keyClick(chooser.focusWidget(), str(mother + 1))
    assert wizard.flow.values["mother_full_name"] == MOTHER.full_name

    wizard.flush_draft()
    qtbot.waitUntil(lambda: wizard.saved_label.text() == "Bản nháp đã lưu tự động.", timeout=10_000)
    with seeding():
        drafts = list_drafts(window.session.context)
    assert drafts and not any(_leaks(repr(d.values)) for d in drafts)

    answers = {k: v for k, v in sample_values(wizard.procedure, seed=4, today=date.today()).items() if k not in MOTHER_FIELDS}
    fill_form_pages(qtbot, wizard, answers)
    assert wizard.step == "documents"
    wizard.tick_all_documents()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.step == "review", wizard.error.text()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt_page, timeout=20_000)

    with seeding():
        connection = open_raw_db(site_dir)
        try:
            tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            found = {}
            mother_seen = False
            for table in tables:
                for row in connection.execute(f'SELECT * FROM "{table}"'):
                    text = " ".join(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row)
                    mother_seen = mother_seen or MOTHER.number in text
                    if leaks := _leaks(text):
                        found.setdefault(table, leaks)
        finally:
            connection.close()
        bundle = make_bundle(window.session.context, tmp_path / "support.zip")
    assert "dossier" in tables and mother_seen  # the submitted dossier holds the mother's number, read from the card
    assert found == {}, f"the raw QR text is stored in {found}"

    logs = [p for p in (site_dir / "logs").glob("*") if p.is_file()]
    assert logs and kiosk_log.exists()
    for log_file in logs:
        assert not _leaks(log_file.read_text(encoding="utf-8", errors="replace")), log_file.name
    with zipfile.ZipFile(bundle) as archive:
        for name in archive.namelist():
            assert not _leaks(archive.read(name).decode("utf-8", "replace")), name
