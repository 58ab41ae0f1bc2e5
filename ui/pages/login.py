"""Login: officer and PIN; in demo mode the demo login is shown."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QVBoxLayout, QWidget

from ui.pages.widgets import banner, primary_button, show_banner, subtitle, title


class LoginPage(QWidget):
    login_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.site_label = subtitle("")
        self.demo_hint = banner("demoHint")
        self.error = banner("errorBanner")
        self.notice = banner("demoHint")  # "still opening the data": the login was sent and waits, not refused
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setPlaceholderText("tên đăng nhập")
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText("mã PIN")
        self.button = primary_button("Đăng nhập")
        self.button.setObjectName("primary")

        form = QFormLayout()
        form.addRow("Cán bộ:", self.username)
        form.addRow("Mã PIN:", self.pin)

        box = QWidget()
        box.setMaximumWidth(520)
        box.setMinimumWidth(520)  # wrapped banners (idle lock, demo hint) get their height for this width
        inner = QVBoxLayout(box)
        inner.addWidget(title("Tiếp nhận hồ sơ Một Cửa"))
        inner.addWidget(self.site_label)
        inner.addSpacing(12)
        inner.addWidget(self.demo_hint)
        inner.addLayout(form)
        inner.addWidget(self.error)
        inner.addWidget(self.notice)
        inner.addWidget(self.button)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        self.username.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self._submit)
        self.button.clicked.connect(self._submit)

    def prepare(self, site_text: str, demo_login: tuple[str, str] | None, *, keep_typed: bool = False) -> None:
        """The site's name and, in demo mode, the demo login; with `keep_typed`, what the officer typed meanwhile stays."""
        typed = (self.username.text(), self.pin.text())
        self._prepare(site_text, demo_login)
        if keep_typed and any(typed):
            self.username.setText(typed[0] or self.username.text())
            self.pin.setText(typed[1])

    def _prepare(self, site_text: str, demo_login: tuple[str, str] | None) -> None:
        self.site_label.setText(site_text)
        if demo_login:
            show_banner(self.demo_hint, f"Chế độ trình diễn — đăng nhập: <b>{demo_login[0]}</b>, mã PIN: <b>{demo_login[1]}</b>")
        else:
            show_banner(self.demo_hint, None)
        self.reset()

    def reset(self) -> None:
        self.pin.clear()
        show_banner(self.error, None)
        show_banner(self.notice, None)
        self.button.setEnabled(True)
        (self.pin if self.username.text() else self.username).setFocus()

    def show_locked(self, username: str, message: str) -> None:
        """The idle lock: the same officer types the PIN again (another officer may log in instead)."""
        self.username.setText(username)
        self.pin.clear()
        show_banner(self.error, None)
        show_banner(self.demo_hint, message)
        self.button.setEnabled(True)
        self.pin.setFocus()

    def show_waiting(self, message: str) -> None:
        """The login was sent before the data folder was open: it goes ahead by itself once it is."""
        show_banner(self.error, None)
        show_banner(self.notice, message)

    def show_error(self, message: str) -> None:
        show_banner(self.notice, None)
        show_banner(self.error, message)
        self.button.setEnabled(True)
        self.pin.clear()
        self.pin.setFocus()

    def _submit(self) -> None:
        if not self.username.text().strip():
            self.show_error("Vui lòng nhập tên đăng nhập.")
            self.username.setFocus()
            return
        self.button.setEnabled(False)
        self.login_requested.emit(self.username.text().strip(), self.pin.text())
