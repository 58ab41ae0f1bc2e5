"""One line of the documents checklist on screen: ticked, the way it is provided, and what that way asks for.

A submitted item has its kind, quantity, page count and scans (attached here, counted in pages); a shown
item nothing more (it is seen and handed back, never scanned); a looked-up item the record number of the
national database, if the officer has it. The rules are forms.received's; this only renders and reads back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from forms.model import KIND_LABELS, SUBMITTED_KINDS, WAY_LABELS, WAYS
from forms.received import MAX_PAGES, MAX_RECORD_NUMBER, ReceivedItem
from forms.wizard import ChecklistItem

Attach = Callable[[Path, Callable[[dict[str, Any]], None]], None]


class DocumentRow(QWidget):
    """The widgets of one checklist item, laid on two lines: the tick and the way, then the way's details."""

    changed = Signal()

    def __init__(self, item: ChecklistItem, attach: Attach, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc_id = item.id
        self._attach = attach
        received = item.received
        self.scans: list[dict[str, Any]] = [dict(s) for s in received.scans]

        self.box = QCheckBox(item.text)
        self.box.setObjectName(f"doc_{item.id}")
        self.box.setChecked(item.ticked)
        self.way = QComboBox()
        self.way.setObjectName(f"way_{item.id}")
        self.way.setAccessibleName(f"Cách thức cung cấp: {item.text}")
        for way in WAYS:
            self.way.addItem(WAY_LABELS[way], way)
        self.way.setCurrentIndex(WAYS.index(received.way))
        self.kind = QComboBox()
        self.kind.setAccessibleName("Hình thức")
        for kind in SUBMITTED_KINDS:
            self.kind.addItem(KIND_LABELS[kind], kind)
        chosen = received.kind or item.kind
        self.kind.setCurrentIndex(SUBMITTED_KINDS.index(chosen) if chosen in SUBMITTED_KINDS else 0)
        for combo in (self.way, self.kind):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # "Bản sao có chứng thực" in full
        self.quantity = QSpinBox()
        self.quantity.setRange(1, 100)
        self.quantity.setValue(max(1, item.quantity))
        self.quantity.setAccessibleName("Số lượng")
        self.pages = QSpinBox()
        self.pages.setRange(0, MAX_PAGES)
        self.pages.setSpecialValueText("—")  # 0: not counted
        self.pages.setValue(received.page_count or 0)
        self.pages.setAccessibleName("Số trang")
        self.scan_button = QPushButton("Quét/đính kèm…")
        self.scan_button.setObjectName(f"scan_{item.id}")
        self.scan_label = QLabel()
        self.record = QLineEdit(received.record_number)
        self.record.setMaxLength(MAX_RECORD_NUMBER)
        self.record.setPlaceholderText("Số hồ sơ/bản ghi trong CSDL (nếu có)")
        self.record.setAccessibleName("Số bản ghi được khai thác")

        self.submitted_parts = [QLabel("Hình thức:"), self.kind, QLabel("Số lượng:"), self.quantity,
                                QLabel("Số trang:"), self.pages, self.scan_button, self.scan_label]
        self.looked_up_parts = [QLabel("Số bản ghi:"), self.record]
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 8)
        grid.addWidget(self.box, 0, 0)
        grid.addWidget(self.way, 0, 1)
        grid.setColumnStretch(0, 1)
        details = QHBoxLayout()
        details.setContentsMargins(28, 0, 0, 0)
        for part in self.submitted_parts + self.looked_up_parts:
            details.addWidget(part)
        details.addStretch(1)
        grid.addLayout(details, 1, 0, 1, 2)
        self.setTabOrder(self.box, self.way)

        self.way.currentIndexChanged.connect(self._way_changed)
        self.pages.valueChanged.connect(self._show_scans)
        self.scan_button.clicked.connect(self._choose)
        for signal in (self.box.toggled, self.kind.currentIndexChanged, self.quantity.valueChanged,
                       self.pages.valueChanged, self.record.textChanged):
            signal.connect(self.changed)
        self._way_changed()

    # --- reading back ----------------------------------------------------------------------------

    @property
    def ticked(self) -> bool:
        return self.box.isChecked()

    def item(self) -> ReceivedItem:
        """What the officer entered; the parts another way asks for are left out."""
        way = self.way.currentData()
        if way == "submitted":
            return ReceivedItem(way=way, quantity=self.quantity.value(), kind=self.kind.currentData(),
                                page_count=self.pages.value() or None, scans=tuple(self.scans))
        if way == "looked_up":
            return ReceivedItem(way=way, record_number=self.record.text().strip())
        return ReceivedItem(way=way)

    # --- the officer's actions -------------------------------------------------------------------

    def set_way(self, way: str) -> None:
        self.way.setCurrentIndex(WAYS.index(way))

    def add_scan(self, path: Path) -> None:
        """Store a scan of this item (counted in pages as it is stored); shown items are never scanned."""
        if self.way.currentData() != "submitted":
            return
        self.scan_label.setText(f"Đang lưu {path.name}…")
        self._attach(path, self._stored)

    def clear_scans(self) -> None:
        self.scans.clear()
        self._show_scans()
        self.changed.emit()

    def _choose(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Chọn bản quét", "", "Bản quét (*.pdf *.jpg *.jpeg *.png *.tif *.tiff)")
        for path in paths:
            self.add_scan(Path(path))

    def _stored(self, ref: dict[str, Any]) -> None:
        self.scans.append(ref)
        self.box.setChecked(True)
        self._show_scans()
        self.changed.emit()

    def _way_changed(self) -> None:
        way = self.way.currentData()
        for part in self.submitted_parts:
            part.setVisible(way == "submitted")
        for part in self.looked_up_parts:
            part.setVisible(way == "looked_up")
        self._show_scans()
        self.changed.emit()

    def _show_scans(self) -> None:
        scanned = sum(int(s.get("pages") or 0) for s in self.scans)
        pages = self.pages.value()
        if not self.scans:
            self.scan_label.setText("Chưa quét")
        elif pages:
            self.scan_label.setText(f"Đã quét {scanned}/{pages} trang")
        else:
            self.scan_label.setText(f"Đã quét {scanned} trang")
        ok = not self.scans or scanned == pages
        self.scan_label.setStyleSheet("" if ok else "color: #b00020;")


class BoxArrows(QObject):
    """Down and Up move between the checklist's tick boxes, one key per item (Tab still walks every part of a
    line: its way, kind, quantity, pages, scans). Space ticks, as on any check box."""

    def __init__(self, rows: list[DocumentRow], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._boxes = [row.box for row in rows]
        for box in self._boxes:
            box.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and watched in self._boxes \
                and not event.modifiers() and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            index = self._boxes.index(watched) + step  # type: ignore[arg-type]
            if 0 <= index < len(self._boxes):
                self._boxes[index].setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return super().eventFilter(watched, event)
