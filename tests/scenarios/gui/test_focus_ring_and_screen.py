"""What the officer sees of the keyboard and the screen: a focus ring on the dark "Tiếp tục" button, check boxes of at
least 20 px, the window maximised with F11 for full screen, and the site's large-text setting."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QCheckBox, QStyle, QWidget

from assets import asset_path
from conftest import log_in
from forms.samples import sample_values
from ui.window.main_window import MainWindow
from ui.window.screen import apply_text_size, show_on_screen

SHOTS = "/tmp/keys-shots"


def image_of(widget: QWidget) -> QImage:
    return widget.grab().toImage()


def test_the_dark_button_shows_where_the_keyboard_is(qtbot, window: MainWindow) -> None:
    rules = asset_path("style.qss").read_text(encoding="utf-8")
    assert re.search(r"QPushButton#primary:focus\s*\{[^}]*border:\s*3px solid #ffb300", rules)
    log_in(qtbot, window)
    window.home_page.procedure_chosen.emit("1.004873")
    wizard = window.wizard_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
    button = wizard.next_button
    wizard.back_button.setEnabled(True)
    wizard.back_button.setFocus()
    qtbot.waitUntil(lambda: not button.hasFocus())
    unfocused = image_of(button)
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    focused = image_of(button)
    unfocused.save(f"{SHOTS}/button-unfocused.png")
    focused.save(f"{SHOTS}/button-focused.png")
    corner = focused.pixelColor(1, focused.height() // 2)  # the ring, on the button's left edge
    assert (corner.red(), corner.green()) > (200, 150) and corner.blue() < 100, corner.name()  # amber, not the dark blue
    assert unfocused.pixelColor(1, unfocused.height() // 2).blue() > corner.blue()


def test_check_boxes_are_at_least_20_px(qtbot, window: MainWindow) -> None:
    box = QCheckBox("Đã nhận")
    qtbot.addWidget(box)
    box.show()
    size = box.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, box)
    assert size >= 20
    log_in(qtbot, window)
    window.home_page.procedure_chosen.emit("1.004873")
    wizard = window.wizard_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
    wizard.start(wizard.procedure, sample_values(wizard.procedure, seed=3, today=date.today()), 0, None)
    while wizard.step == "form":
        wizard.press_next()
    assert wizard.step == "documents"
    window.resize(1366, 768)
    wizard.tick_all_documents()
    qtbot.wait(100)
    wizard.grab().save(f"{SHOTS}/checklist-boxes.png")
    boxes = [box for box in wizard.findChildren(QCheckBox) if box.isVisibleTo(wizard)]
    assert boxes
    for found in boxes:
        assert found.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorHeight, None, found) >= 20


def test_window_maximised_f11_full_screen_and_large_text(qtbot, window: MainWindow) -> None:
    small = window.screen().availableGeometry().width() < window.minimumWidth()
    show_on_screen(window)
    if small:  # the headless screen (800x600): shown at its own size, not cut down to the screen
        assert not window.isMaximized() and window.width() >= window.minimumWidth()
        window.showMaximized()
    qtbot.waitUntil(lambda: window.isMaximized())
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not window.isFullScreen() and window.isMaximized())

    app = QApplication.instance()
    normal_points = app.font().pointSize()
    assert "font-size: 15px" in app.styleSheet()
    # The administrator ticks "Chữ lớn" on the admin screen: the whole application's text grows at once.
    window.admin_page.settings_changed.emit(replace(window.ctx.settings, large_text=True))
    assert app.font().pointSize() == round(normal_points * 1.25)
    assert "QWidget { font-size: 19px;" in app.styleSheet() and "font-size: 30px" in app.styleSheet()  # 15 → 19, 24 → 30
    apply_text_size(app, large=False)
    assert app.font().pointSize() == normal_points and "QWidget { font-size: 15px;" in app.styleSheet()
