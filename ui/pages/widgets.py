"""Small shared widgets: page titles, banners, primary buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QPushButton, QWidget


def title(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("pageTitle")
    label.setWordWrap(True)
    return label


def subtitle(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("subTitle")
    label.setWordWrap(True)
    return label


def banner(object_name: str = "banner", parent: QWidget | None = None) -> QLabel:
    """A hidden message strip; set its text and show it when there is something to say."""
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.hide()
    return label


def show_banner(label: QLabel, text: str | None) -> None:
    label.setText(text or "")
    label.setVisible(bool(text))


def primary_button(text: str, parent: QWidget | None = None) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName("primary")
    button.setDefault(True)
    return button


def enter_presses_focused_button(page: QWidget, event: QKeyEvent) -> bool:
    """Enter (without modifiers' meaning) presses the button that has the focus, as Space does: the officer's
    pages are driven from the keyboard. True when it did; the page's keyPressEvent then returns."""
    focused = page.focusWidget()
    if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(focused, QPushButton):
        focused.click()
        return True
    return False
