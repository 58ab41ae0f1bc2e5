"""Notice screen: a guidance notice (form 02), refusal (form 03), stop notice (form 05) or hand-back slip just
recorded, as it will print, with Print… and Save as PDF (the receipt screen's pattern, ui/pages/paper.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.printed.notice_load import KIND_LABELS
from kiosk.printed.notices import NoticeData
from ui.pages.paper import PaperPage

if TYPE_CHECKING:
    from ui.session import Session

HEADINGS = {
    "guidance": "Đã ghi phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refusal": "Đã ghi phiếu từ chối tiếp nhận",
    "stop": "Đã dừng giải quyết hồ sơ",
    "hand_back": "Đã ghi nhận trả kết quả, phiếu giao nhận",
}


class NoticePage(PaperPage):
    home_requested = Signal()

    WHAT = "phiếu"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, print_label="In phiếu", preview_name="noticePreview", parent=parent)
        self.number_label = QLabel()
        self.number_label.setObjectName("noticeNumber")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.about_label = QLabel()
        self.about_label.setWordWrap(True)
        self.home_button = QPushButton("Về trang chủ")
        self.side.addWidget(self.number_label)
        self.side.addWidget(self.about_label)
        self.add_controls(self.home_button)
        self.home_button.clicked.connect(self.home_requested)

    @property
    def data(self) -> NoticeData | None:
        return self._data

    def show_notice(self, data: NoticeData, *, notice: str | None = None) -> None:
        self.number_label.setText(f"Số: {data.number}")
        self.about_label.setText(f"{KIND_LABELS[data.kind][:1].upper()}{KIND_LABELS[data.kind][1:]} — {data.citizen.name if hasattr(data, 'citizen') else data.submitter.name}")
        self.show_paper(data, heading=HEADINGS[data.kind], notice=notice)

    def print_title(self) -> str:
        return f"In {KIND_LABELS[self._data.kind]}"

    def file_name(self) -> str:
        kind = self._data.kind.replace("_", "-")
        return f"phieu-{kind}-{self._data.number.replace('/', '-')}.pdf"
