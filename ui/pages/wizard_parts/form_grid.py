"""One form screen's boxes: a label, the field's widget, its help and its error per row, in a two-column grid.

A screen may hold several pages of the definition (forms.wizard.screen_groups: a one-question page shares the
screen of the page before it); each merged page starts under its own heading, so the officer still sees where
"Cách thức nộp hồ sơ" or "Cam đoan" begins. Kept out of ui/pages/wizard.py, which drives the steps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget

from forms.model import Field, Page
from ui.pages.fields import FieldWidget, make_field_widget
from ui.pages.wizard_parts.declaration import DeclarationField, is_declaration

Attach = Callable[[Path, Callable[[dict[str, Any]], None]], None]


class Row:
    """A field's label, widget, help and error label, shown or hidden together."""

    def __init__(self, field: Field, widget: FieldWidget, label: QLabel, error: QLabel, help_label: QLabel | None) -> None:
        self.field, self.widget, self.label, self.error, self.help = field, widget, label, error, help_label

    def set_visible(self, visible: bool) -> None:
        for part in (self.widget, self.label, self.help):
            if part is not None:
                part.setVisible(visible)
        if not visible:
            self.error.hide()

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message) and self.widget.isVisibleTo(self.widget.parentWidget()))
        self.widget.set_invalid(bool(message))


def _heading(text: str, parent: QWidget) -> QLabel:
    heading = QLabel(text, parent)
    heading.setObjectName("sectionHeading")
    heading.setWordWrap(True)
    return heading


def build_form_grid(page: Page, sections: Mapping[str, str], values: Mapping[str, Any], attach: Attach,
                    enter_filter: QObject) -> tuple[QWidget, dict[str, Row], dict[str, Any]]:
    """The screen's container and its rows (field id → Row), each widget showing `values` (else the field's
    default); the third item holds the answers the widgets add on their own (an unticked declaration is False:
    "not affirmed", so "Tiếp tục" gives the definition's own message, not "nhập"). `sections` maps a field id
    to the heading shown above it. Text boxes get `enter_filter` (Enter moves on, like Tab)."""
    container = QWidget()
    grid = QGridLayout(container)
    grid.setColumnStretch(1, 1)
    grid.setColumnMinimumWidth(0, 260)
    rows: dict[str, Row] = {}
    added: dict[str, Any] = {}
    row_index = 0
    for field in page.fields:
        if field.id in sections:
            grid.addWidget(_heading(sections[field.id], container), row_index, 0, 1, 2)
            row_index += 1
        widget = DeclarationField(field, container) if is_declaration(field) else make_field_widget(field, container, attach=attach)
        widget.set_value(values.get(field.id, field.default))
        if isinstance(widget, DeclarationField) and values.get(field.id) is None:
            added[field.id] = False
        label = QLabel(field.label + (" <span style='color:#b00020'>*</span>" if field.required else ""))
        label.setWordWrap(True)
        label.setBuddy(widget.input)
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.hide()
        help_label = None
        grid.addWidget(label, row_index, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(widget, row_index, 1)
        row_index += 1
        if field.help:
            help_label = QLabel(field.help)
            help_label.setWordWrap(True)
            help_label.setObjectName("fieldHelp")  # grey and smaller: assets/style.qss (large text scales it)
            grid.addWidget(help_label, row_index, 1)
            row_index += 1
        grid.addWidget(error, row_index, 1)
        row_index += 1
        rows[field.id] = Row(field, widget, label, error, help_label)
        if isinstance(widget.input, QLineEdit):
            widget.input.installEventFilter(enter_filter)
    grid.setRowStretch(row_index, 1)
    return container, rows, added
