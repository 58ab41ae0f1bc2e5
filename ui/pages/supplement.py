"""Record supplementary documents the portal asked for (status 5): they travel as the dossier's next revision."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from forms.model import KIND_LABELS, Procedure
from ui.pages.widgets import banner, show_banner, title


class SupplementDialog(QDialog):
    def __init__(self, code: str, procedure: Procedure, parent: QWidget | None = None, *, ticked: Sequence[str] = ()) -> None:
        """`ticked`: the items the portal asked for (status 5), ticked to start with; the officer unticks what did not come."""
        super().__init__(parent)
        self.setWindowTitle(f"Bổ sung hồ sơ {code}")
        self.rows: dict[str, tuple[QCheckBox, QSpinBox]] = {}
        grid = QGridLayout()
        for i, doc in enumerate(procedure.documents):
            box = QCheckBox(f"{doc.name} ({KIND_LABELS.get(doc.kind, doc.kind)})")
            spin = QSpinBox()
            spin.setRange(1, 100)
            spin.setValue(doc.quantity)
            box.setChecked(doc.id in ticked)
            grid.addWidget(box, i, 0)
            grid.addWidget(spin, i, 1)
            self.rows[doc.id] = (box, spin)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("Ghi chú (ví dụ: đã bổ sung bản sao giấy chứng sinh)")
        self.error = banner("errorBanner")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Ghi nhận và gửi lên cổng")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        layout = QVBoxLayout(self)
        layout.addWidget(title("Giấy tờ bổ sung đã nhận"))
        layout.addWidget(QLabel(f"Hồ sơ {code} — {procedure.name}"))
        layout.addLayout(grid)
        layout.addWidget(self.note_edit)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)

    def documents(self) -> dict[str, int]:
        return {doc_id: spin.value() for doc_id, (box, spin) in self.rows.items() if box.isChecked()}

    def note(self) -> str:
        return self.note_edit.text().strip()

    def _accept(self) -> None:
        if not self.documents():
            show_banner(self.error, "Hãy đánh dấu ít nhất một giấy tờ đã nhận bổ sung.")
            return
        self.accept()
