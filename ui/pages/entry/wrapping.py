"""Check boxes whose label wraps: a long choice ("Có nội dung trái pháp luật, đạo đức xã hội; …") on one line
made the certified-copy page scroll sideways (issue 14). Qt's QCheckBox never wraps its text, so a long label
is a word-wrapped QLabel beside an unlabelled box; clicking the label toggles the box, as a box's own text does."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget

LONG_LABEL = 60  # characters: longer labels wrap, and the choices stack in one column


class _BoxLabel(QLabel):
    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self._box = box
        self.setWordWrap(True)
        self.setBuddy(box)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton and self._box.isEnabled():
            self._box.toggle()
            self._box.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)


def choice_box(text: str) -> tuple[QCheckBox, QWidget]:
    """The check box for a choice and the widget to lay out (the box itself when its label is short)."""
    if len(text) <= LONG_LABEL:
        box = QCheckBox(text)
        return box, box
    box = QCheckBox()
    box.setAccessibleName(text)
    cell = QWidget()
    layout = QHBoxLayout(cell)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)  # a box without text keeps its label spacing: the text starts where a short label's does
    layout.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
    layout.addWidget(_BoxLabel(text, box), 1)
    return box, cell
