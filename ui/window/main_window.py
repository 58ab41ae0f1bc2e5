"""The main window: a stack of pages (login → home → wizard → receipt, dossier list), wired to the core via the task helper."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from kiosk.errors import NotInitialisedError
from ui.tasks import TaskManager, user_message
from ui.window.idle_lock import IdleLock
from ui.pages.login import LoginPage
from ui.pages.widgets import title

if TYPE_CHECKING:
    from kiosk.storage.context import KioskContext
    from kiosk.dossier.submit import OfficerRef

log = logging.getLogger(__name__)

RETENTION_INTERVAL_MS = 6 * 3600 * 1000  # retention and the daily backup; also 30 s after start


class MessagePage(QWidget):
    """A full-page message: starting up, or the site is not set up yet."""

    def __init__(self) -> None:
        super().__init__()
        self.heading = title("Đang khởi động…")
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.heading)
        layout.addWidget(self.body)
        layout.addStretch(2)

    def show_message(self, heading: str, body: str = "") -> None:
        self.heading.setText(heading)
        self.body.setText(body)


class MainWindow(QMainWindow):
    # The first screen an officer can act on is up and the event loop has turned once since (so keys reach it):
    # True at the login screen, False at a message saying what is wrong. Emitted once; start-up timing hangs on it.
    ready = Signal(bool)
    opened = Signal(bool)  # the data folder is open (True) or could not be opened (False, the message page says why)

    def __init__(self, root: Path, *, demo: bool = False) -> None:
        super().__init__()
        self.root = root
        self.demo = demo
        self.ctx: KioskContext | None = None
        self.officer: OfficerRef | None = None
        self.tasks = TaskManager(self)
        self.setWindowTitle("Một Cửa Kiosk — Tiếp nhận hồ sơ")
        self.resize(1366, 768)
        self.setMinimumSize(1024, 700)

        self.stack = QStackedWidget()
        self.message_page = MessagePage()
        self.login_page = LoginPage()
        self.idle = IdleLock(self)
        self.retention_timer = QTimer(self)  # retention runs by itself: at start and every few hours
        self.retention_timer.setInterval(RETENTION_INTERVAL_MS)
        self.retention_timer.timeout.connect(self._run_retention)
        self._locked_page: QWidget | None = None  # the page an idle lock covered, and whose it was
        self._locked_officer: OfficerRef | None = None
        self._pending_login: tuple[str, str] | None = None  # typed before the data folder was open
        self.pages_built = False
        self.stack.addWidget(self.message_page)
        self.stack.addWidget(self.login_page)
        self.setCentralWidget(self.stack)
        self.site_status = QLabel()
        self.busy_status = QLabel()
        self.statusBar().addWidget(self.site_status, 1)
        self.statusBar().addPermanentWidget(self.busy_status)

        self.tasks.busy_changed.connect(lambda busy: self.busy_status.setText("Đang lưu/xử lý…" if busy else ""))
        self.tasks.error.connect(lambda message: self.statusBar().showMessage(message, 15_000))
        self.login_page.login_requested.connect(self._login)
        self.idle.timed_out.connect(self.lock)
        self.message_page.show_message("Đang mở dữ liệu…")

    def _build_pages(self) -> None:
        """The pages behind the login, built once the worker has imported the core (see `start`)."""
        from ui.pages.admin import AdminPage
        from ui.pages.dossier_list import DossierListPage
        from ui.pages.home import HomePage
        from ui.pages.queue import QueuePage
        from ui.pages.receipt import ReceiptPage
        from ui.window.sync_controller import SyncController
        from ui.window.sync_status import SyncStatusWidget
        from ui.pages.wizard import WizardPage

        self.home_page = HomePage()
        self.wizard_page = WizardPage(self.tasks)
        self.receipt_page = ReceiptPage(self.tasks)
        self.list_page = DossierListPage()
        self.queue_page = QueuePage()
        self.admin_page = AdminPage()
        self.sync = SyncController(self.tasks, self)
        self.sync_status = SyncStatusWidget()
        for page in (self.home_page, self.wizard_page, self.receipt_page, self.list_page, self.queue_page, self.admin_page):
            self.stack.addWidget(page)
        self.statusBar().addPermanentWidget(self.sync_status)
        self.home_page.procedure_chosen.connect(self._new_dossier)
        self.home_page.draft_chosen.connect(self._resume_draft)
        self.home_page.dossier_chosen.connect(lambda code: self._show_receipt(code, reprint=True))
        self.home_page.list_requested.connect(self._open_list)
        self.home_page.logout_requested.connect(self._logout)
        self.home_page.admin_requested.connect(self._open_admin)
        self.admin_page.home_requested.connect(self._go_home)
        self.admin_page.add_requested.connect(self._admin_add_officer)
        self.admin_page.unlock_requested.connect(self._admin_unlock)
        self.admin_page.backup_requested.connect(self._admin_backup)
        self.admin_page.purge_requested.connect(self._admin_purge)
        self.admin_page.settings_save_requested.connect(self._admin_save_settings)
        self.admin_page.enrol_requested.connect(self._admin_enrol)
        self.wizard_page.save_draft_requested.connect(self._save_draft)
        self.wizard_page.submit_requested.connect(self._submit)
        self.wizard_page.cancelled.connect(self._go_home)
        self.receipt_page.new_dossier_requested.connect(self._go_home)
        self.receipt_page.home_requested.connect(self._go_home)
        self.list_page.search_requested.connect(self._search)
        self.list_page.reprint_requested.connect(lambda code: self._show_receipt(code, reprint=True))
        self.list_page.detail_requested.connect(self._show_detail)
        self.list_page.qr_image_chosen.connect(self._lookup_qr_image)
        self.list_page.camera_requested.connect(self._scan_with_camera)
        self.list_page.home_requested.connect(self._go_home)
        self.sync.state_changed.connect(self.sync_status.set_state)
        self.sync.status_changed.connect(self.sync_status.set_status)
        self.sync.progress.connect(self.sync_status.set_progress)
        self.sync.pass_finished.connect(self._sync_finished)
        self.sync_status.sync_now_requested.connect(lambda: self.sync.trigger(force=True))
        self.sync_status.queue_requested.connect(self._open_queue)
        self.queue_page.sync_now_requested.connect(lambda: self.sync.trigger(force=True))
        self.queue_page.refresh_requested.connect(self._refresh_queue)
        self.queue_page.home_requested.connect(self._go_home)
        self.pages_built = True

    # --- start-up ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Show the login at once and open (in demo mode, fill) the data folder on the worker meanwhile.

        The officer can type while the worker imports the core and opens the database (about a second on a
        slow PC); a login sent before that waits for it. `ready` fires when the login takes keys, `opened`
        when the folder is open (or failed: then the message page says why, in place of the login).
        """
        root, demo = self.root, self.demo

        def work() -> KioskContext:
            import_core()
            if demo:
                from kiosk.admin.demo import ensure_demo

                ensure_demo(root)
            from forms import geo
            from kiosk.storage.context import open_kiosk

            geo.communes("01")  # load the 2025 unit list here, not on the GUI thread at the first address field
            from kiosk.storage.provision import provision

            provision(root)  # first start of a per-site package (kiosk/provision.py)
            return open_kiosk(root)

        self.login_page.prepare("Đang mở dữ liệu…", None)
        self.stack.setCurrentWidget(self.login_page)
        self.login_page.reset()
        QTimer.singleShot(0, lambda: self.ready.emit(True))
        self.tasks.run_db(work, self._opened, self._open_failed)

    def _opened(self, ctx: KioskContext) -> None:
        self.ctx = ctx
        if not self.pages_built:
            self._build_pages()
        settings = ctx.settings
        self.site_status.setText(f"{settings.unit_name} · mã đơn vị {settings.unit_id} · máy số {settings.kiosk_number}")
        self.home_page.set_catalogue(ctx.catalogue)
        self.wizard_page.attachments_dir = ctx.data.attachments_dir
        self.wizard_page.file_key = ctx.file_key
        if ctx.catalogue.errors:
            self.statusBar().showMessage(f"Có {len(ctx.catalogue.errors)} biểu mẫu lỗi chưa dùng được; báo quản trị viên.", 30_000)
        from kiosk.admin.demo import DEMO_LOGIN

        typed = (self.login_page.username.text(), self.login_page.pin.text())
        self.login_page.prepare(f"{settings.unit_name}", DEMO_LOGIN if settings.demo else None)
        if any(typed):  # what the officer typed while the folder opened stays
            self.login_page.username.setText(typed[0] or self.login_page.username.text())
            self.login_page.pin.setText(typed[1])
        self.idle.set_minutes(settings.idle_lock_minutes)
        self.retention_timer.start()
        QTimer.singleShot(30_000, self._run_retention)
        self.sync.start(ctx)
        self.sync.refresh_status()
        self.opened.emit(True)
        pending, self._pending_login = self._pending_login, None
        if pending is not None:
            self._login(*pending)

    def _open_failed(self, message: str) -> None:
        heading = "Máy chưa được thiết lập" if "kiosk-admin init" in message else "Không mở được dữ liệu"
        self._pending_login = None
        self.message_page.show_message(heading, message)
        self.stack.setCurrentWidget(self.message_page)
        self.opened.emit(False)

    # --- login and home ---------------------------------------------------------------------------

    def _login(self, username: str, pin: str) -> None:
        if self.ctx is None:  # sent while the folder is still opening: done as soon as it is open
            self._pending_login = (username, pin)
            self.login_page.show_waiting("Đang mở dữ liệu, vui lòng chờ trong giây lát…")
            return
        ctx = self._ctx()

        def work() -> OfficerRef:
            from kiosk.security.officers import login

            return login(ctx, username, pin)

        def done(officer: OfficerRef) -> None:
            self.officer = officer
            self.home_page.set_officer(officer.full_name, officer.role)
            self.idle.arm()
            page, owner = self._locked_page, self._locked_officer
            self._locked_page = self._locked_officer = None
            if page is not None and owner is not None and owner.id == officer.id:
                self.stack.setCurrentWidget(page)  # back where the lock found them, the open draft as it was
                return
            if page is self.wizard_page:
                self.wizard_page.finished()  # another officer: the previous one's draft stays saved under their name
            self._go_home()

        self.tasks.run_db(work, done, self.login_page.show_error)

    # --- administration (admin role; the core checks the role again) -------------------------------

    def _open_admin(self) -> None:
        from kiosk.security.roles import allowed

        if self.officer is None or not allowed(self.officer.role, "officers"):
            return
        self.stack.setCurrentWidget(self.admin_page)
        self.admin_page.show_message(None)
        self._refresh_officers()
        self._refresh_admin_settings()

    def _refresh_admin_settings(self) -> None:
        from kiosk.storage.site import EDITABLE
        from sync.credentials import load_credentials

        ctx = self._ctx()
        credentials = load_credentials(ctx.data)
        enrolled = f"Đã đăng ký với {credentials.portal_url} (mã máy {credentials.kiosk_id})." if credentials else None
        self.admin_page.set_settings(ctx.settings, EDITABLE, enrolled)

    def _admin_save_settings(self, changes: dict) -> None:
        from kiosk.storage.site import update_settings

        ctx, actor = self._ctx(), self.officer

        def done(settings: Any) -> None:
            self.idle.set_minutes(settings.idle_lock_minutes)
            self.admin_page.show_message("Đã lưu thiết lập.")
            self._refresh_admin_settings()

        self.tasks.run_db(lambda: update_settings(ctx, actor, changes), done, self.admin_page.show_message)

    def _admin_enrol(self, portal_url: str, code: str) -> None:
        from kiosk.security.roles import require
        from sync.enrolment import enrol

        ctx, actor = self._ctx(), self.officer

        def work() -> Any:
            require(actor, "enrol")
            return enrol(ctx, portal_url, code, actor=actor.username)

        def done(credentials: Any) -> None:
            self.admin_page.show_message(f"Đã đăng ký máy với cổng {credentials.portal_url}.")
            self.admin_page.enrolment_code.clear()
            self._refresh_admin_settings()
            self.sync.start(ctx)  # sync begins by itself now that there is a portal

        self.admin_page.show_message("Đang đăng ký với cổng…")
        self.tasks.run_network(work, done, self.admin_page.show_message)

    def _refresh_officers(self) -> None:
        from kiosk.security.officers import list_officers

        ctx, actor = self._ctx(), self.officer
        self.tasks.run_db(lambda: list_officers(ctx, actor), self.admin_page.set_officers, self.admin_page.show_message)

    def _admin_add_officer(self, username: str, full_name: str, role: str, pin: str) -> None:
        from kiosk.security.officers import add_officer_as

        ctx, actor = self._ctx(), self.officer

        def done(row: Any) -> None:
            self.admin_page.added(row)
            self._refresh_officers()

        self.tasks.run_db(lambda: add_officer_as(ctx, actor, username, full_name, role, pin), done, self.admin_page.show_message)

    def _admin_unlock(self, username: str) -> None:
        from kiosk.security.officers import unlock_officer

        ctx, actor = self._ctx(), self.officer

        def done(_result: Any) -> None:
            self.admin_page.show_message(f"Đã mở khóa tài khoản {username}.")
            self._refresh_officers()

        self.tasks.run_db(lambda: unlock_officer(ctx, actor, username), done, self.admin_page.show_message)

    def _admin_backup(self) -> None:
        from kiosk.storage.backup import backup
        from kiosk.security.roles import require

        ctx, actor = self._ctx(), self.officer

        def work() -> Any:
            require(actor, "backup")
            return backup(ctx, actor=actor.username)

        self.tasks.run_db(work, lambda info: self.admin_page.show_message(f"Đã sao lưu vào {info.path.name} ({info.size:,} byte)."), self.admin_page.show_message)

    def _admin_purge(self) -> None:
        from kiosk.dossier.retention import purge
        from kiosk.security.roles import require

        ctx, actor = self._ctx(), self.officer

        def work() -> Any:
            require(actor, "purge")
            return purge(ctx, actor=actor.username)

        self.tasks.run_db(
            work,
            lambda report: self.admin_page.show_message(f"Đã xóa dữ liệu cá nhân của {len(report.purged)} hồ sơ hết hạn lưu trữ."),
            self.admin_page.show_message,
        )

    def _run_retention(self) -> None:
        """The housekeeping that runs by itself: retention purge and the daily encrypted backup."""
        from kiosk.storage.backup import backup_if_due
        from kiosk.dossier.retention import purge

        ctx = self.ctx
        if ctx is None or ctx.settings.demo:
            return

        def work() -> None:
            purge(ctx)
            backup_if_due(ctx)

        self.tasks.run_db(work, lambda _result: None, lambda message: self.statusBar().showMessage(f"Sao lưu/dọn dữ liệu: {message}", 30_000))

    def lock(self) -> None:
        """Idle lock: save the open draft, hide every screen with personal data, ask for the PIN again."""
        if self.officer is None or self.stack.currentWidget() is self.login_page:
            return
        self.idle.disarm()
        self.wizard_page.flush_draft()
        for name in ("detail_dialog", "supplement_dialog", "camera_dialog"):
            dialog = getattr(self, name, None)
            if dialog is not None and dialog.isVisible():
                dialog.reject()
        self._locked_page, self._locked_officer = self.stack.currentWidget(), self.officer
        minutes = self._ctx().settings.idle_lock_minutes
        officer = self.officer
        self.officer = None
        ctx = self._ctx()
        self.tasks.run_db(lambda: _audit(ctx, officer.username, "session.locked", idle_minutes=minutes), lambda _r: None, lambda _m: None)
        self.login_page.show_locked(
            officer.username,
            f"Màn hình đã tự khóa sau {minutes} phút không thao tác. Hồ sơ đang nhập được giữ nguyên; nhập mã PIN để tiếp tục.",
        )
        self.stack.setCurrentWidget(self.login_page)

    def _logout(self) -> None:
        self.officer = None
        self.idle.disarm()
        self.login_page.prepare(self.login_page.site_label.text(), self._demo_login())
        self.stack.setCurrentWidget(self.login_page)

    def _demo_login(self) -> tuple[str, str] | None:
        from kiosk.admin.demo import DEMO_LOGIN

        return DEMO_LOGIN if self.ctx and self.ctx.settings.demo else None

    def _go_home(self) -> None:
        ctx = self._ctx()
        officer = self.officer
        self.stack.setCurrentWidget(self.home_page)
        self.home_page.focus_search()

        def work() -> tuple[Any, Any, str | None]:
            from kiosk.dossier.codes import clock_warning

            from kiosk.dossier.submit import list_drafts
            from kiosk.dossier.search import search_dossiers

            drafts = list_drafts(ctx, officer.id if officer else None)
            with ctx.transaction() as session:
                recent = search_dossiers(session, "", limit=15)
                warning = clock_warning(session, ctx.now())
            return drafts, recent, warning

        def done(result: tuple[Any, Any, str | None]) -> None:
            drafts, recent, warning = result
            self.home_page.set_drafts(drafts)
            self.home_page.set_recent(recent)
            self.home_page.set_warning(warning)

        self.tasks.run_db(work, done)

    # --- wizard -----------------------------------------------------------------------------------

    def _new_dossier(self, code: str) -> None:
        procedure = self._ctx().catalogue.get(code)
        if procedure is None:
            return
        self.wizard_page.start(procedure, {}, 0, None)
        self.stack.setCurrentWidget(self.wizard_page)

    def _resume_draft(self, draft_uuid: str) -> None:
        from kiosk.dossier.submit import list_drafts

        ctx = self._ctx()

        def done(drafts: list[Any]) -> None:
            draft = next((d for d in drafts if d.uuid == draft_uuid), None)
            if draft is None:
                return
            procedure = ctx.catalogue.get(draft.procedure_code, draft.procedure_version) or ctx.catalogue.get(draft.procedure_code)
            if procedure is None:
                self.statusBar().showMessage("Thủ tục của bản nháp này không còn được cung cấp.", 15_000)
                return
            self.wizard_page.start(procedure, draft.values, draft.page_index, draft.uuid)
            self.stack.setCurrentWidget(self.wizard_page)

        self.tasks.run_db(lambda: list_drafts(ctx), done)

    def _save_draft(self, procedure: Any, values: dict[str, Any], page_index: int, draft_uuid: str) -> None:
        from kiosk.dossier.submit import save_draft

        ctx, officer = self._ctx(), self.officer
        if officer is None:
            return
        self.tasks.run_db(
            lambda: save_draft(ctx, officer, procedure, values, page_index, draft_uuid),
            lambda _uuid: self.wizard_page.draft_saved(),
            self.wizard_page.show_error,
        )

    def _submit(self, procedure: Any, values: dict[str, Any], documents: dict[str, int], draft_uuid: str) -> None:
        ctx, officer = self._ctx(), self.officer
        if officer is None:
            return

        def work() -> tuple[Any, str | None]:
            from kiosk.dossier.submit import submit
            from kiosk.printed.load import load_receipt

            result = submit(ctx, procedure=procedure, values=values, officer=officer, documents=documents, draft_uuid=draft_uuid)
            return load_receipt(ctx, result.code, actor=officer.username, reprint=False), result.clock_warning

        def done(result: tuple[Any, str | None]) -> None:
            data, warning = result
            self._queued(None)
            self.wizard_page.finished()
            self.receipt_page.show_receipt(data, heading="Đã tiếp nhận hồ sơ", notice=warning)
            self.stack.setCurrentWidget(self.receipt_page)

        self.tasks.run_db(work, done, self.wizard_page.submit_failed)

    # --- receipts and list ------------------------------------------------------------------------

    def _show_receipt(self, code: str, *, reprint: bool) -> None:
        ctx, officer = self._ctx(), self.officer
        actor = officer.username if officer else "unknown"

        def done(data: Any) -> None:
            self.receipt_page.show_receipt(data, heading="In lại giấy hẹn" if reprint else "Đã tiếp nhận hồ sơ")
            self.stack.setCurrentWidget(self.receipt_page)

        from kiosk.printed.load import load_receipt

        self.tasks.run_db(lambda: load_receipt(ctx, code, actor=actor, reprint=reprint), done)

    def _show_detail(self, code: str) -> None:
        ctx, officer = self._ctx(), self.officer
        actor = officer.username if officer else "unknown"

        def work() -> Any:
            from kiosk.security import audit
            from kiosk.dossier.search import dossier_detail

            with ctx.transaction() as session:
                detail = dossier_detail(session, code)
                if detail is not None:
                    audit.record(session, actor, "dossier.viewed", code=code)
                return detail

        def done(detail: Any) -> None:
            if detail is None:
                self.list_page.show_error(f"Không tìm thấy hồ sơ {code}.")
                return
            from ui.pages.dossier_detail import DossierDetailDialog

            dialog = DossierDetailDialog(detail, self)
            dialog.reprint_requested.connect(lambda c: self._show_receipt(c, reprint=True))
            dialog.supplement_requested.connect(self._record_supplement)
            self.detail_dialog = dialog
            dialog.open()

        self.tasks.run_db(work, done, self.list_page.show_error)

    def _record_supplement(self, code: str) -> None:
        from ui.pages.supplement import SupplementDialog

        ctx, officer = self._ctx(), self.officer
        if officer is None:
            return
        with_procedure = self._procedure_of(code)
        if with_procedure is None:
            return
        dialog = SupplementDialog(code, with_procedure, self)

        def accepted() -> None:
            from kiosk.dossier.amend import amend

            documents, note = dialog.documents(), dialog.note()
            self.tasks.run_db(
                lambda: amend(ctx, code=code, officer=officer, documents=documents, note=note),
                lambda revision: self._queued(f"Đã ghi nhận bổ sung cho hồ sơ {code} (lần {revision}); sẽ gửi lên cổng."),
                self.list_page.show_error,
            )

        dialog.accepted.connect(accepted)
        self.supplement_dialog = dialog
        dialog.open()

    def _procedure_of(self, code: str) -> Any:
        rows = self.list_page.model.rows
        row = next((r for r in rows if r.code == code), None)
        return self._ctx().catalogue.get(row.procedure_code) if row else None

    def _scan_with_camera(self) -> None:
        from ui.pages.camera_scan import CameraScanDialog

        dialog = CameraScanDialog(self.tasks, self)
        dialog.code_found.connect(self.list_page.show_code)
        self.camera_dialog = dialog
        dialog.open()

    def _lookup_qr_image(self, path: Path) -> None:
        from kiosk.dossier.lookup import code_from_image

        self.tasks.run_db(lambda: code_from_image(path), self.list_page.show_code, self.list_page.show_error)

    # --- sync ---------------------------------------------------------------------------------------

    def _queued(self, message: str | None) -> None:
        """A dossier or amendment was just queued: show the new queue count and send it now if the portal answers
        (a normal pass: back-off is respected), rather than at the next timer tick up to 30 s later."""
        if message:
            self.statusBar().showMessage(message, 15_000)
        self.sync.refresh_status()
        self.sync.trigger(force=False)

    def _sync_finished(self, report: Any) -> None:
        if isinstance(report, str):  # the pass itself broke (a bug): the status bar's error label shows the apology
            self.sync_status.show_error(report)
        elif getattr(report, "catalogue_activated", None) and self.ctx is not None:
            self.home_page.set_catalogue(self.ctx.catalogue)  # new procedure versions from the portal are offered at once
        current = self.stack.currentWidget()
        if current is self.list_page:
            self.list_page.refresh()
        elif current is self.queue_page:
            self._refresh_queue()
        elif current is self.home_page and self.officer is not None:
            self._go_home()

    def _open_queue(self) -> None:
        if self.officer is None:
            return
        self.stack.setCurrentWidget(self.queue_page)
        self._refresh_queue()

    def _refresh_queue(self) -> None:
        from sync.engine import current_problem, queue_summary, status

        ctx = self._ctx()
        self.tasks.run_db(
            lambda: (queue_summary(ctx), current_problem(status(ctx))),
            lambda result: self.queue_page.set_entries(*result),
            self.queue_page.show_message,
        )

    def _open_list(self) -> None:
        self.stack.setCurrentWidget(self.list_page)
        self.list_page.search.setFocus()
        self.list_page.refresh()

    def _search(self, query: str, lifecycle: str | None, sync_state: str | None) -> None:
        ctx = self._ctx()

        def work() -> Any:
            from kiosk.dossier.search import search_dossiers

            with ctx.transaction() as session:
                return search_dossiers(session, query, lifecycle=lifecycle, sync_state=sync_state)

        self.tasks.run_db(work, self.list_page.set_rows)

    # --- helpers ----------------------------------------------------------------------------------

    def _ctx(self) -> KioskContext:
        assert self.ctx is not None, "the data folder is opened before any page that needs it"
        return self.ctx

    def shutdown(self) -> None:
        """Stop the sync timer and the task helper's workers (the event loop has ended or the window is closing)."""
        if self.pages_built:
            self.sync.shutdown()
        self.tasks.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.pages_built:
            self.wizard_page.flush_draft()
        self.shutdown()
        if self.ctx is not None:
            self.ctx.close()
        super().closeEvent(event)


__all__ = ["MainWindow", "NotInitialisedError", "user_message"]


def import_core() -> None:
    """Import the core and the pages behind the login: on the worker, while the login already takes keys.

    Python imports are thread-safe and these modules create no widgets when imported, so the GUI thread
    later builds the pages from modules already loaded.
    """
    import kiosk.security.audit  # noqa: F401
    import kiosk.storage.context  # noqa: F401
    import kiosk.dossier.submit  # noqa: F401
    import kiosk.security.officers  # noqa: F401
    import kiosk.printed.load  # noqa: F401
    import kiosk.dossier.search  # noqa: F401
    import ui.pages.admin  # noqa: F401
    import ui.pages.dossier_list  # noqa: F401
    import ui.pages.home  # noqa: F401
    import ui.pages.queue  # noqa: F401
    import ui.pages.receipt  # noqa: F401
    import ui.window.sync_controller  # noqa: F401
    import ui.window.sync_status  # noqa: F401
    import ui.pages.wizard  # noqa: F401


def _audit(ctx: KioskContext, actor: str, action: str, **details: Any) -> None:
    from kiosk.security import audit

    with ctx.transaction() as session:
        audit.record(session, actor, action, **details)
