"""Home: find a procedure (without diacritics), resume a draft, see recent dossiers and the work lists' counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forms.catalogue import Catalogue
from forms.timezone import VN_TZ
from kiosk.dossier.drafts import DraftSummary
from kiosk.dossier.search import LIFECYCLE_LABELS, SYNC_LABELS, DossierSummary
from kiosk.dossier.worklists import WORKLISTS
from ui.operations.counter import worklist_counts
from ui.operations.dossiers import home_overview
from ui.pages.widgets import banner, show_banner, title

if TYPE_CHECKING:
    from kiosk.dossier.overview import HomeOverview
    from ui.session import Session

ROLE = Qt.ItemDataRole.UserRole


class HomePage(QWidget):
    procedure_chosen = Signal(str)
    draft_chosen = Signal(str)
    dossier_chosen = Signal(str)
    list_requested = Signal()
    worklist_requested = Signal(str)  # a work list's key (kiosk/dossier/worklists.py)
    admin_requested = Signal()
    logout_requested = Signal()
    guidance_resume_requested = Signal()  # the citizen is back with a guidance notice: start from its number
    refusal_requested = Signal()  # a request the commune cannot take: form 03

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._catalogue: Catalogue | None = None
        self.greeting = title("")
        self.warning = banner("banner")
        self.search = QLineEdit()
        self.search.setObjectName("procedureSearch")
        self.search.setPlaceholderText("Tìm thủ tục — gõ không dấu cũng được, ví dụ: khai sinh")
        self.search.setClearButtonEnabled(True)
        self.procedures = QListWidget()
        self.procedures.setObjectName("procedureList")
        self.drafts = QListWidget()
        self.drafts.setObjectName("draftList")
        self.recent = QListWidget()
        self.recent.setObjectName("recentList")
        self.list_button = QPushButton("Danh sách hồ sơ (F3)")
        self.list_button.setShortcut("F3")
        self.logout_button = QPushButton("Đăng xuất")
        self.admin_button = QPushButton("Quản trị")
        self.admin_button.setObjectName("adminButton")
        self.admin_button.hide()  # only for the admin role (set_officer)
        self.worklist_buttons: dict[str, QPushButton] = {}
        worklists = QHBoxLayout()
        for number, (key, label) in enumerate(WORKLISTS, start=1):
            button = QPushButton(f"{label}: …")
            button.setObjectName(f"worklist_{key}")
            button.setToolTip(f"Mở danh sách (Ctrl+{number})")
            button.setShortcut(f"Ctrl+{number}")
            button.clicked.connect(lambda _checked=False, k=key: self.worklist_requested.emit(k))
            self.worklist_buttons[key] = button
            worklists.addWidget(button)

        left = QGroupBox("Chọn thủ tục để tiếp nhận hồ sơ")
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.procedures)
        self.resume_guidance_button = QPushButton("Tiếp nhận theo phiếu hướng dẫn (F6)")
        self.resume_guidance_button.setShortcut("F6")
        self.refusal_button = QPushButton("Từ chối tiếp nhận (F7)")
        self.refusal_button.setShortcut("F7")
        notice_row = QHBoxLayout()
        notice_row.addWidget(self.resume_guidance_button)
        notice_row.addWidget(self.refusal_button)
        left_layout.addLayout(notice_row)

        drafts_box = QGroupBox("Hồ sơ đang nhập dở (bản nháp)")
        QVBoxLayout(drafts_box).addWidget(self.drafts)
        recent_box = QGroupBox("Hồ sơ tiếp nhận gần đây")
        QVBoxLayout(recent_box).addWidget(self.recent)
        right = QVBoxLayout()
        right.addWidget(drafts_box, 1)
        right.addWidget(recent_box, 2)
        right.addWidget(self.list_button)

        header = QHBoxLayout()
        header.addWidget(self.greeting, 1)
        header.addWidget(self.admin_button)
        header.addWidget(self.logout_button)
        body = QHBoxLayout()
        body.addWidget(left, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.warning)
        layout.addLayout(worklists)
        layout.addLayout(body, 1)

        self.admin_button.clicked.connect(self.admin_requested)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._choose_current)
        self.procedures.itemActivated.connect(lambda item: self.procedure_chosen.emit(item.data(ROLE)))
        self.drafts.itemActivated.connect(lambda item: self.draft_chosen.emit(item.data(ROLE)))
        self.recent.itemActivated.connect(lambda item: self.dossier_chosen.emit(item.data(ROLE)))
        self.list_button.clicked.connect(self.list_requested)
        self.logout_button.clicked.connect(self.logout_requested)
        self.resume_guidance_button.clicked.connect(self.guidance_resume_requested)
        self.refusal_button.clicked.connect(self.refusal_requested)

    def set_officer(self, full_name: str, role: str = "officer") -> None:
        from kiosk.security.roles import allowed

        self.greeting.setText(f"Xin chào, {full_name}")
        self.admin_button.setVisible(allowed(role, "officers"))  # the only guard the UI keeps: the core checks again

    @property
    def admin_offered(self) -> bool:
        """The officer's role shows the way to the admin screen (set_officer)."""
        return not self.admin_button.isHidden()

    def set_catalogue(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue
        self._filter(self.search.text())

    def refresh(self) -> None:
        """Load the officer's drafts, the latest dossiers and any clock warning."""
        self._session.run(home_overview(self._session.context, self._session.officer).success(self._show_overview))
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """Count the work lists on the database worker (after each pull, and when the home screen shows)."""
        self._session.run(worklist_counts(self._session.context).success(self.set_counts).failure(lambda _message: None))

    def set_counts(self, counts: dict[str, int]) -> None:
        for number, (key, label) in enumerate(WORKLISTS, start=1):
            n = counts.get(key, 0)
            button = self.worklist_buttons[key]
            button.setText(f"{label}: {n}")
            button.setShortcut(f"Ctrl+{number}")  # setText resets a button's shortcut to the text's mnemonic
            urgent = key == "overdue" and n > 0
            button.setStyleSheet("color: #a40000; font-weight: bold;" if urgent else "")

    def _show_overview(self, overview: HomeOverview) -> None:
        self.set_drafts(overview.drafts)
        self.set_recent(overview.recent)
        self.set_warning(overview.clock_warning)

    def set_warning(self, text: str | None) -> None:
        show_banner(self.warning, text)

    def set_drafts(self, drafts: Sequence[DraftSummary]) -> None:
        self.drafts.clear()
        for draft in drafts:
            who = draft.submitter_name or "(chưa có tên người nộp)"
            when = draft.updated_at.astimezone(VN_TZ).strftime("%H:%M %d/%m")
            item = QListWidgetItem(f"{draft.procedure_name} — {who} — lưu lúc {when}")
            item.setData(ROLE, draft.uuid)
            self.drafts.addItem(item)
        if not drafts:
            placeholder = QListWidgetItem("Không có bản nháp.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.drafts.addItem(placeholder)

    def set_recent(self, rows: Sequence[DossierSummary]) -> None:
        self.recent.clear()
        for row in rows:
            state = SYNC_LABELS.get(row.sync_state or "", LIFECYCLE_LABELS.get(row.lifecycle, ""))
            item = QListWidgetItem(f"{row.code} — {row.submitter_name or ''}\n{row.procedure_name} · {state}")
            item.setData(ROLE, row.code)
            self.recent.addItem(item)

    def focus_search(self) -> None:
        self.search.selectAll()
        self.search.setFocus()

    def _filter(self, text: str) -> None:
        self.procedures.clear()
        if self._catalogue is None:
            return
        found = self._catalogue.search(text) if text.strip() else self._catalogue.latest()
        for procedure in found:
            days = "trong ngày" if procedure.processing_days == 0 else f"{procedure.processing_days} ngày làm việc"
            item = QListWidgetItem(f"{procedure.name}\nMã {procedure.code} · {days}")
            item.setData(ROLE, procedure.code)
            self.procedures.addItem(item)
        if self.procedures.count():
            self.procedures.setCurrentRow(0)

    def _choose_current(self) -> None:
        item = self.procedures.currentItem()
        if item is not None:
            self.procedure_chosen.emit(item.data(ROLE))
