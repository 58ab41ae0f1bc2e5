"""Where every way in meets: a card's text from the keyboard burst, the serial port, the webcam or an image file is
parsed once, confirmed (a beep and a banner), and put into the wizard for the person the officer picks.

On the wizard, a scan opens the chooser at once. On the home screen (no procedure yet) the card waits in memory:
the home banner names it, and the chooser opens as soon as the officer picks the procedure; leaving for any other
screen forgets it. The raw text is never logged, stored or put in a draft: only the parsed card goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from forms.idcard.address import map_old_address
from forms.idcard.payload import IdCard, NotACard, parse_payload
from forms.idcard.people import card_people
from forms.wizard import FORM
from ui.pages.idcard.burst import KeyBurstDetector
from ui.pages.idcard.chooser import CardChooser, read_banner
from ui.pages.idcard.fill import default_person, fill_person
from ui.pages.idcard.marks import CardMarks
from ui.pages.idcard.serial_reader import SerialCardReader

if TYPE_CHECKING:
    from ui.pages.home import HomePage
    from ui.pages.wizard import WizardPage
    from ui.session import Session

log = logging.getLogger(__name__)

KEYBOARD, SERIAL, CAMERA, IMAGE = "keyboard", "serial", "camera", "image"
MSG_NO_PEOPLE = "Đã đọc thẻ căn cước của {name}, nhưng biểu mẫu này không có mục thông tin cá nhân để điền."
MSG_HOME = "Đã đọc thẻ căn cước của {name}. Hãy chọn thủ tục: thông tin trên thẻ sẽ được điền khi mở biểu mẫu."
MSG_ELSEWHERE = "Đã đọc thẻ căn cước của {name}. Hãy mở biểu mẫu hồ sơ rồi quét lại thẻ."


class CardIntake(QObject):
    """Owns the ways in and the marks; `set_screen` says which screen is shown (the burst filter runs on two)."""

    notice = Signal(str)  # for the status bar
    filled = Signal(str)  # a person's page id, once the card's answers are in the wizard

    def __init__(self, session: Session, wizard: WizardPage, home: HomePage, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(wizard)
        self._session = session
        self._wizard = wizard
        self._home = home
        self._pending: IdCard | None = None  # read on the home screen, for the procedure the officer picks next
        self.chooser: CardChooser | None = None
        self.camera_dialog: Any = None
        self.burst = KeyBurstDetector(self, clock=clock, scope=wizard)
        self.serial = SerialCardReader(self)
        self.marks = CardMarks(wizard)
        wizard.hold_draft = lambda: self.burst.in_burst  # no draft mid-burst: it could hold part of the card's text
        # Deferred: the chooser must not open inside the application's key filter.
        self.burst.text_read.connect(lambda text: QTimer.singleShot(0, lambda: self.take_text(text, KEYBOARD)))
        self.serial.text_read.connect(lambda text: self.take_text(text, SERIAL))
        self.serial.failed.connect(self.notice)
        wizard.rendered.connect(self._offer_pending)

    # --- where the officer is ---------------------------------------------------------------------

    def set_screen(self, widget: QWidget | None) -> None:
        """The window shows `widget`: the keyboard burst is watched on the wizard and the home screen only."""
        self.burst.set_active(widget is self._wizard or widget is self._home)
        if widget is not self._home and widget is not self._wizard and self._pending is not None:
            self._pending = None  # forgotten: the home banner that named it goes too
            self._home.set_warning(None)

    def set_port(self, name: str) -> None:
        self.serial.set_port(name)

    # --- the ways in ------------------------------------------------------------------------------

    def take_text(self, text: str, source: str) -> None:
        """One QR's text from any way in: a card goes on; anything else is put back (keyboard) or explained."""
        result = parse_payload(text)
        if isinstance(result, NotACard):
            log.info("a %s read was not an ID card (%d fields)", source, result.field_count)
            if source == KEYBOARD and not result.looks_like_a_card:
                self.burst.put_back(text)  # the officer's own keys, or another code: as typed, and nothing said
            else:  # a card with a bad field is not put into a field: it is someone's identity
                self.notice.emit(result.message)
            return
        self.take_card(result)

    def read_with_camera(self) -> None:
        from ui.operations.idcard import card_from_frame
        from ui.pages.camera_scan import CameraScanDialog

        dialog = self.camera_dialog = CameraScanDialog(
            self._session.tasks, self._wizard, decoder=card_from_frame,
            heading="Đưa mã QR trên thẻ căn cước vào trước máy ảnh", window_title="Quét mã QR trên thẻ căn cước",
            otherwise="hoặc đọc thẻ từ ảnh (Shift+F7), hoặc gõ thông tin trên thẻ",
        )
        dialog.code_found.connect(lambda card: isinstance(card, IdCard) and self.take_card(card))
        dialog.open()

    def read_image_file(self, path: Path | None = None) -> None:
        """"Đọc thẻ từ ảnh…": a photo or scan of the card's back."""
        from ui.operations.idcard import card_from_image

        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self._wizard, "Đọc thẻ từ ảnh", "", "Ảnh (*.png *.jpg *.jpeg *.bmp *.tif *.tiff)")
            if not chosen:
                return
            path = Path(chosen)
        self._session.run(card_from_image(path).success(self.take_card).failure(self.notice.emit))

    # --- a card ---------------------------------------------------------------------------------

    def take_card(self, card: IdCard) -> None:
        QApplication.beep()
        wizard = self._wizard
        if wizard.isVisible() and wizard.procedure is not None and wizard.flow is not None:
            self.choose(card)
        elif self._home.isVisible():
            self._pending = card
            self._home.set_warning(MSG_HOME.format(name=card.full_name))
        else:
            self.notice.emit(MSG_ELSEWHERE.format(name=card.full_name))

    def choose(self, card: IdCard) -> None:
        """Ask whose card it is (the chooser), then fill that person."""
        wizard = self._wizard
        assert wizard.procedure is not None
        people = card_people(wizard.procedure)
        if not people:
            self.notice.emit(MSG_NO_PEOPLE.format(name=card.full_name))
            return
        if self.chooser is not None and self.chooser.isVisible():
            self.chooser.reject()
        dialog = self.chooser = CardChooser(card, people, default_person(wizard, people), map_old_address(card.residence), wizard)
        self.notice.emit(read_banner(card))

        def picked() -> None:
            if dialog.person is not None:
                person = dialog.person
                fill_person(wizard, self.marks, person, card, dialog.candidate,
                            lambda message: (self.notice.emit(message), self.filled.emit(person.page_id)))

        dialog.accepted.connect(picked)
        dialog.open()

    def _offer_pending(self, step: str) -> None:
        card, self._pending = self._pending, None
        if card is not None and step == FORM:
            self._home.set_warning(None)
            QTimer.singleShot(0, lambda: self.choose(card))

    def close_dialogs(self) -> None:
        """The idle lock hides every screen with personal data."""
        for dialog in (self.chooser, self.camera_dialog, getattr(self._wizard, "card_conflicts", None)):
            if dialog is not None and dialog.isVisible():
                dialog.reject()
