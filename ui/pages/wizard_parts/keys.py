"""The wizard's keys: Ctrl+Enter presses "Tiếp tục" on every step, Esc steps back one page (and on the first page
asks before leaving the wizard).

They are QShortcuts on the wizard page, not the button's own shortcut: QAbstractButton.setText replaces a button's
shortcut with the mnemonic of its new text (none here), so a shortcut set on "Tiếp tục" was lost the first time
the wizard relabelled it ("Xem lại", "Tiếp nhận và in giấy hẹn"). A shortcut owned by the page survives any label.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMessageBox, QWidget

if TYPE_CHECKING:
    from ui.pages.wizard import WizardPage

NEXT_KEYS = ("Ctrl+Return", "Ctrl+Enter")  # the main Enter key and the keypad's
NEXT_HINT = "Ctrl+Enter"  # as the button shows it

LEAVE_TITLE = "Rời khỏi hồ sơ đang nhập?"
LEAVE_WITH_DRAFT = "Rời khỏi hồ sơ đang nhập? Bản nháp đã được lưu; mở lại ở mục \"Bản nháp\" trên trang chủ."
LEAVE_EMPTY = "Rời khỏi hồ sơ đang nhập? Chưa có thông tin nào được nhập."
LEAVE_BUTTON = "Rời khỏi"
STAY_BUTTON = "Ở lại"


def labelled(text: str) -> str:
    """A "Tiếp tục" label with its key: "Tiếp tục (Ctrl+Enter)"."""
    return f"{text} ({NEXT_HINT})"


def install_wizard_keys(page: WizardPage) -> list[QShortcut]:
    """Bind Ctrl+Enter and Esc while the focus is anywhere in `page` (dialogs it opens have their own keys)."""
    shortcuts = []
    for keys, slot in [*((k, page.press_next) for k in NEXT_KEYS), ("Esc", page.step_back_or_leave)]:
        shortcut = QShortcut(QKeySequence(keys), page)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        shortcuts.append(shortcut)
    return shortcuts


def leave_question(parent: QWidget, draft_kept: bool) -> QMessageBox:
    """The question Esc asks on the first page; its `leave_button` is the one that leaves."""
    box = QMessageBox(QMessageBox.Icon.Question, LEAVE_TITLE, LEAVE_WITH_DRAFT if draft_kept else LEAVE_EMPTY, parent=parent)
    box.setObjectName("leaveWizardQuestion")
    box.leave_button = box.addButton(LEAVE_BUTTON, QMessageBox.ButtonRole.AcceptRole)  # type: ignore[attr-defined]
    stay = box.addButton(STAY_BUTTON, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stay)  # Enter or Esc again keeps the officer in the dossier
    box.setEscapeButton(stay)
    return box


def ask_to_leave(parent: QWidget, draft_kept: bool) -> bool:
    """Ask (modal) and say whether the officer chose to leave."""
    box = leave_question(parent, draft_kept)
    box.exec()
    return box.clickedButton() is box.leave_button  # type: ignore[attr-defined]
