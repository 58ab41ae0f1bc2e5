"""Status 5 from a dossier's detail (docs/counter-screens.md, "Status 5: the portal asks for more"): form 02 for the
items the portal asks for, the supplement with those items ticked, and the receipt offered again with the appointment
the supplement restarted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from forms.model import Procedure
    from kiosk.dossier.search import DossierDetail
    from ui.pages.dossier_list import DossierListPage
    from ui.session import Session


class SupplementRequest(QObject):
    """Opened from the list page's detail dialog; the page's signals carry the results (notice, queued, reprint)."""

    def __init__(self, page: DossierListPage, session: Session) -> None:
        super().__init__(page)
        self._page, self._session = page, session
        self.guidance_dialog: Any = None  # the dialogs (tests drive them; an idle lock closes them)
        self.supplement_dialog: Any = None
        self.reprint_offer: QMessageBox | None = None

    def _procedure(self, detail: DossierDetail) -> Procedure | None:
        """The checklist of the version the dossier was received under, as amend() and record_guidance() use."""
        s, catalogue = detail.summary, self._session.context.catalogue
        return catalogue.get(s.procedure_code, s.procedure_version) or catalogue.get(s.procedure_code)

    def guidance(self, detail: DossierDetail) -> None:
        """Form 02 for this dossier: the portal's items ticked, the portal's note and any item it named outside the
        checklist in the note box; recorded, then shown on the notice page (preview, print, PDF)."""
        from ui.operations.notices import record_dossier_guidance
        from ui.pages.notice_dialogs import GuidanceDialog

        session, code = self._session, detail.summary.code or ""
        procedure = self._procedure(detail)
        if session.officer is None or procedure is None:
            return
        listed = [i.doc_id for i in detail.requested if i.doc_id]
        extra = [i.name for i in detail.requested if not i.doc_id]
        note = "; ".join(([detail.portal_status_note] if detail.portal_status_note else []) + extra)
        dialog = self.guidance_dialog = GuidanceDialog(procedure, parent=self._page, ticked=listed, note=note, code=code)
        officer, ctx = session.officer, session.context
        dialog.accepted.connect(lambda: session.run(
            record_dossier_guidance(ctx, officer, code, dialog.missing(), dialog.note())
            .success(self._page.notice_recorded.emit).failure(self._page.show_error)
        ))
        dialog.open()

    def supplement(self, detail: DossierDetail) -> None:
        """The supplementary documents, the portal's items ticked; recorded as the next revision."""
        from ui.operations.dossiers import amend
        from ui.pages.supplement import SupplementDialog

        session, code = self._session, detail.summary.code or ""
        procedure = self._procedure(detail)
        if session.officer is None or procedure is None:
            return
        ticked = [i.doc_id for i in detail.requested if i.doc_id]
        dialog = self.supplement_dialog = SupplementDialog(code, procedure, self._page, ticked=ticked)
        officer, ctx = session.officer, session.context
        dialog.accepted.connect(lambda: session.run(
            amend(ctx, officer, code, dialog.documents(), dialog.note())
            .success(lambda done: self._supplemented(code, done)).failure(self._page.show_error)
        ))
        dialog.open()

    def _supplemented(self, code: str, done: Any) -> None:
        message = f"Đã ghi nhận bổ sung cho hồ sơ {code} (lần {done.revision}); sẽ gửi lên cổng."
        if done.appointment is not None:
            day, hour = done.appointment
            message += f" Hẹn trả mới: {hour} ngày {day:%d/%m/%Y}."
        self._page.queued.emit(message)
        self._page.refresh()
        if done.appointment is not None:
            self._offer_reprint(code, message)

    def _offer_reprint(self, code: str, message: str) -> None:
        """The time limit restarted: the citizen's receipt shows the old appointment, so offer the new one at once."""
        box = self.reprint_offer = QMessageBox(self._page)
        box.setWindowTitle("In lại giấy hẹn")
        box.setIcon(QMessageBox.Icon.Question)
        box.setText(message)
        box.setInformativeText("Thời hạn giải quyết tính lại từ ngày nhận đủ hồ sơ. In lại giấy hẹn với ngày hẹn mới?")
        reprint = box.addButton("&In lại giấy hẹn", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Để sau", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(reprint)
        box.buttonClicked.connect(lambda button: button is reprint and self._page.reprint_requested.emit(code))
        box.open()

    def close_dialogs(self) -> None:
        for dialog in (self.guidance_dialog, self.supplement_dialog, self.reprint_offer):
            if dialog is not None and dialog.isVisible():
                dialog.reject()
