"""The notice actions, kept out of the main window (which only navigates): the home screen's refusal (form 03) and
the citizen back with a guidance notice (form 02) whose answers start the dossier again; and every notice just
recorded (here, from the wizard's guidance, from a dossier's stop) shown on the notice page with print and PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from forms.timezone import local_today

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow


class NoticeActions(QObject):
    notice_recorded = Signal(object)  # a refusal's paper, for the notice screen
    dossier_started = Signal()  # the wizard holds a dossier started from a guidance notice

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._session, self._wizard, self._notify, self._parent = window.session, window.wizard_page, window._notify, window
        self.dialog: Any = None  # the open refusal or resume dialog (tests drive it)
        from ui.pages.notice import NoticePage

        self.page = NoticePage(window.session)
        window.stack.addWidget(self.page)
        self.page.home_requested.connect(window._go_home)
        window.home_page.refusal_requested.connect(self.refuse)
        window.home_page.guidance_resume_requested.connect(self.resume_guidance)
        self.dossier_started.connect(lambda: window.stack.setCurrentWidget(window.wizard_page))
        for recorded in (window.wizard_page.notice_recorded, window.list_page.notice_recorded, self.notice_recorded):
            recorded.connect(self.show_notice)

    def show_notice(self, data: Any) -> None:
        """A notice was just recorded (queued for the portal): show it with print and PDF, send it soon."""
        window = self._window
        window._queued(None)
        window.list_page.close_dialogs()
        self.page.show_notice(data)
        window.stack.setCurrentWidget(self.page)

    def refuse(self) -> None:
        from ui.operations.notices import record_refusal
        from ui.pages.notice_dialogs import RefusalDialog

        ctx, officer = self._session.context, self._session.officer
        if officer is None:
            return
        today = local_today(ctx.now())
        offered = {p.code: p for p in (ctx.catalogue.in_force(p.code, today) for p in ctx.catalogue) if p is not None}
        dialog = self.dialog = RefusalDialog(list(offered.values()), self._parent)
        dialog.accepted.connect(lambda: self._session.run(
            record_refusal(ctx, officer, dialog.procedure(), dialog.values(), dialog.reason())
            .success(self.notice_recorded.emit).failure(self._notify)
        ))
        dialog.open()

    def resume_guidance(self) -> None:
        from ui.pages.notice_dialogs import ResumeGuidanceDialog

        dialog = self.dialog = ResumeGuidanceDialog(self._parent)
        dialog.accepted.connect(lambda: self.start_from_guidance(dialog.number()))
        dialog.open()

    def start_from_guidance(self, number: str) -> None:
        """Start the dossier pre-filled from guidance notice `number` (the answers typed when it was given)."""
        from ui.operations.notices import guidance_answers

        self._session.run(guidance_answers(self._session.context, number).success(self._loaded).failure(self._notify))

    def _loaded(self, found: Any) -> None:
        answers, procedure = found
        if procedure is None:
            self._notify(f"Máy không còn thủ tục {answers.procedure_code} của phiếu hướng dẫn số {answers.notice_number}.")
            return
        self._wizard.start(procedure, answers.values, 0, None)
        items = ", ".join(i["name"] for i in answers.missing_items)
        self._wizard.show_resumed_from(f"Tiếp tục từ phiếu hướng dẫn số {answers.notice_number}. Giấy tờ cần bổ sung: {items}.")
        self.dossier_started.emit()
