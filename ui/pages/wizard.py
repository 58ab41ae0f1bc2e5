"""The form wizard on screen: renders forms.wizard.Reception's steps (the form's pages, the documents checklist, the review)."""

from __future__ import annotations

import html
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from forms import formengine
from forms.model import Procedure
from forms.timezone import VN_TZ
from forms.wizard import DOCUMENTS, FORM, REVIEW, Reception, ReceivedItem, Wizard
from ui.operations.dossiers import ResumedDraft, resume_draft, save_draft, store_attachment, store_scan, submit
from ui.pages.checklist import BoxArrows, DocumentRow
from ui.pages.entry.hooks import equip_form_page, starting_values
from ui.pages.fee_box import FeeBox, fee_computer
from ui.pages.widgets import banner, enter_presses_focused_button, primary_button, show_banner, subtitle, title
from ui.pages.wizard_parts.form_grid import Row, build_form_grid
from ui.pages.wizard_parts.keys import ask_to_leave, install_wizard_keys, labelled

if TYPE_CHECKING:
    from ui.session import Session

DRAFT_SAVE_DELAY_MS = 1500


class WizardPage(QWidget):
    resumed = Signal()  # a saved draft is open again (resume)
    notice = Signal(str)  # for the status bar
    submitted = Signal(object, object)  # the receipt's data, the clock warning (str or None)
    cancelled = Signal()
    notice_recorded = Signal(object)  # a guidance notice was recorded from here: its paper, for the notice screen
    rendered = Signal(str)  # a step was drawn ("form", "documents", "review"): the ID-card marks follow it

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.procedure: Procedure | None = None
        self.flow: Reception | None = None  # the steps and their rules; this page renders them
        self.draft_uuid = ""
        self.reuse_code: str | None = None  # re-entry under a code the last restore listed (ui/window/restore_nav.py)
        self.rows: dict[str, Row] = {}
        self.touched: set[str] = set()
        self.document_rows: dict[str, DocumentRow] = {}
        self.fee_box: FeeBox | None = None  # on the review step
        self.review_text: QLabel | None = None
        self._dirty = False
        self.hold_draft: Callable[[], bool] = lambda: False  # true mid-scanner-burst (ui/pages/idcard): no save then
        # What the draft keeps beyond the answers (the ID card's marks, ui/pages/idcard/marks.py): given, taken back.
        self.screen_state: Callable[[], dict[str, Any]] = dict
        self.restore_screen: Callable[[str, dict[str, Any]], None] = lambda _draft_uuid, _state: None

        self.heading = title("")
        self.progress = subtitle("")
        self.progress.setObjectName("wizardProgress")
        self.error = banner("errorBanner")
        self.version_notice = banner("banner")  # a resumed draft moved to the version in force: what changed
        self.saved_label = QLabel("")
        self.saved_label.setStyleSheet("color: #555;")
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.back_button = QPushButton("← Quay lại")
        self.draft_button = QPushButton("Lưu nháp")
        self.exit_button = QPushButton("Thoát (giữ bản nháp)")
        self.next_button = primary_button(labelled("Tiếp tục"))
        self.guidance_button = QPushButton("Hướng dẫn bổ sung… (Ctrl+G)")
        self.guidance_button.setShortcut("Ctrl+G")
        self.guidance_button.setToolTip("Người dân chưa đủ giấy tờ: ghi và in phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02).")
        self.guidance_dialog: Any = None

        buttons = QHBoxLayout()
        buttons.addWidget(self.exit_button)
        buttons.addWidget(self.draft_button)
        buttons.addWidget(self.guidance_button)
        buttons.addWidget(self.saved_label, 1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.progress)
        layout.addWidget(self.version_notice)
        layout.addWidget(self.error)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(buttons)

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(DRAFT_SAVE_DELAY_MS)
        # Not while a scanner is typing (ui/pages/idcard): the draft is saved once it has finished, never its text.
        self._save_timer.timeout.connect(lambda: self._save_timer.start() if self.hold_draft() else self.flush_draft())
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.draft_button.clicked.connect(self.flush_draft)
        self.exit_button.clicked.connect(self._exit)
        self.guidance_button.clicked.connect(self.open_guidance)
        self.shortcuts = install_wizard_keys(self)  # Ctrl+Enter: "Tiếp tục" on every step; Esc: one page back
        self.confirm_leave: Callable[[bool], bool] = lambda draft_kept: ask_to_leave(self, draft_kept)
        self._draft_kept = False  # a draft of this dossier is on disk (resumed, or saved since)

    @property
    def wizard(self) -> Wizard | None:
        """The form's pages (the first step)."""
        return self.flow.form if self.flow is not None else None

    @property
    def step(self) -> str:
        """The step shown: "form", "documents" or "review"."""
        return self.flow.step if self.flow is not None else FORM

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self, procedure: Procedure, values: dict[str, Any], page_index: int, draft_uuid: str | None) -> None:
        self.procedure = procedure
        ctx = self._session.ctx
        values = starting_values(ctx.settings if ctx else None, procedure, values, draft_uuid)  # docs/retyping.md
        self.flow = Reception(procedure, dict(values), page_index, scan_required=bool(ctx and ctx.settings.scan_required))
        self.draft_uuid = draft_uuid or str(uuid.uuid4())
        self.document_rows = {}
        self.touched = set(values)  # a resumed draft shows its errors at once
        self.heading.setText(procedure.name)
        self.saved_label.setText("Bản nháp đã lưu." if draft_uuid else "")
        self._draft_kept = bool(draft_uuid)
        self._dirty = False
        show_banner(self.error, None)
        show_banner(self.version_notice, None)
        self._render_step()

    def show_resumed_from(self, text: str) -> None:
        """Say where the answers came from (a guidance notice): the version notice's banner."""
        show_banner(self.version_notice, text)

    def resume(self, draft_uuid: str) -> None:
        """Open a saved draft where it was left (in the procedure version it was typed in, if still offered)."""
        self._session.run(resume_draft(self._session.context, draft_uuid).success(self._resumed))

    def _resumed(self, resumed: ResumedDraft | None) -> None:
        if resumed is None:
            return
        if resumed.procedure is None:
            self.notice.emit("Thủ tục của bản nháp này không còn được cung cấp.")
            return
        draft = resumed.draft
        self.restore_screen(draft.uuid, draft.screen)
        self.start(resumed.procedure, draft.values, draft.page_index, draft.uuid)
        show_banner(self.version_notice, resumed.version_notice)
        self.resumed.emit()

    def finished(self) -> None:
        """Called after a successful submit (or when another officer takes over): nothing left to save or re-enter."""
        self._dirty = False
        self.reuse_code = None
        self._save_timer.stop()
        self.next_button.setEnabled(True)

    def draft_saved(self) -> None:
        self._draft_kept = True
        self.saved_label.setText("Bản nháp đã lưu tự động.")

    def show_error(self, message: str) -> None:
        show_banner(self.error, message)

    def submit_failed(self, message: str) -> None:
        self.next_button.setEnabled(True)
        show_banner(self.error, message)

    def flush_draft(self) -> None:
        self._save_timer.stop()
        if self.wizard is None or self.procedure is None or not self._dirty:
            return
        self._dirty = False
        officer = self._session.officer
        if officer is None:  # locked or logged out: the lock saved the draft before it forgot the officer
            return
        op = save_draft(self._session.context, officer, self.procedure, dict(self.wizard.values), self.wizard.index, self.draft_uuid,
                        self.screen_state())
        self._session.run(op.success(lambda _uuid: self.draft_saved()).failure(self.show_error))

    def _mark_dirty(self) -> None:
        self._dirty = True
        self.saved_label.setText("")
        self._save_timer.start()

    def _exit(self) -> None:
        self.flush_draft()
        self.reuse_code = None
        self.cancelled.emit()

    # --- form pages -------------------------------------------------------------------------------

    def _render_form_page(self) -> None:
        assert self.wizard is not None and self.procedure is not None
        page = self.wizard.page
        self.progress.setText(f"{self.wizard.progress} — {page.title}")
        sections = {field_id: title for title, field_id in self.wizard.sections}
        container, self.rows, added = build_form_grid(page, sections, self.wizard.values, self._attach, self)
        for field_id, value in added.items():
            self.wizard.set(field_id, value)
        for field_id, row in self.rows.items():
            row.widget.changed.connect(lambda fid=field_id: self._field_changed(fid))
        equip_form_page(self.procedure, page, lambda: self.rows, lambda: self.wizard.values if self.wizard else {},
                        self._session.ctx.settings if self._session.ctx else None)  # docs/retyping.md
        self.scroll.setWidget(container)
        self.back_button.setEnabled(self.wizard.can_back)
        self.next_button.setText(labelled("Tiếp tục"))
        self._refresh_visibility()
        self._show_errors(self._current_errors(), only_touched=True)
        self._focus_first()

    def _attach(self, path: Path, on_stored: Callable[[dict[str, Any]], None]) -> None:
        if self._session.ctx is None:
            return
        self._session.run(store_attachment(self._session.ctx, path).success(on_stored).failure(self.show_error))

    def take_answers(self, answers: dict[str, Any]) -> None:
        """Answers not typed here (an ID card's): stored, shown if their page is, and saved like typed ones."""
        assert self.wizard is not None
        for field_id, value in answers.items():
            self.wizard.set(field_id, value)
            if field_id in self.rows:
                self.rows[field_id].widget.set_value(value)
        self._refresh_visibility()
        self._mark_dirty()

    def _current_errors(self) -> dict[str, str]:
        assert self.wizard is not None and self.procedure is not None
        return formengine.page_errors(self.procedure, self.wizard.page, self.wizard.values)

    def _field_changed(self, field_id: str) -> None:
        assert self.wizard is not None
        row = self.rows[field_id]
        self.wizard.set(field_id, row.widget.value())
        self.touched.add(field_id)
        self._refresh_visibility()
        self._show_errors(self._current_errors(), only_touched=True)
        self._mark_dirty()

    def _refresh_visibility(self) -> None:
        assert self.wizard is not None and self.procedure is not None
        if self._screen_changed():  # an answer showed or hid a page merged into this screen: draw it again,
            QTimer.singleShot(0, self._rerender_keeping_focus)  # once the widget that changed is done signalling
            return
        for row in self.rows.values():
            row.set_visible(formengine.is_visible(self.procedure, row.field, self.wizard.values))

    def _screen_changed(self) -> bool:
        return self.step == FORM and self.wizard is not None and [f.id for f in self.wizard.page.fields] != list(self.rows)

    def _rerender_keeping_focus(self) -> None:
        if not self._screen_changed():
            return
        focused = next((fid for fid, row in self.rows.items() if row.widget.isAncestorOf(self.focusWidget())), None)
        self._render_form_page()
        if focused in self.rows:
            self.rows[focused].widget.input.setFocus()

    def _show_errors(self, errors: dict[str, str], *, only_touched: bool) -> None:
        for field_id, row in self.rows.items():
            message = errors.get(field_id)
            if only_touched and field_id not in self.touched:
                message = None
            row.show_error(message)
            if row.field.type == "group":
                nested = {k: v for k, v in errors.items() if k.startswith(f"{field_id}[")}
                row.widget.show_errors({} if only_touched and field_id not in self.touched else nested)

    def _focus_first(self, errors: dict[str, str] | None = None) -> None:
        for field_id, row in self.rows.items():
            if not row.widget.isVisibleTo(self):
                continue
            if errors is None or any(key == field_id or key.startswith(f"{field_id}[") for key in errors):
                row.widget.input.setFocus()
                return

    # --- navigation (the rules are forms.wizard.Reception's) ---------------------------------------

    def go_next(self) -> None:
        assert self.flow is not None and self.procedure is not None
        show_banner(self.error, None)
        step = self.flow.step
        if step == REVIEW:
            self.next_button.setEnabled(False)
            self.flush_draft()
            self._submit()
            return
        errors = self.flow.next(self.documents_received() if step == DOCUMENTS else None)
        if step == FORM:
            if errors:
                self.touched.update(self.rows)
                self._show_errors(errors, only_touched=False)
                show_banner(self.error, f"Trang này còn {len(errors)} lỗi cần sửa trước khi tiếp tục.")
                self._focus_first(errors)
                return
            self._mark_dirty()
        elif errors:
            show_banner(self.error, " ".join(errors.values()))
            return
        self._render_step()

    def press_next(self) -> None:
        """Ctrl+Enter: as a click on "Tiếp tục", and like it refused while a submit is under way (disabled)."""
        if self.flow is not None and self.next_button.isEnabled() and self.next_button.isVisible():
            self.next_button.click()

    def step_back_or_leave(self) -> None:
        """Esc: one page back; on the first page, leave the wizard once the officer says so (the draft is kept)."""
        if self.flow is None:
            return
        if self.flow.can_back:
            self.go_back()
            return
        if self.confirm_leave(self._draft_kept or self._dirty):
            self._exit()

    def go_back(self) -> None:
        assert self.flow is not None
        show_banner(self.error, None)
        if self.flow.back(self.documents_received() if self.flow.step == DOCUMENTS else None):
            self._render_step()

    def jump_to(self, link: str) -> None:
        """The review's "[Sửa]" beside a section: back to that page; the answers and the ticks stay."""
        page_id = link.removeprefix("page:")
        if self.flow is not None and link.startswith("page:") and self.flow.go_to(page_id):
            show_banner(self.error, None)
            self._render_step()
            page = next((p for p in self.flow.form.screen if p.id == page_id), None)
            row = self.rows.get(page.fields[0].id) if page is not None and page.fields else None
            if row is not None:  # a page merged into the screen: the cursor at its heading's first field
                row.widget.input.setFocus()

    def _submit(self) -> None:
        officer = self._session.officer
        if officer is None or self.flow is None or self.procedure is None:
            return
        values, documents = dict(self.flow.values), dict(self.flow.received)
        fee = self.fee_box.inputs() if self.fee_box is not None else None
        op = submit(self._session.context, officer, self.procedure, values, documents, self.draft_uuid, fee, self.reuse_code)
        self._session.run(op.success(self._submitted).failure(self.submit_failed))

    def _submitted(self, result: tuple[Any, str | None]) -> None:
        data, warning = result
        self.finished()
        self.submitted.emit(data, warning)

    def open_guidance(self) -> None:
        """The citizen cannot complete the dossier now: pick the missing items, record form 02 with the answers
        typed so far (the draft stays too), then the notice screen shows it."""
        from ui.operations.notices import record_guidance
        from ui.pages.notice_dialogs import GuidanceDialog

        officer, procedure, flow = self._session.officer, self.procedure, self.flow
        if officer is None or procedure is None or flow is None:
            return
        self.flush_draft()
        received = list(self.documents_received()) if flow.step == DOCUMENTS else list(flow.received)
        dialog = self.guidance_dialog = GuidanceDialog(procedure, received, self)
        ctx, values = self._session.context, dict(flow.values)
        dialog.accepted.connect(lambda: self._session.run(
            record_guidance(ctx, officer, procedure, values, dialog.missing(), dialog.note())
            .success(self._guidance_recorded).failure(self.show_error)
        ))
        dialog.open()

    def _guidance_recorded(self, data: Any) -> None:
        self.notice.emit(f"Đã ghi phiếu hướng dẫn số {data.number}; bản nháp vẫn được giữ.")
        self.notice_recorded.emit(data)

    def _render_step(self) -> None:
        assert self.flow is not None
        self.guidance_button.setVisible(self.flow.step != FORM)  # on the checklist and the review
        {FORM: self._render_form_page, DOCUMENTS: self._render_documents, REVIEW: self._render_review}[self.flow.step]()
        self.rendered.emit(self.flow.step)

    # --- documents checklist ----------------------------------------------------------------------

    def _render_documents(self) -> None:
        assert self.flow is not None
        self.progress.setText("Giấy tờ — đánh dấu giấy tờ đã nhận, cách thức cung cấp, số trang và bản quét")
        container = QWidget()
        column = QVBoxLayout(container)
        self.document_rows = {}
        previous: QWidget | None = None
        for item in self.flow.checklist():
            row = DocumentRow(item, self._attach_scan)
            column.addWidget(row)
            self.document_rows[item.id] = row
            if previous is not None:
                QWidget.setTabOrder(previous, row.box)
            previous = row.record
        column.addStretch(1)
        BoxArrows(list(self.document_rows.values()), container)
        self.scroll.setWidget(container)
        self.back_button.setEnabled(True)
        self.next_button.setText(labelled("Xem lại"))
        first = next(iter(self.document_rows.values()), None)
        if first:
            first.box.setFocus()

    def _attach_scan(self, path: Path, on_stored: Callable[[dict[str, Any]], None]) -> None:
        if self._session.ctx is None:
            return
        self._session.run(store_scan(self._session.ctx, path).success(on_stored).failure(self.show_error))

    def documents_received(self) -> dict[str, ReceivedItem]:
        return {doc_id: row.item() for doc_id, row in self.document_rows.items() if row.ticked}

    def tick_all_documents(self) -> None:
        for row in self.document_rows.values():
            row.box.setChecked(True)

    # --- review -----------------------------------------------------------------------------------

    def _render_review(self) -> None:
        assert self.flow is not None
        self.progress.setText("Xem lại trước khi tiếp nhận — kiểm tra cùng người nộp")
        review = self.flow.review()
        parts = [f"<h3>{html.escape(review.procedure_name)} (mã {html.escape(review.procedure_code)})</h3>"]
        for section in review.sections:
            jump = f" <a href='page:{html.escape(section.page_id)}'>[Sửa]</a>" if section.page_id else ""
            parts.append(f"<h4>{html.escape(section.title)}{jump}</h4><table cellpadding='3'>")
            for row in section.rows:
                shown = row.value if row.markup else html.escape(row.value)
                parts.append(f"<tr><td width='300'>{html.escape(row.label)}</td><td><b>{shown}</b></td></tr>")
            parts.append("</table>")
        parts.append("<h4>Giấy tờ đã nhận</h4><ol>")
        for doc in review.documents:
            parts.append(f"<li>{html.escape(doc.name)} — {html.escape(doc.way_text)} — số lượng {doc.quantity}</li>")
        parts.append("</ol>")
        label = QLabel("".join(parts))
        label.setObjectName("reviewText")
        self.review_text = label
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAlignment(Qt.AlignmentFlag.AlignTop)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByKeyboard | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        label.linkActivated.connect(self.jump_to)  # Tab reaches each "[Sửa]", Enter follows it
        container = QWidget()
        column = QVBoxLayout(container)
        ctx = self._session.context
        self.fee_box = FeeBox(fee_computer(ctx, self.procedure, dict(self.flow.values), ctx.now().astimezone(VN_TZ).date()))
        column.addWidget(self.fee_box)  # first: the fee is settled with the citizen before the officer commits
        column.addWidget(label)
        column.addStretch(1)
        self.scroll.setWidget(container)
        self.next_button.setText(labelled("Tiếp nhận và in giấy hẹn"))
        self.next_button.setFocus()

    # --- keyboard ---------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Enter in a text box moves to the next field, like Tab: officers type, Enter, type."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
                self.focusNextChild()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if not enter_presses_focused_button(self, event):
            super().keyPressEvent(event)
