"""A declaration ("cam đoan") as a check box, not a Có/Không list.

A yes/no field whose only acceptable answer is yes — its definition constrains it to `<id> == true`, as every
"Người yêu cầu cam đoan …" and the marriage's "tự nguyện" / "có mặt" statements do — is a statement the citizen
affirms, not a question: the officer ticks it. Unticked it answers False, so the definition's own message
("Người yêu cầu phải cam đoan …") stops "Tiếp tục" until it is ticked. Recognised at render time from the
definition, so no definition changes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QWidget

from ui.pages.fields import FieldWidget

TICK_TEXT = "Xác nhận"


def is_declaration(field: Any) -> bool:
    """A yes/no field that only "yes" satisfies."""
    wanted = f"{field.id} == true"
    return field.type == "yesno" and any(" ".join(str(c.expr).split()) == wanted for c in field.constraints)


class DeclarationField(FieldWidget):
    """The statement (the row's label) affirmed by ticking; Space ticks it from the keyboard."""

    def __init__(self, field: Any, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.box = QCheckBox(TICK_TEXT)
        self.box.setObjectName(f"input_{field.id}")
        self.input = self.box
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addStretch(1)
        self.box.toggled.connect(lambda _checked: self.changed.emit())

    def value(self) -> Any:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(value is True)
