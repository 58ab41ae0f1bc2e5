"""A full-page message: starting up, or why the data folder could not be opened (e.g. the site is not set up yet)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.pages.widgets import title


class MessagePage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.heading = title("Đang khởi động…")
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.heading)
        layout.addWidget(self.body)
        layout.addStretch(2)

    def show_message(self, heading: str, body: str = "") -> None:
        self.heading.setText(heading)
        self.body.setText(body)
