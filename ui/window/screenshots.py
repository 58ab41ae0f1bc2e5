"""`python -m ui.window.screenshots OUT_DIR`: screenshots at 1366x768 of login, home, a wizard error, the receipt, the
work lists, the hand-back, the citizen's rating, the logbook, the report and the notice papers (docs/screenshots.md)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtTest import QTest

WIDTH, HEIGHT = 1366, 768


def _wait(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not reach the expected state")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def _settle() -> None:
    for _ in range(20):
        QCoreApplication.processEvents()
        time.sleep(0.01)


def take(out_dir: Path, data_dir: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.admin.demo import DEMO_LOGIN
    from forms.samples import sample_values
    from ui.window.app import make_application
    from ui.window.main_window import MainWindow

    make_application(sys.argv[:1])
    out_dir.mkdir(parents=True, exist_ok=True)
    window = MainWindow(data_dir, demo=True)
    window.setProperty("shots_dir", str(out_dir))
    window.resize(WIDTH, HEIGHT)
    window.show()
    window.start()
    _wait(lambda: window.stack.currentWidget() is window.login_page and window.ctx is not None, timeout=120)
    shots: list[Path] = []

    def shot(name: str) -> None:
        _settle()
        path = out_dir / f"{name}.png"
        window.grab().save(str(path))
        shots.append(path)

    shot("01-login")
    QTest.keyClicks(window.login_page.username, DEMO_LOGIN[0])
    QTest.keyClicks(window.login_page.pin, DEMO_LOGIN[1])
    window.login_page.button.click()
    _wait(lambda: window.stack.currentWidget() is window.home_page)
    _wait(lambda: window.home_page.recent.count() > 0)
    QTest.keyClicks(window.home_page.search, "khai sinh")
    shot("02-home")
    window.home_page.procedure_chosen.emit("1.001193")
    wizard = window.wizard_page
    values = sample_values(wizard.procedure, seed=3, today=date.today())
    for field_id, row in wizard.rows.items():
        if field_id in values and field_id != "submitter_id_number":
            row.widget.set_value(values[field_id])
    good_id = values["submitter_id_number"]
    bad_id = good_id[:4] + f"{(int(good_id[4:6]) + 1) % 100:02d}" + good_id[6:]
    QTest.keyClicks(wizard.rows["submitter_id_number"].widget.input, bad_id)
    wizard.next_button.click()
    shot("03-wizard-error")
    wizard.rows["submitter_id_number"].widget.set_value(good_id)
    for _ in range(20):
        if wizard.step != "form":
            break
        for _pass in range(3):
            for field_id, row in wizard.rows.items():
                if row.widget.isVisibleTo(wizard) and field_id in values and row.widget.value() != values[field_id]:
                    row.widget.set_value(values[field_id])
        wizard.next_button.click()
    wizard.tick_all_documents()
    shot("04-documents")
    wizard.next_button.click()
    shot("05-review")
    wizard.next_button.click()
    _wait(lambda: window.stack.currentWidget() is window.receipt_page)
    _wait(lambda: window.receipt_page.preview.pixmap() is not None and not window.receipt_page.preview.pixmap().isNull())
    shot("06-receipt")
    window.list_page.refresh()
    window.stack.setCurrentWidget(window.list_page)
    _wait(lambda: window.list_page.model.rowCount() > 0)
    shot("07-dossier-list")
    _counter_screens(window, shot, shots)
    from ui.window.books_shots import shoot_books

    shoot_books(window, shot, _wait)
    window._go_home()
    window._open_admin()
    _wait(lambda: window.admin_page.table.rowCount() > 0)
    shot("08-admin")
    window.idle.set_interval_ms(50)
    _wait(lambda: window.stack.currentWidget() is window.login_page and window.ctx is not None)
    shot("09-idle-lock")
    window.tasks.shutdown()
    window.close()
    return shots


def _counter_screens(window, shot, shots: list[Path]) -> None:
    """The result side: the dossier just received is marked ready, listed, handed back, rated."""
    from PySide6.QtWidgets import QDialog

    from kiosk.dossier.handback import mark_result_ready

    page = window.list_page
    code = page.model.rows[0].code
    mark_result_ready(window.ctx, code, window.officer)  # as "Đánh dấu đã có kết quả" does, here on the GUI thread
    window._go_home()
    _wait(lambda: window.home_page.worklist_buttons["result_ready"].text().endswith(": 1"))
    shot("10-home-worklists")
    window.home_page.worklist_requested.emit("result_ready")
    _wait(lambda: page.model.rowCount() == 1)
    shot("11-worklist-result-ready")
    page.open_hand_back(code)
    _wait(lambda: page.hand_back_dialog is not None and page.hand_back_dialog.isVisible())
    dialog: QDialog = page.hand_back_dialog
    dialog.authorised_radio.setChecked(True)
    dialog.name.setText("Lê Văn Hùng")
    dialog.id_number.setText("082088004321")
    dialog.authorisation.setText("Văn bản ủy quyền có chứng thực ngày 20/11/2026")
    dialog.result_no.setText("45/2026/TP-HT")

    def grab(name: str) -> None:
        _settle()
        path = window_shots_dir / f"{name}.png"
        dialog.grab().save(str(path))
        shots.append(path)

    window_shots_dir = Path(window.property("shots_dir"))
    grab("12-hand-back")
    dialog.record()
    _wait(lambda: dialog.preview.pixmap() is not None and not dialog.preview.pixmap().isNull())
    grab("13-hand-back-slip")
    dialog.done_button.click()
    _wait(lambda: window.stack.currentWidget() is window.rating.page)
    shot("14-rating")
    window.rating.page.choose(3)
    shot("15-rating-reason")
    window.rating.page.skip()
    _wait(lambda: window.stack.currentWidget() is page)


def main() -> int:
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    with tempfile.TemporaryDirectory(prefix="kiosk-shots-") as tmp:
        for path in take(out_dir, Path(tmp) / "demo"):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
