"""Issue 14 item 6: no wizard page scrolls sideways in a maximised window at 1366x768 (viewport 1366x728 under a
40 px taskbar) nor at 125% scaling (viewport 1093x582); long pages only scroll up and down.

One real main window walks every form page of the seven procedures in force (answered with
forms.samples.sample_values, so the pages shown only for some answers show), then the documents checklist and the
review, checking each at both sizes and saving a picture of each (docs/screenshots.md says where and what to look
for). The pictures go to $KIOSK_VIEWPORT_SHOTS when set, else to the test's temporary folder.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from conftest import log_in
from forms import formengine
from forms.samples import sample_values
from scroll_bars import wrong_scroll_bars
from ui.window.main_window import MainWindow

VIEWPORTS = ((1366, 728), (1093, 582))
PROCEDURES = ("1.001193", "1.000656", "1.000894", "1.004859", "1.004873", "2.000635", "2.000815")


def _most_pages(procedure) -> dict:
    """Sample answers that show the most pages (the mother's and the father's, a divorce's decree…)."""
    candidates = [sample_values(procedure, seed=seed, today=date.today()) for seed in range(12)]
    return max(candidates, key=lambda values: len(formengine.visible_pages(procedure, values)))


def _sideways(qtbot, window: MainWindow, shots: Path, name: str) -> list[str]:
    """Check the page at each viewport and save its pictures; what scrolls sideways, named."""
    found = []
    for width, height in VIEWPORTS:
        window.resize(width, height)
        qtbot.waitUntil(lambda: (window.width(), window.height()) == (width, height), timeout=2_000)
        qtbot.wait(20)  # the layout settles
        window.grab().save(str(shots / f"{width}x{height}" / f"{name}.png"))
        found += [f"{name} at {width}x{height}: {bar}" for bar in wrong_scroll_bars(window) if "sideways" in bar]
    return found


def test_every_wizard_page_fits_both_viewports(qtbot, window: MainWindow, tmp_path: Path) -> None:
    shots = Path(os.environ.get("KIOSK_VIEWPORT_SHOTS") or tmp_path / "viewports")
    for width, height in VIEWPORTS:
        (shots / f"{width}x{height}").mkdir(parents=True, exist_ok=True)
    log_in(qtbot, window)
    wizard = window.wizard_page
    problems: list[str] = []
    pages_seen = 0
    for code in PROCEDURES:
        window.home_page.procedure_chosen.emit(code)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard and wizard.procedure.code == code, timeout=5_000)
        values = _most_pages(wizard.procedure)
        for number in range(1, 20):
            if wizard.step != "form":
                break
            for _ in range(3):  # answers can reveal more fields
                for field_id, row in list(wizard.rows.items()):
                    if row.widget.isVisibleTo(wizard) and field_id in values and row.widget.value() != values[field_id]:
                        row.widget.set_value(values[field_id])
                        row.widget.changed.emit()  # a repeat group's set_value is silent, as for a draft
            problems += _sideways(qtbot, window, shots, f"{code}-{number:02d}-{wizard.wizard.page.id}")
            pages_seen += 1
            wizard.go_next()
            assert not wizard.error.isVisible(), f"{code} page {number}: {wizard.error.text()} {wizard._current_errors()}"
        assert wizard.step == "documents", code
        wizard.tick_all_documents()
        problems += _sideways(qtbot, window, shots, f"{code}-90-documents")
        wizard.go_next()
        assert wizard.step == "review", f"{code}: {wizard.error.text()}"
        problems += _sideways(qtbot, window, shots, f"{code}-91-review")
        wizard.finished()
    assert pages_seen >= 7 * 3
    assert problems == [], "\n".join(problems)
