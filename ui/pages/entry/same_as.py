""""Giống người nộp hồ sơ" on each other person's page and "Cùng địa chỉ…" beside each address box.

The answers come from forms.prefill.same_as; they are put into the page's own widgets (so the wizard sees an
ordinary change, validates it and saves the draft). An answer already typed differently is never replaced
silently: a question lists them, and the officer chooses to replace them or to fill only the empty boxes.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from PySide6.QtWidgets import QMenu, QMessageBox, QPushButton, QToolButton, QWidget

from forms.idcard.people import conflicts
from forms.model import Page, Procedure
from forms.prefill.same_as import address_sources, copied_from_submitter, person_on_page
from ui.pages.fields import AddressField

Rows = Callable[[], Mapping[str, Any]]  # field id → the wizard's row (its `.widget` is a FieldWidget)
Values = Callable[[], Mapping[str, Any]]


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return value.get("line") or "(địa chỉ)"
    return str(value)


class CopyAnswers:
    """Put answers into the page's widgets, asking first when some would replace a different typed answer."""

    def __init__(self, parent: QWidget, rows: Rows, values: Values) -> None:
        self._parent, self._rows, self._values = parent, rows, values
        self.question: QMessageBox | None = None  # open while the officer decides (tests answer it)

    def apply(self, answers: Mapping[str, Any]) -> None:
        differing = conflicts(self._values(), answers)
        if not differing:
            self._put(answers)
            return
        labels = {fid: row.field.label for fid, row in self._rows().items()}
        lines = "\n".join(f"• {labels.get(fid, fid)}: «{_show(old)}» → «{_show(new)}»" for fid, (old, new) in differing.items())
        box = QMessageBox(QMessageBox.Icon.Question, "Đã có thông tin khác", f"Các ô sau đã nhập khác:\n{lines}\n\nThay bằng thông tin chép sang?", parent=self._parent)
        replace = box.addButton("Thay tất cả", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Chỉ điền ô còn trống", QMessageBox.ButtonRole.ActionRole)
        box.addButton("Hủy", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)  # Enter keeps what was typed

        def decided(button: Any) -> None:
            self.question = None
            if button is replace:
                self._put(answers)
            elif button is keep:
                self._put({fid: value for fid, value in answers.items() if fid not in differing})

        box.buttonClicked.connect(decided)
        self.question = box
        box.open()

    def _put(self, answers: Mapping[str, Any]) -> None:
        rows = self._rows()
        for field_id, value in answers.items():  # in order: the paper type first shows the number's box
            if field_id in rows:
                rows[field_id].widget.set_value(value)


def add_same_as_submitter(procedure: Procedure, page: Page, rows: Rows, values: Values) -> QPushButton | None:
    """"Giống người nộp hồ sơ" (Alt+G) beside the name of another person of the form, so it shows and hides with
    that person's fields and comes next in the tab order; None on a page without such a person."""
    person = person_on_page(procedure, page.id)
    name_row = rows().get(person.fields["name"]) if person is not None else None
    if person is None or name_row is None or not copied_from_submitter(procedure, person, {f.id: "x" for f in procedure.top_fields()}):
        return None
    button = QPushButton("&Giống người nộp hồ sơ")
    button.setObjectName("sameAsSubmitter")
    button.setToolTip("Chép họ tên, số định danh, ngày sinh, giới tính và nơi cư trú của người nộp hồ sơ (Alt+G).")
    name_row.widget.layout().addWidget(button)
    QWidget.setTabOrder(name_row.widget.input, button)  # made after the page's boxes: put it right after the name
    copier = CopyAnswers(button, rows, values)
    button.copier = copier  # type: ignore[attr-defined]

    def copy() -> None:
        answers = copied_from_submitter(procedure, person, values())
        if answers:
            copier.apply(answers)
        else:
            QMessageBox.information(button, "Chưa có thông tin", "Chưa có thông tin người nộp hồ sơ để chép (trang đầu).")

    button.clicked.connect(copy)
    return button


def add_address_menus(procedure: Procedure, rows: Rows, values: Values) -> None:
    """Beside each address box, "Cùng địa chỉ…": a menu of the other addresses already answered on the form."""
    for field_id, row in rows().items():
        widget = row.widget
        if not isinstance(widget, AddressField):
            continue
        button = QToolButton(widget)
        button.setObjectName(f"sameAddress_{field_id}")
        button.setText("Cùng địa chỉ…")
        button.setToolTip("Chép địa chỉ của một người khác trong hồ sơ")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        button.setMenu(menu)
        copier = CopyAnswers(widget, rows, values)
        button.copier = copier  # type: ignore[attr-defined]

        def fill(menu: QMenu = menu, target: str = field_id, copier: CopyAnswers = copier) -> None:
            menu.clear()
            current = values()
            sources = address_sources(procedure, target, current)
            if not sources:
                menu.addAction("Chưa có địa chỉ nào khác trong hồ sơ").setEnabled(False)
            for source, label in sources:
                menu.addAction(f"Cùng địa chỉ với {label}", lambda s=source: copier.apply({target: dict(values()[s])}))

        menu.aboutToShow.connect(fill)
        widget.layout().addWidget(button, 0, 2)
        QWidget.setTabOrder(widget.line, button)  # right after the street line
