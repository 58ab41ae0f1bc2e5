"""One widget per form field type; each reports its value in the format of docs/forms.md and shows its own error."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import shiboken6

from forms import geo
from forms.text import fold
from forms.validators import parse_date
from ui.pages.entry.dates import show_with_slashes, typed_date
from ui.pages.entry.wrapping import LONG_LABEL, choice_box

AttachHandler = Callable[[Path, Callable[[dict[str, Any]], None]], None]
NONE_LABEL = "— chọn —"


FOLDED_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCHABLE_FROM = 15  # longer lists get a type-to-search box (no diacritics needed)


class _FoldedFilter(QSortFilterProxyModel):
    """Keeps the rows whose folded label (and alternative spellings) contain every folded word typed."""

    def __init__(self) -> None:
        super().__init__()
        self._words: list[str] = []

    def set_query(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent: Any) -> bool:  # noqa: N802 - Qt's name
        haystack = self.sourceModel().index(row, 0, parent).data(FOLDED_ROLE) or ""
        return all(word in haystack for word in self._words)


def make_searchable(combo: QComboBox) -> None:
    """Let the officer type part of a name without diacritics ("phu lam", "mong") and pick from the matches.

    Qt's own completer compares raw text, so "Xã …" lists (every entry starts alike) and accented
    names could not be found by typing; this filters on the folded label instead. Calling it again
    (after the items changed) rebuilds the list.
    """
    model = QStandardItemModel(combo)
    for i in range(combo.count()):
        item = QStandardItem(combo.itemText(i))
        extra = combo.itemData(i, FOLDED_ROLE) or ""
        item.setData(fold(combo.itemText(i) + " " + extra), FOLDED_ROLE)
        model.appendRow(item)
    proxy: _FoldedFilter | None = getattr(combo, "_folded_proxy", None)
    if proxy is not None:
        old = proxy.sourceModel()
        proxy.setSourceModel(model)
        old.deleteLater()
        combo.lineEdit().setText("" if combo.currentData() is None else combo.currentText())
        return
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    proxy = _FoldedFilter()
    proxy.setParent(combo)
    proxy.setSourceModel(model)
    combo._folded_proxy = proxy  # type: ignore[attr-defined]
    completer = QCompleter(proxy, combo)
    completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
    completer.setMaxVisibleItems(12)
    combo.setCompleter(completer)
    line = combo.lineEdit()

    def typed(text: str) -> None:
        proxy.set_query(text)
        if text.strip():
            completer.complete()

    def chosen(label: str) -> None:
        found = combo.findText(label, Qt.MatchFlag.MatchExactly)
        if found >= 0:
            combo.setCurrentIndex(found)

    def shown_text() -> str:
        return "" if combo.currentData() is None else combo.currentText()

    def leave() -> None:
        # Typed text that matches nothing never becomes the value: show the real choice again.
        if shiboken6.isValid(line) and line.text() != shown_text():
            line.setText(shown_text())

    line.textEdited.connect(typed)
    line.editingFinished.connect(leave)
    completer.activated.connect(chosen)
    combo.currentIndexChanged.connect(lambda _index: shiboken6.isValid(line) and line.setText(shown_text()))
    line.setText(shown_text())


def _set_invalid(widget: QWidget, invalid: bool) -> None:
    if widget.property("invalid") != invalid:
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class FieldWidget(QWidget):
    """Base: `value()`, `set_value()`, `changed`; `input` is the widget that takes focus and shows invalid state."""

    changed = Signal()

    def __init__(self, field: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.input: QWidget = self
        self.setObjectName(f"field_{field.id}")

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_invalid(self, invalid: bool) -> None:
        _set_invalid(self.input, invalid)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Groups show their items' errors; plain fields have nothing nested."""


class LineField(FieldWidget):
    def __init__(self, field: Any, parent: QWidget | None = None, *, digits: int | None = None) -> None:
        super().__init__(field, parent)
        self.edit = QLineEdit()
        self.edit.setObjectName(f"input_{field.id}")
        self.input = self.edit
        if getattr(field, "placeholder", None):
            self.edit.setPlaceholderText(field.placeholder)
        max_length = getattr(field, "max_length", None)
        if digits:
            self.edit.setMaxLength(digits)
        elif isinstance(max_length, int):
            self.edit.setMaxLength(max_length + 50)  # longer text still shows the length message
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        self.edit.textChanged.connect(self.changed)

    def value(self) -> Any:
        text = self.edit.text()
        return text if text.strip() else None

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))


class NumberField(LineField):
    def __init__(self, field: Any, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit.setValidator(QRegularExpressionValidator(r"-?\d{0,12}([.,]\d{0,4})?"))

    def value(self) -> Any:
        text = self.edit.text().strip().replace(",", ".")
        if not text or text in ("-", "."):
            return None
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and "." not in text else number


class DateField(LineField):
    """dd/mm/yyyy (or 8 digits, ui/pages/entry/dates.py) typed, ISO in the values; text that is not a date stays as typed so the error shows."""

    def __init__(self, field: Any, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit.setPlaceholderText(getattr(field, "placeholder", None) or "ngày/tháng/năm, ví dụ 05/09/1990 hoặc 05091990")
        self.edit.setMaxLength(10)
        self.edit.editingFinished.connect(lambda: show_with_slashes(self.edit))

    def value(self) -> Any:
        text = self.edit.text().strip()
        parsed = typed_date(text) if text else None
        return parsed.isoformat() if parsed is not None else (text or None)

    def set_value(self, value: Any) -> None:
        parsed = parse_date(value) if value else None
        self.edit.setText(parsed.strftime("%d/%m/%Y") if isinstance(parsed, date) else (value or ""))


class TextAreaField(FieldWidget):
    def __init__(self, field: Any, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = QPlainTextEdit()
        self.edit.setObjectName(f"input_{field.id}")
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(80)
        self.input = self.edit
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        self.edit.textChanged.connect(self.changed)

    def value(self) -> Any:
        text = self.edit.toPlainText()
        return text if text.strip() else None

    def set_value(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))


class ChoiceField(FieldWidget):
    def __init__(self, field: Any, parent: QWidget | None = None, *, options: list[tuple[Any, str]] | None = None) -> None:
        super().__init__(field, parent)
        self.combo = QComboBox()
        self.combo.setObjectName(f"input_{field.id}")
        self.combo.setMaxVisibleItems(15)
        self.input = self.combo
        self.combo.addItem(NONE_LABEL, None)
        if options is not None:
            for value, label in options:
                self.combo.addItem(label, value)
        else:
            for choice in field.choices:
                self.combo.addItem(choice.label, choice.value)
                self.combo.setItemData(self.combo.count() - 1, " ".join(choice.search), FOLDED_ROLE)
        if self.combo.count() > SEARCHABLE_FROM:
            make_searchable(self.combo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        self.combo.currentIndexChanged.connect(lambda _index: self.changed.emit())

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else 0
        self.combo.setCurrentIndex(max(index, 0))


class YesNoField(ChoiceField):
    def __init__(self, field: Any, parent: QWidget | None = None) -> None:
        super().__init__(field, parent, options=[(True, "Có"), (False, "Không")])


class MultiChoiceField(FieldWidget):
    def __init__(self, field: Any, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[tuple[Any, QCheckBox]] = []
        columns = 1 if any(len(choice.label) > LONG_LABEL for choice in field.choices) else 2
        for i, choice in enumerate(field.choices):
            box, cell = choice_box(choice.label)  # a long label wraps (ui/pages/entry/wrapping.py)
            box.setObjectName(f"input_{field.id}_{choice.value}")
            grid.addWidget(cell, i // columns, i % columns)
            self.boxes.append((choice.value, box))
            box.toggled.connect(lambda _checked: self.changed.emit())
        self.input = self.boxes[0][1] if self.boxes else self

    def value(self) -> Any:
        return [value for value, box in self.boxes if box.isChecked()]

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for choice_value, box in self.boxes:
            box.setChecked(choice_value in chosen)


class AddressField(FieldWidget):
    """Free-text line (house number, hamlet) + province + commune from the 2025 unit list."""

    def __init__(self, field: Any, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.line = QLineEdit()
        self.line.setObjectName(f"input_{field.id}_line")
        self.line.setPlaceholderText("Số nhà, đường, thôn/xóm/tổ dân phố")
        self.province = QComboBox()
        self.province.setObjectName(f"input_{field.id}_province")
        self.province.addItem("— tỉnh/thành phố —", None)
        for province in geo.provinces():
            self.province.addItem(province.name, province.code)
        make_searchable(self.province)
        self.commune = QComboBox()
        self.commune.setObjectName(f"input_{field.id}_commune")
        self.commune.setMaxVisibleItems(15)
        self.commune.addItem("— xã/phường —", None)
        make_searchable(self.commune)
        self.input = self.line
        self.preselected: tuple[Any, Any] = (None, None)  # the site's commune (ui/pages/entry/site_defaults.py)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line, 0, 0, 1, 2)
        layout.addWidget(self.province, 1, 0)
        layout.addWidget(self.commune, 1, 1)
        self.line.textChanged.connect(self.changed)
        self.province.currentIndexChanged.connect(self._province_changed)
        self.commune.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def _province_changed(self, _index: int) -> None:
        self.commune.blockSignals(True)
        self.commune.clear()
        self.commune.addItem("— xã/phường —", None)
        code = self.province.currentData()
        if code:
            for commune in geo.communes(code):
                self.commune.addItem(commune.name, commune.code)
        make_searchable(self.commune)
        self.commune.blockSignals(False)
        self.changed.emit()

    def value(self) -> Any:
        line = self.line.text()
        province, commune = self.province.currentData(), self.commune.currentData()
        if not line.strip() and (province, commune) in ((None, None), self.preselected):
            return None  # nothing typed: the site's pre-selected commune is no answer
        return {"line": line, "commune_code": commune or "", "province_code": province or ""}

    def set_value(self, value: Any) -> None:
        value = value if isinstance(value, dict) else {}
        self.line.setText(str(value.get("line") or ""))
        self.province.setCurrentIndex(max(self.province.findData(value.get("province_code")), 0))
        self.commune.setCurrentIndex(max(self.commune.findData(value.get("commune_code")), 0))

    def set_invalid(self, invalid: bool) -> None:
        for widget in (self.line, self.province, self.commune):
            _set_invalid(widget, invalid)


class AttachmentField(FieldWidget):
    """Scanned files: copied into the kiosk's store on the worker as soon as they are chosen."""

    def __init__(self, field: Any, parent: QWidget | None = None, *, attach: AttachHandler | None = None) -> None:
        super().__init__(field, parent)
        self._attach = attach
        self._items: list[dict[str, Any]] = []
        self.button = QPushButton("Đính kèm tệp…")
        self.button.setObjectName(f"input_{field.id}")
        self.clear_button = QPushButton("Bỏ tệp")
        self.files = QLabel("Chưa có tệp.")
        self.files.setWordWrap(True)
        self.input = self.button
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.clear_button)
        layout.addWidget(self.files, 1)
        self.button.clicked.connect(self._choose)
        self.clear_button.clicked.connect(lambda: self.set_value([]) or self.changed.emit())

    def _choose(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Chọn tệp đính kèm", "", "Tệp quét (*.pdf *.jpg *.jpeg *.png);;Mọi tệp (*)")
        for path in paths:
            self.add_file(Path(path))

    def add_file(self, path: Path) -> None:
        if self._attach is None:
            return
        self.files.setText(f"Đang lưu {path.name}…")
        self._attach(path, self._stored)

    def _stored(self, ref: dict[str, Any]) -> None:
        if all(item.get("sha256") != ref.get("sha256") for item in self._items):
            self._items.append(ref)
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        self.files.setText(", ".join(f"{i['filename']} ({int(i.get('size', 0)) // 1024} KB)" for i in self._items) or "Chưa có tệp.")

    def value(self) -> Any:
        return list(self._items) or None

    def set_value(self, value: Any) -> None:
        self._items = [item for item in (value or []) if isinstance(item, dict)]
        self._show()


class GroupField(FieldWidget):
    """A repeat group: items of sub-fields, with add and remove buttons."""

    def __init__(self, field: Any, parent: QWidget | None = None, *, factory: Callable[[Any, QWidget], FieldWidget]) -> None:
        super().__init__(field, parent)
        self._factory = factory
        self.items: list[tuple[QFrame, dict[str, FieldWidget], dict[str, QLabel]]] = []
        self.container = QVBoxLayout()
        item_label = getattr(field, "item_label", None) or "mục"
        self.add_button = QPushButton(f"+ Thêm {item_label}")
        self.add_button.setObjectName(f"add_{field.id}")
        self.input = self.add_button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.container)
        layout.addWidget(self.add_button)
        self.add_button.clicked.connect(lambda: (self.add_item({}), self.changed.emit()))

    def add_item(self, values: dict[str, Any]) -> None:
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(frame)
        widgets: dict[str, FieldWidget] = {}
        errors: dict[str, QLabel] = {}
        row = 0
        for sub in self.field.fields:
            widget = self._factory(sub, frame)
            widget.set_value(values.get(sub.id))
            widget.changed.connect(self.changed)
            error = QLabel()
            error.setObjectName("fieldError")
            error.hide()
            grid.addWidget(QLabel(sub.label + (" *" if sub.required else "")), row, 0)
            grid.addWidget(widget, row, 1)
            grid.addWidget(error, row + 1, 1)
            widgets[sub.id], errors[sub.id] = widget, error
            row += 2
        remove = QPushButton("Xóa mục này")
        grid.addWidget(remove, row, 1)
        entry = (frame, widgets, errors)
        remove.clicked.connect(lambda: self._remove(entry))
        self.items.append(entry)
        self.container.addWidget(frame)

    def _remove(self, entry: tuple[QFrame, dict[str, FieldWidget], dict[str, QLabel]]) -> None:
        if entry in self.items:
            self.items.remove(entry)
            entry[0].deleteLater()
            self.changed.emit()

    def value(self) -> Any:
        return [{key: widget.value() for key, widget in widgets.items()} for _frame, widgets, _errors in self.items]

    def set_value(self, value: Any) -> None:
        for frame, _widgets, _errors in self.items:
            frame.deleteLater()
        self.items = []
        for item in value or []:
            self.add_item(item if isinstance(item, dict) else {})
        if not self.items:
            for _ in range(int(getattr(self.field, "min_items", 0) or 0)):
                self.add_item({})

    def show_errors(self, errors: dict[str, str]) -> None:
        prefix = f"{self.field.id}["
        for index, (_frame, widgets, labels) in enumerate(self.items):
            for sub_id, label in labels.items():
                message = errors.get(f"{prefix}{index}].{sub_id}")
                label.setText(message or "")
                label.setVisible(bool(message))
                widgets[sub_id].set_invalid(bool(message))


def make_field_widget(field: Any, parent: QWidget | None = None, *, attach: AttachHandler | None = None) -> FieldWidget:
    """The widget for a field's type (docs/forms.md)."""
    kind = field.type
    if kind in ("text", "phone", "email"):
        return LineField(field, parent)
    if kind == "id_number":
        widget = LineField(field, parent, digits=12)
        widget.edit.setValidator(QRegularExpressionValidator(r"\d{0,12}"))
        return widget
    if kind == "longtext":
        return TextAreaField(field, parent)
    if kind == "number":
        return NumberField(field, parent)
    if kind == "date":
        return DateField(field, parent)
    if kind == "choice":
        return ChoiceField(field, parent)
    if kind == "multichoice":
        return MultiChoiceField(field, parent)
    if kind == "yesno":
        return YesNoField(field, parent)
    if kind == "address":
        return AddressField(field, parent)
    if kind == "attachment":
        return AttachmentField(field, parent, attach=attach)
    if kind == "group":
        return GroupField(field, parent, factory=lambda sub, p: make_field_widget(sub, p, attach=attach))
    return LineField(field, parent)
