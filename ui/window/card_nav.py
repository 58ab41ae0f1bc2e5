"""The ID card's QR in the window: the intake (ui/pages/idcard/intake.py) wired to the screens, the site's scanner
port, the idle lock and the status bar, and the wizard's "Đọc thẻ" button (webcam, image file).

Kept out of main_window (which only navigates and stays small), as the books page is (books_nav.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu, QPushButton

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow

CAMERA_SHORTCUT = "F7"
IMAGE_SHORTCUT = "Shift+F7"


def install_card_intake(window: MainWindow) -> None:
    """Create ``window.card_intake`` and connect it; the serial port opens now if the site names one."""
    from ui.pages.idcard.intake import CardIntake

    wizard = window.wizard_page
    intake = CardIntake(window.session, wizard, window.home_page)
    window.card_intake = intake
    intake.notice.connect(window._notify)
    window.stack.currentChanged.connect(lambda _index: intake.set_screen(window.stack.currentWidget()))
    intake.set_screen(window.stack.currentWidget())
    window.idle.timed_out.connect(intake.close_dialogs)
    window.admin_page.settings_changed.connect(lambda settings: intake.set_port(settings.scanner_port))
    if window.ctx is not None:
        intake.set_port(window.ctx.settings.scanner_port)

    button = QPushButton("Đọc thẻ…")
    button.setObjectName("cardReadButton")
    button.setToolTip("Đọc mã QR trên thẻ căn cước: máy ảnh (F7) hoặc tệp ảnh (Shift+F7). Máy quét cứ quét là được.")
    menu = QMenu(button)
    menu.addAction(f"Quét bằng máy ảnh ({CAMERA_SHORTCUT})", intake.read_with_camera)
    menu.addAction(f"Đọc thẻ từ ảnh… ({IMAGE_SHORTCUT})", intake.read_image_file)
    button.setMenu(menu)
    # The wizard's button row is the last layout of its column: the button goes beside "Hướng dẫn bổ sung…".
    outer = wizard.layout()
    row = outer.itemAt(outer.count() - 1).layout()
    row.insertWidget(row.indexOf(wizard.guidance_button) + 1, button)
    window.card_button = button
    for key, action in ((CAMERA_SHORTCUT, intake.read_with_camera), (IMAGE_SHORTCUT, intake.read_image_file)):
        shortcut = QShortcut(QKeySequence(key), wizard)
        shortcut.activated.connect(lambda act=action: wizard.procedure is not None and act())
