"""The review page's fee box: the computed fee and its lines, the exemptions to tick, "Đã thu phí", a hand amount."""

from __future__ import annotations

import html
from datetime import date
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from forms.fees import FeeResult
from forms.model import Procedure
from kiosk.dossier.fees import MAX_HAND_VND, FeeInputs
from kiosk.errors import KioskError

Compute = Callable[[tuple[str, ...]], FeeResult]


class FeeBox(QGroupBox):
    """Shows the fee as the counter computes it; ticking an exemption recomputes it. `inputs()` is what submit takes."""

    changed = Signal()

    def __init__(self, compute: Compute, parent: QWidget | None = None) -> None:
        super().__init__("Phí, lệ phí", parent)
        self.setObjectName("feeBox")
        self._compute = compute
        self.result: FeeResult | None = None
        self.summary = QLabel("")
        self.summary.setObjectName("feeSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.exemptions: dict[str, QCheckBox] = {}
        self._exemption_box = QVBoxLayout()
        self.collected = QCheckBox("Đã thu phí")
        self.collected.setObjectName("feeCollected")
        self.receipt_number = QLineEdit()
        self.receipt_number.setObjectName("feeReceiptNumber")
        self.receipt_number.setMaxLength(40)
        self.receipt_number.setPlaceholderText("số biên lai thu phí (nếu có)")
        self.hand_amount = QSpinBox()
        self.hand_amount.setObjectName("feeHandAmount")
        self.hand_amount.setRange(0, MAX_HAND_VND)
        self.hand_amount.setSingleStep(1000)
        self.hand_amount.setGroupSeparatorShown(True)
        self.hand_amount.setSuffix(" đồng")
        for narrow in (self.hand_amount, self.receipt_number):
            narrow.setMaximumWidth(280)
        self.hand_label = QLabel("Số tiền (nhập tay, chưa có biểu phí):")
        form = QFormLayout()
        form.addRow(self.hand_label, self.hand_amount)
        form.addRow(self.collected, self.receipt_number)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(self._exemption_box)
        layout.addLayout(form)
        self.collected.toggled.connect(self._sync_enabled)
        self.recompute()

    def recompute(self) -> None:
        ticked = tuple(ex_id for ex_id, box in self.exemptions.items() if box.isChecked())
        try:
            self.result = self._compute(ticked)
        except KioskError as exc:
            self.result = None
            self.summary.setText(f"<span style='color:#b00020'>{html.escape(exc.message)}</span>")
            return
        if not self.exemptions:
            for ex in self.result.offered:
                box = QCheckBox(f"Miễn: {ex.label} — xuất trình {ex.proof}")
                box.setObjectName(f"feeExemption_{ex.id}")
                box.setToolTip(ex.legal_source)
                box.toggled.connect(lambda _checked: self.recompute())
                self._exemption_box.addWidget(box)
                self.exemptions[ex.id] = box
        lines = "".join(f"<li>{html.escape(line)}</li>" for line in self.result.lines)
        self.summary.setText(f"<b>{html.escape(self.result.summary)}</b><ul>{lines}</ul>")
        self._sync_enabled()
        self.changed.emit()

    @property
    def needs_hand_amount(self) -> bool:
        return self.result is not None and self.result.amount_vnd is None

    def _sync_enabled(self) -> None:
        self.hand_label.setVisible(self.needs_hand_amount)
        self.hand_amount.setVisible(self.needs_hand_amount)
        self.receipt_number.setEnabled(self.collected.isChecked())

    def inputs(self) -> FeeInputs:
        hand = self.hand_amount.value() if self.needs_hand_amount and self.hand_amount.value() > 0 else None
        return FeeInputs(
            exemptions=tuple(ex_id for ex_id, box in self.exemptions.items() if box.isChecked()),
            collected=self.collected.isChecked(),
            fee_receipt_number=self.receipt_number.text().strip() if self.collected.isChecked() else "",
            hand_amount_vnd=hand,
        )


def fee_computer(ctx: Any, procedure: Procedure, values: dict[str, Any], day: date) -> Compute:
    """The computation the box calls on each tick: the answers cleaned as submit stores them, at this site, on `day`."""
    from forms import formengine
    from forms.text import normalise
    from kiosk.dossier.fees import compute

    cleaned = formengine.clean(procedure, normalise(dict(values)), day)

    def run(ticked: tuple[str, ...]) -> FeeResult:
        return compute(ctx, procedure.code, cleaned, day, ticked)

    return run
