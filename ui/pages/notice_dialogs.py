"""The officer's input for a notice: the missing items and a note (form 02), the procedure, citizen and reason of a
refusal (form 03), the reason of a stop (form 05), a guidance notice's number to start from. The core checks again
(kiosk/dossier/notices.py); these dialogs only stop an obviously empty form."""

from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget,
)

from forms.model import KIND_LABELS, Procedure
from ui.pages.widgets import banner, show_banner, title


class _InputDialog(QDialog):
    """Title, a body the subclass fills, an error banner, OK (named) and Hủy; `check()` says what is missing."""

    def __init__(self, heading: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(heading)
        self.body = QVBoxLayout()
        self.error = banner("errorBanner")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        layout = QVBoxLayout(self)
        layout.addWidget(title(heading))
        layout.addLayout(self.body)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)

    def check(self) -> str | None:
        return None

    def _accept(self) -> None:
        problem = self.check()
        show_banner(self.error, problem)
        if problem is None:
            self.accept()


def _text_box(placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)  # Tab leaves the box: keyboard-reachable buttons
    box.setFixedHeight(80)
    return box


class GuidanceDialog(_InputDialog):
    """Form 02: tick what the citizen must bring from the procedure's checklist, add a note."""

    def __init__(self, procedure: Procedure, received: Sequence[str] = (), parent: QWidget | None = None, *,
                 ticked: Sequence[str] | None = None, note: str = "", code: str = "") -> None:
        """`ticked` (status 5: the items the portal asks for) replaces the default of every required item not
        received; `code` names the received dossier the notice is about; `note` starts the note box."""
        super().__init__("Hướng dẫn bổ sung, hoàn thiện hồ sơ", "Ghi và in phiếu", parent)
        about = f"Hồ sơ {code} — {procedure.name}" if code else procedure.name
        self.body.addWidget(QLabel(f"{about} — đánh dấu giấy tờ người dân cần bổ sung:"))
        self.boxes: dict[str, QCheckBox] = {}
        for doc in procedure.documents:
            box = QCheckBox(f"{doc.name} ({KIND_LABELS.get(doc.kind, doc.kind)})")
            if ticked is not None:
                box.setChecked(doc.id in ticked)
            else:
                box.setChecked(doc.required and doc.id not in received)  # what the checklist still lacks, to start with
            self.boxes[doc.id] = box
            self.body.addWidget(box)
        self.note_edit = _text_box("Ghi chú, hướng dẫn cụ thể (in trên phiếu)")
        self.note_edit.setPlainText(note)
        self.body.addWidget(self.note_edit)

    def missing(self) -> list[str]:
        return [doc_id for doc_id, box in self.boxes.items() if box.isChecked()]

    def note(self) -> str:
        return self.note_edit.toPlainText().strip()

    def check(self) -> str | None:
        return None if self.missing() else "Hãy đánh dấu ít nhất một giấy tờ cần bổ sung."


class RefusalDialog(_InputDialog):
    """Form 03: the procedure asked for, the citizen's name and ID number, the reason."""

    def __init__(self, procedures: Sequence[Procedure], parent: QWidget | None = None) -> None:
        super().__init__("Từ chối tiếp nhận hồ sơ", "Ghi và in phiếu từ chối", parent)
        self.procedure_box = QComboBox()
        self._procedures = list(procedures)
        for p in self._procedures:
            self.procedure_box.addItem(f"{p.name} ({p.code})")
        self.name_edit = QLineEdit()
        self.id_edit = QLineEdit()
        self.id_edit.setMaxLength(12)
        self.reason_edit = _text_box("Lý do từ chối (in trên phiếu)")
        form = QFormLayout()
        form.addRow("Thủ tục người dân yêu cầu:", self.procedure_box)
        form.addRow("Họ tên người nộp:", self.name_edit)
        form.addRow("Số định danh cá nhân:", self.id_edit)
        form.addRow("Lý do từ chối:", self.reason_edit)
        self.body.addLayout(form)

    def procedure(self) -> Procedure | None:
        index = self.procedure_box.currentIndex()
        return self._procedures[index] if 0 <= index < len(self._procedures) else None

    def values(self) -> dict[str, Any]:
        return {"submitter_name": self.name_edit.text().strip(), "submitter_id_number": self.id_edit.text().strip()}

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def check(self) -> str | None:
        if self.procedure() is None:
            return "Hãy chọn thủ tục."
        if not self.name_edit.text().strip():
            return "Hãy nhập họ tên người nộp."
        if not self.reason():
            return "Hãy nhập lý do từ chối."
        return None


class StopDialog(_InputDialog):
    """Form 05: the citizen asks to stop a received dossier with no decision yet."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(f"Dừng giải quyết hồ sơ {code}", "Dừng giải quyết và in thông báo", parent)
        self.body.addWidget(QLabel("Người nộp đề nghị dừng giải quyết hồ sơ. Sau khi ghi, hồ sơ không còn tính hạn trả."))
        self.reason_edit = _text_box("Lý do người nộp đề nghị dừng (in trên thông báo)")
        self.body.addWidget(self.reason_edit)

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def check(self) -> str | None:
        return None if self.reason() else "Hãy nhập lý do dừng giải quyết."


class ResumeGuidanceDialog(_InputDialog):
    """The number of a guidance notice the citizen brings back (typed, or read by a barcode scanner as keys)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Tiếp nhận theo phiếu hướng dẫn", "Mở hồ sơ", parent)
        self.number_edit = QLineEdit()
        self.number_edit.setPlaceholderText("Số phiếu, ví dụ 1/12/2026")
        self.body.addWidget(QLabel("Số phiếu yêu cầu bổ sung, hoàn thiện hồ sơ:"))
        self.body.addWidget(self.number_edit)

    def number(self) -> str:
        return self.number_edit.text().strip()

    def check(self) -> str | None:
        return None if self.number() else "Hãy nhập số phiếu hướng dẫn."
