"""The PIN change asked for right after a login whose PIN was set before the PIN policy (docs/security.md).

`officers.login` marks the officer `pin_change_due` when the PIN just typed would not be accepted today (fewer than 6
digits, a repeat, a run). The window then shows this page before anything else: no officer is logged in on the
window meanwhile (the home screen, the books' F9 and the idle lock all see nobody), and only a changed PIN goes on to
what a login normally does. Keyboard-driven: Enter moves to the next field and sends from the last; Escape logs out.
Kept out of main_window (which only navigates and stays small): installed by wrapping the window's `_logged_in`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui.operations import session as session_ops
from ui.pages.widgets import banner, primary_button, show_banner, subtitle, title

if TYPE_CHECKING:
    from kiosk.security.officers import OfficerRef
    from ui.session import Session
    from ui.window.main_window import MainWindow

WHY = ("Mã PIN của anh/chị được đặt từ trước, nay chưa đủ an toàn. Hãy đặt mã PIN mới trước khi làm việc: ít nhất "
       "6 chữ số, không phải một số hay nhóm số lặp lại (111111, 121212), không phải dãy liên tiếp (123456, 987654), "
       "không phải ngày sinh.")


class PinChangePage(QWidget):
    changed = Signal(object)  # the officer, once the new PIN is saved
    logout_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._officer: OfficerRef | None = None
        self.greeting = subtitle("")
        self.why = QLabel(WHY)
        self.why.setWordWrap(True)
        self.error = banner("errorBanner")
        self.current, self.new, self.again = (self._pin_field(name) for name in ("currentPin", "newPin", "newPinAgain"))
        self.button = primary_button("Đổi mã PIN")
        self.logout_button = QPushButton("Đăng xuất (Esc)")

        form = QFormLayout()
        form.addRow("Mã PIN đang dùng:", self.current)
        form.addRow("Mã PIN mới:", self.new)
        form.addRow("Nhập lại mã PIN mới:", self.again)
        box = QWidget()
        box.setMinimumWidth(520)
        box.setMaximumWidth(520)
        inner = QVBoxLayout(box)
        for widget in (title("Đổi mã PIN"), self.greeting, self.why):
            inner.addWidget(widget)
        inner.addLayout(form)
        for widget in (self.error, self.button, self.logout_button):
            inner.addWidget(widget)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        self.current.returnPressed.connect(self.new.setFocus)
        self.new.returnPressed.connect(self.again.setFocus)
        self.again.returnPressed.connect(self._submit)
        self.button.clicked.connect(self._submit)
        self.logout_button.clicked.connect(self.logout_requested)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.logout_requested.emit, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    @staticmethod
    def _pin_field(name: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        return field

    def prepare(self, officer: OfficerRef) -> None:
        self._officer = officer
        self.greeting.setText(f"Cán bộ {officer.full_name} ({officer.username})")
        for field in (self.current, self.new, self.again):
            field.clear()
        show_banner(self.error, None)
        self.button.setEnabled(True)
        self.current.setFocus()

    def show_error(self, message: str) -> None:
        show_banner(self.error, message)
        self.button.setEnabled(True)
        self.new.clear()
        self.again.clear()
        (self.new if self.current.text() else self.current).setFocus()

    def _submit(self) -> None:
        officer = self._officer
        if officer is None or not self.button.isEnabled():
            return
        if self.new.text() != self.again.text():
            self.show_error("Hai lần nhập mã PIN mới không khớp nhau; hãy nhập lại.")
            return
        self.button.setEnabled(False)
        op = session_ops.change_own_pin(self._session.context, officer, self.current.text(), self.new.text())
        self._session.run(op.success(lambda _none: self.changed.emit(replace(officer, pin_change_due=False))).failure(self._failed))

    def _failed(self, message: str) -> None:
        if "không đúng" in message:  # the current PIN: typed again from the start
            self.current.clear()
        self.show_error(message)


def install_pin_change(window: MainWindow) -> None:
    """Put the page in the window's stack and send a login whose PIN is due for a change to it first."""
    page = PinChangePage(window.session)
    window.stack.addWidget(page)
    window.pin_change_page = page
    logged_in = window._logged_in

    def after_login(officer: OfficerRef) -> None:
        if not officer.pin_change_due:
            logged_in(officer)
            return
        window.stack.setCurrentWidget(page)
        page.prepare(officer)

    def changed(officer: OfficerRef) -> None:
        window._notify("Đã đổi mã PIN. Từ nay đăng nhập bằng mã PIN mới.")
        logged_in(officer)

    window._logged_in = after_login  # type: ignore[method-assign]  # the login's success goes through it (main_window._login)
    page.changed.connect(changed)
    page.logout_requested.connect(window._logout)
