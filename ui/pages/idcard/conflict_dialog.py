"""Where a card contradicts an answer already typed: the officer decides per field, nothing is overwritten silently."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton, QRadioButton, QButtonGroup, QVBoxLayout, QWidget

from forms.model import Procedure
from forms.wizard import display_value

KEEP, TAKE = 0, 1


class ConflictDialog(QDialog):
    """One line per field: what is typed, what the card says, and "Giữ giá trị đã nhập" / "Lấy theo thẻ"."""

    def __init__(self, procedure: Procedure, found: Mapping[str, tuple[Any, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Thẻ khác với thông tin đã nhập")
        self.setObjectName("cardConflicts")
        layout = QVBoxLayout(self)
        intro = QLabel("Thông tin trên thẻ khác với thông tin đã nhập ở các ô dưới đây. Chọn giá trị giữ lại cho từng ô:")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        for column, heading in enumerate(("Ô", "Đã nhập", "Trên thẻ")):
            grid.addWidget(QLabel(f"<b>{heading}</b>"), 0, column)
        self.groups: dict[str, QButtonGroup] = {}
        for row, (field_id, (typed, card)) in enumerate(found.items(), start=1):
            field = procedure.field(field_id)
            label = field.label if field is not None else field_id
            keep = QRadioButton(display_value(field, typed) if field is not None else str(typed))
            keep.setObjectName(f"keep_{field_id}")
            take = QRadioButton(display_value(field, card) if field is not None else str(card))
            take.setObjectName(f"take_{field_id}")
            keep.setChecked(True)  # the default keeps what the officer typed
            group = QButtonGroup(self)
            group.addButton(keep, KEEP)
            group.addButton(take, TAKE)
            self.groups[field_id] = group
            grid.addWidget(QLabel(label), row, 0)
            grid.addWidget(keep, row, 1)
            grid.addWidget(take, row, 2)
        layout.addLayout(grid)
        buttons = QHBoxLayout()
        take_all = QPushButton("Lấy tất cả theo thẻ")
        take_all.clicked.connect(self._take_all)
        done = QPushButton("Xong")
        done.setDefault(True)
        done.clicked.connect(self.accept)
        buttons.addWidget(take_all)
        buttons.addStretch(1)
        buttons.addWidget(done)
        layout.addLayout(buttons)

    def _take_all(self) -> None:
        for group in self.groups.values():
            group.button(TAKE).setChecked(True)

    def taken(self) -> set[str]:
        """The fields whose card value the officer chose."""
        return {field_id for field_id, group in self.groups.items() if group.checkedId() == TAKE}
