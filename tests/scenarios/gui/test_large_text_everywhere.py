"""The site's large-text setting reaches the text sizes single widgets have (a field's help line, the receipt's
code), not only the stylesheet's general ones: those sizes live in assets/style.qss, which the setting scales."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QApplication, QLabel

from conftest import log_in
from ui.window.main_window import MainWindow
from ui.window.screen import apply_text_size


def shown_help_label(window: MainWindow) -> QLabel:
    labels = [label for label in window.wizard_page.findChildren(QLabel, "fieldHelp") if label.isVisible()]
    assert labels, "the page shows no help line"
    return labels[0]


def test_large_text_grows_a_fields_help_line(qtbot, window: MainWindow) -> None:
    app = QApplication.instance()
    log_in(qtbot, window)
    window.home_page.procedure_chosen.emit("1.004873")
    wizard = window.wizard_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
    qtbot.waitUntil(lambda: any(label.isVisible() for label in wizard.findChildren(QLabel, "fieldHelp")))
    label = shown_help_label(window)
    normal_pixels, normal_height = label.fontInfo().pixelSize(), label.sizeHint().height()
    body_pixels = wizard.rows[next(iter(wizard.rows))].label.fontInfo().pixelSize()
    assert normal_pixels < body_pixels  # the help line is the smaller grey text under a field

    # The administrator ticks "Chữ lớn" on the admin screen: the help line under the field grows with the rest.
    window.admin_page.settings_changed.emit(replace(window.ctx.settings, large_text=True))
    qtbot.waitUntil(lambda: label.fontInfo().pixelSize() >= 1.2 * normal_pixels)
    assert label.sizeHint().height() >= 1.2 * normal_height
    window.grab().save("/tmp/keys-shots/large-text-help.png")

    apply_text_size(app, large=False)
    qtbot.waitUntil(lambda: label.fontInfo().pixelSize() == normal_pixels)
