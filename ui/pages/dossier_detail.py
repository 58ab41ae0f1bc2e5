"""A dossier's detail: the three states side by side, the portal's status history, reprint and supplements; in status 5
the items the portal asks for, with form 02 (docs/counter-screens.md, "Status 5: the portal asks for more")."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from forms.model import KIND_LABELS
from forms.timezone import VN_TZ
from forms.statuses import short_label
from kiosk.dossier.search import LIFECYCLE_LABELS, SYNC_LABELS, DossierDetail
from ui.pages.widgets import primary_button, title

SUPPLEMENT_STATUS = 5  # "Yêu cầu bổ sung" on the national status list


def can_stop(detail: DossierDetail) -> bool:
    """Received and no decision yet: what `kiosk.dossier.notices.stop` accepts (it checks again)."""
    from kiosk.dossier.events import RECEIVED
    from kiosk.dossier.notices import DECIDED

    s = detail.summary
    return s.lifecycle in RECEIVED and s.portal_status not in DECIDED and not detail_flag(detail, "stopped_at") \
        and not detail_flag(detail, "handed_back_at") and not detail_flag(detail, "result_ready_at")


def detail_flag(detail: DossierDetail, name: str) -> bool:
    return bool(getattr(detail, name, None) or getattr(detail.summary, name, None))


def _when(value) -> str:
    return value.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y") if value else "—"


def requested_html(detail: DossierDetail) -> str:
    """Status 5, said plainly: what the portal asks the citizen to add, and its note."""
    names = [item.name for item in detail.requested]
    parts = ["<b>Cổng yêu cầu bổ sung hồ sơ.</b> "]
    if names:
        parts.append("Giấy tờ cần bổ sung:<ol>" + "".join(f"<li>{html.escape(n)}</li>" for n in names) + "</ol>")
    else:
        parts.append("Cổng không gửi kèm danh sách giấy tờ; xem ghi chú của cổng.<br>")
    if detail.portal_status_note:
        parts.append(f"Ghi chú của cổng: <i>{html.escape(detail.portal_status_note)}</i>")
    return "".join(parts)


def detail_html(detail: DossierDetail) -> str:
    s = detail.summary
    rows = [
        ("Mã hồ sơ", s.code or ""),
        ("Thủ tục", s.procedure_name),
        ("Người nộp", s.submitter_name or ""),
        ("Tiếp nhận lúc", _when(s.received_at)),
        ("Hẹn trả", s.appointment_date.strftime("%d/%m/%Y") if s.appointment_date else "—"),
        ("Tại máy", f"{LIFECYCLE_LABELS.get(s.lifecycle, s.lifecycle)} (lần {detail.revision})"),
        ("Đồng bộ", SYNC_LABELS.get(s.sync_state or "", "—")),
        ("Trên cổng", short_label(s.portal_status) or "Chưa có thông tin"),
    ]
    if detail.sync_last_error and s.sync_state != "delivered":
        rows.append(("Lỗi gửi gần nhất", detail.sync_last_error))
    if s.sync_state in ("failed", "queued") and detail.next_attempt_at:
        rows.append(("Thử gửi lại lúc", _when(detail.next_attempt_at)))
    if detail.delivered_at:
        rows.append(("Đã gửi lên cổng lúc", _when(detail.delivered_at)))
    if detail.portal_status_note:
        rows.append(("Ghi chú của cổng", detail.portal_status_note))
    parts = ["<table cellpadding='4'>"]
    parts += [f"<tr><td width='200'>{html.escape(k)}</td><td><b>{html.escape(v)}</b></td></tr>" for k, v in rows]
    parts.append("</table><h4>Giấy tờ đã nhận</h4><ol>")
    parts += [f"<li>{html.escape(name)} — {html.escape(KIND_LABELS.get(kind, kind))} — {qty}</li>" for name, kind, qty in detail.documents]
    parts.append("</ol><h4>Lịch sử xử lý trên cổng</h4>")
    if detail.history:
        parts.append("<ul>")
        parts += [
            f"<li>{html.escape(_when(e.at))}: <b>{html.escape(e.label)}</b>" + (f" — {html.escape(e.note)}" if e.note else "") + "</li>"
            for e in detail.history
        ]
        parts.append("</ul>")
    else:
        parts.append("<p>Chưa có thông tin từ cổng.</p>")
    return "".join(parts)


class DossierDetailDialog(QDialog):
    reprint_requested = Signal(str)
    supplement_requested = Signal(str)
    stop_requested = Signal(str)  # the citizen asks to stop the dossier (form 05)
    hand_back_requested = Signal(str)  # the result side: hand back, mark ready, void, form 04
    guidance_requested = Signal(str)  # status 5: record and print form 02 for the items the portal asks for

    def __init__(self, detail: DossierDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail = detail
        code = detail.summary.code or ""
        self.setWindowTitle(f"Hồ sơ {code}")
        self.resize(900, 620)
        body = QLabel(detail_html(detail))
        body.setObjectName("detailText")
        body.setTextFormat(Qt.TextFormat.RichText)
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignTop)
        body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.requested_panel = self.guidance_button = None
        if detail.summary.portal_status == SUPPLEMENT_STATUS:
            self.requested_panel, self.guidance_button = self._requested_panel(detail)
        self.reprint_button = QPushButton("In lại giấy hẹn")
        self.supplement_button = primary_button("Ghi nhận giấy tờ &bổ sung")
        self.supplement_button.setEnabled(detail.summary.portal_status == SUPPLEMENT_STATUS)
        self.supplement_button.setToolTip("Dùng khi cổng yêu cầu bổ sung hồ sơ (trạng thái 5).")
        self.stop_button = QPushButton("Dừng giải quyết…")
        self.stop_button.setEnabled(can_stop(detail))
        self.stop_button.setToolTip("Người nộp đề nghị dừng giải quyết hồ sơ chưa có kết quả (mẫu 05).")
        self.hand_back_button = QPushButton("&Trả kết quả…")
        close = QPushButton("Đóng")
        buttons = QHBoxLayout()
        buttons.addWidget(self.supplement_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.hand_back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reprint_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(title(f"Hồ sơ {code}"))
        if self.requested_panel is not None:
            layout.addWidget(self.requested_panel)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        close.clicked.connect(self.accept)
        self.reprint_button.clicked.connect(lambda: (self.reprint_requested.emit(code), self.accept()))
        self.supplement_button.clicked.connect(lambda: (self.supplement_requested.emit(code), self.accept()))
        self.stop_button.clicked.connect(lambda: (self.stop_requested.emit(code), self.accept()))
        self.hand_back_button.clicked.connect(lambda: (self.hand_back_requested.emit(code), self.accept()))
        if self.guidance_button is not None:
            self.guidance_button.clicked.connect(lambda: (self.guidance_requested.emit(code), self.accept()))
            self.guidance_button.setFocus()

    @staticmethod
    def _requested_panel(detail: DossierDetail) -> tuple[QFrame, QPushButton]:
        """Above the details, not inside the scroll: the first thing the officer reads, and form 02 one key away."""
        panel = QFrame()
        panel.setObjectName("requestedPanel")
        panel.setStyleSheet("#requestedPanel { background: #fff4e5; border: 1px solid #e0a040; border-radius: 4px; }")
        text = QLabel(requested_html(detail))
        text.setObjectName("requestedText")
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        button = QPushButton("&In phiếu yêu cầu bổ sung (mẫu 02)")
        button.setObjectName("guidanceButton")
        row = QHBoxLayout(panel)
        row.addWidget(text, 1)
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        return panel, button
