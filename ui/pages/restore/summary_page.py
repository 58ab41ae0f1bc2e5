"""The restore screen: what the last `kiosk-admin restore` did and the codes to look for, each with its action.

Shown after login until an officer presses "Đã xem", and from the home screen while codes remain open
(ui/window/restore_nav.py). The wording of what happened is ui/admin/restore_summary.py's, the same as the CLI's.
Keyboard: Tab between the buttons, Enter or Space presses one, Ctrl+Enter is "Đã xem", Esc goes home.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from forms.timezone import VN_TZ
from ui.operations.restore import RestoreView, acknowledge, dismiss_code, restore_view
from ui.pages.widgets import banner, enter_presses_focused_button, primary_button, show_banner, subtitle, title

if TYPE_CHECKING:
    from ui.session import Session

REENTER, NO_PAPER = "Tiếp nhận lại theo mã này", "Không có bản giấy"


def _label(text: str, name: str = "restoreText") -> QLabel:
    """A wrapped label; its text size comes from assets/style.qss (#restoreText, #restoreHint, #restoreCode, #restoreDone)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class RestoreSummaryPage(QWidget):
    reenter_requested = Signal(str)  # the code to re-enter a dossier under, from its paper copy
    home_requested = Signal()
    changed = Signal(object)  # the view after loading or an action (RestoreView or None): the home screen's button follows

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.view: RestoreView | None = None
        self.code_buttons: dict[str, tuple[QPushButton, QPushButton]] = {}
        self.heading = title("Kết quả khôi phục dữ liệu")
        self.when = subtitle("")
        self.error = banner("errorBanner")
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        self.home_button = QPushButton("Về màn hình chính (Esc)")
        self.seen_button = primary_button("Đã xem (Ctrl+Enter)")
        buttons = QHBoxLayout()
        buttons.addWidget(self.home_button)
        buttons.addStretch(1)
        buttons.addWidget(self.seen_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.when)
        layout.addWidget(self.error)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.home_button.clicked.connect(self.home_requested)
        self.seen_button.clicked.connect(self.acknowledge)
        for keys, action in (("Ctrl+Return", self.acknowledge), ("Ctrl+Enter", self.acknowledge), ("Esc", self.home_requested.emit)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)

    def open(self) -> None:
        """Load the last restore's report (on the worker) and show it."""
        show_banner(self.error, None)
        self._session.run(restore_view(self._session.context).success(self.show_view).failure(self._failed))

    def acknowledge(self) -> None:
        officer = self._session.officer
        if officer is not None and self.view is not None:
            self._session.run(acknowledge(self._session.context, officer).success(self._acknowledged).failure(self._failed))

    def dismiss(self, code: str) -> None:
        officer = self._session.officer
        if officer is not None:
            self._session.run(dismiss_code(self._session.context, officer, code).success(self.show_view).failure(self._failed))

    def _acknowledged(self, view: RestoreView | None) -> None:
        self.show_view(view)
        self.home_requested.emit()

    def _failed(self, message: str) -> None:
        show_banner(self.error, message)

    def show_view(self, view: RestoreView | None) -> None:
        self.view = view
        self.code_buttons = {}
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        if view is None:
            self.when.setText("Máy chưa từng được khôi phục dữ liệu.")
            self.changed.emit(None)
            return
        self.when.setText(self._when(view.restored_at))
        self.body_layout.addWidget(_label("\n".join(view.summary)))
        self.body_layout.addWidget(self._codes_box(view))
        if view.notices:
            box = QGroupBox(f"Số phiếu có thể đã cấp sau bản sao lưu ({len(view.notices)}): tìm bản giấy lưu của từng phiếu")
            box_layout = QVBoxLayout(box)
            for notice in view.notices:
                box_layout.addWidget(_label(f"• {notice}"))
            self.body_layout.addWidget(box)
        self.body_layout.addStretch(1)
        first = next(iter(self.code_buttons.values()), None)
        (first[0] if first else self.seen_button).setFocus()
        self.changed.emit(view)

    def _codes_box(self, view: RestoreView) -> QGroupBox:
        box = QGroupBox(f"{view.codes_intro} — còn {len(view.open_codes)} mã cần đối chiếu")
        box_layout = QVBoxLayout(box)
        if not view.codes_known:
            box_layout.addWidget(_label("Không xác định được những mã đã cấp sau bản sao lưu (sổ mã không đọc được). Hãy đối "
                                        "chiếu sổ theo dõi và bản giấy các giấy tiếp nhận từ ngày sao lưu."))
        elif view.open_codes:
            box_layout.addWidget(_label("Tìm bản giấy của giấy tiếp nhận mang từng mã. Có bản giấy: tiếp nhận lại hồ sơ theo "
                                        "đúng mã đó. Không có bản giấy và sổ theo dõi không ghi: chọn \"Không có bản giấy\".",
                                        "restoreHint"))
        for code in view.open_codes:
            row = QHBoxLayout()
            row.addWidget(_label(code, "restoreCode"), 1)
            again, none = QPushButton(REENTER), QPushButton(NO_PAPER)
            again.setObjectName("primary")
            for button in (again, none):
                button.setMinimumHeight(40)
                row.addWidget(button)
            again.clicked.connect(lambda _checked=False, c=code: self.reenter_requested.emit(c))
            none.clicked.connect(lambda _checked=False, c=code: self.dismiss(c))
            self.code_buttons[code] = (again, none)
            box_layout.addLayout(row)
        for code, state in view.done:
            box_layout.addWidget(_label(f"{code}: {state}", "restoreDone"))
        if view.codes_known and not view.open_codes and not view.done:
            box_layout.addWidget(_label("Không có mã nào cần đối chiếu."))
        return box

    @staticmethod
    def _when(restored_at: str) -> str:
        try:
            at = datetime.fromisoformat(restored_at).astimezone(VN_TZ)
        except ValueError:
            return ""
        return f"Khôi phục lúc {at:%H:%M ngày %d/%m/%Y}."

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if not enter_presses_focused_button(self, event):
            super().keyPressEvent(event)
