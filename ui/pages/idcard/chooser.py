"""After a scan: whose card is it? One key per person of the form (1..n), the person whose page has focus by default.

The dialog also confirms the scan (the banner "Đã đọc thẻ căn cước của …"), warns when the name arrived without
diacritics (a keyboard-mode scanner), and, when the card's old address maps to several 2025 communes (a split
commune), offers them in a combo: only the citizen knows which side of the new line they live on.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from forms.idcard.address import AddressMapping, Candidate
from forms.idcard.payload import IdCard, name_lacks_diacritics
from forms.idcard.people import CardPerson
from ui.pages.widgets import banner, show_banner

MSG_NO_DIACRITICS = (
    "Họ tên đọc được không có dấu (máy quét đang ở chế độ bàn phím): sau khi điền, hãy gõ lại họ tên có dấu theo thẻ."
)


def read_banner(card: IdCard) -> str:
    return f"Đã đọc thẻ căn cước của {card.full_name} (số {card.number})."


class CardChooser(QDialog):
    """Pick the person a card is for with a digit key (or a click); `person` and `candidate` say what was picked."""

    def __init__(self, card: IdCard, people: Sequence[CardPerson], default: int, mapping: AddressMapping,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Thẻ căn cước này của ai?")
        self.setObjectName("cardChooser")
        self.people = tuple(people)
        self.person: CardPerson | None = None
        self.mapping = mapping
        self.banner = banner("banner")
        show_banner(self.banner, read_banner(card))
        self.warning = banner("errorBanner")
        show_banner(self.warning, MSG_NO_DIACRITICS if name_lacks_diacritics(card.full_name) else None)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.warning)
        layout.addWidget(QLabel("Điền thông tin trên thẻ vào mục nào? Bấm phím số, hoặc Enter cho mục được tô đậm:"))
        self.buttons: list[QPushButton] = []
        for number, person in enumerate(self.people, start=1):
            button = QPushButton(f"{number}. {person.label}")
            button.setObjectName(f"cardPerson_{person.page_id}")
            button.setDefault(number - 1 == default)
            button.clicked.connect(lambda _checked=False, i=number - 1: self.pick(i))
            layout.addWidget(button)
            self.buttons.append(button)
        self.candidates = QComboBox()
        self.candidates.setObjectName("cardAddressCandidates")
        self.address_note = QLabel()
        self.address_note.setWordWrap(True)
        self._show_address(mapping)
        layout.addWidget(self.address_note)
        layout.addWidget(self.candidates)
        cancel = QPushButton("Bỏ qua (Esc)")
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(cancel)
        layout.addLayout(row)
        if self.buttons:
            self.buttons[max(0, min(default, len(self.buttons) - 1))].setFocus()

    def _show_address(self, mapping: AddressMapping) -> None:
        if len(mapping.candidates) > 1:
            self.address_note.setText(
                f"Địa chỉ trên thẻ ({mapping.old_units or mapping.line}) nay thuộc một trong {len(mapping.candidates)} xã/phường; "
                "hỏi người dân và chọn:"
            )
            self.candidates.addItem("— chọn sau —", None)
            for candidate in mapping.candidates:
                self.candidates.addItem(f"{candidate.commune_name}, {candidate.province_name}", candidate)
        elif not mapping.candidates:
            self.address_note.setText(f"Địa chỉ trên thẻ chưa điền được: {mapping.reason or 'không đọc được.'} Hãy chọn xã/phường bằng tay.")
            self.candidates.hide()
        else:
            self.address_note.hide()
            self.candidates.hide()

    @property
    def candidate(self) -> Candidate | None:
        """The 2025 commune picked (or the only one); None when the officer leaves the address for later."""
        if self.mapping.unique is not None:
            return self.mapping.unique
        data = self.candidates.currentData()
        return data if isinstance(data, Candidate) else None

    def pick(self, index: int) -> None:
        if 0 <= index < len(self.people):
            self.person = self.people[index]
            self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        text = event.text()
        if text.isdigit() and not self.candidates.hasFocus():
            self.pick(int(text) - 1)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.candidates.hasFocus():
            focused = self.focusWidget()
            index = self.buttons.index(focused) if focused in self.buttons else next(
                (i for i, b in enumerate(self.buttons) if b.isDefault()), 0)
            self.pick(index)
            return
        super().keyPressEvent(event)
