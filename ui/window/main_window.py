"""The main window: the page stack (login → home → wizard → receipt; dossier list, queue, admin), status bar and navigation."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QWidget

from forms.timezone import local_today
from ui.operations import session as session_ops
from ui.operations.startup import open_data_folder, preload_rest
from ui.pages.login import LoginPage
from ui.pages.message import MessagePage
from ui.session import Session
from ui.tasks import TaskManager
from ui.window.books_nav import books_page
from ui.window.idle_lock import IdleLock
from ui.window.sync_status import ElidedLabel

if TYPE_CHECKING:
    from kiosk.security.officers import OfficerRef
    from kiosk.storage.context import KioskContext

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    # The first screen an officer can act on is up and the event loop has turned once since (so keys reach it):
    # True at the login screen, False at a message saying what is wrong. Emitted once; start-up timing hangs on it.
    ready = Signal(bool)
    opened = Signal(bool)  # the data folder is open (True) or could not be opened (False, the message page says why)

    def __init__(self, root: Path, *, demo: bool = False) -> None:
        super().__init__()
        self.root = root
        self.demo = demo
        self.tasks = TaskManager(self)
        self.session = Session(self.tasks)
        self.setWindowTitle("Một Cửa Kiosk — Tiếp nhận hồ sơ")
        self.resize(1366, 768)
        self.setMinimumSize(1024, 560)  # 1366x768 at 125% scaling leaves 1093x582 (issue 14; docs/screenshots.md)

        self.stack = QStackedWidget()
        self.message_page, self.login_page = MessagePage(), LoginPage()
        self.idle = IdleLock(self)
        self._locked_page: QWidget | None = None  # the page an idle lock covered, and whose it was
        self._locked_officer: OfficerRef | None = None
        self._pending_login: tuple[str, str] | None = None  # typed before the data folder was open
        self.pages_built = self.building_pages = False
        self.stack.addWidget(self.message_page)
        self.stack.addWidget(self.login_page)
        self.setCentralWidget(self.stack)
        self.site_status, self.busy_status = ElidedLabel(), QLabel()  # the site gives way first when narrow (sync_status.py)
        self.statusBar().addWidget(self.site_status, 1)
        self.statusBar().addPermanentWidget(self.busy_status)

        self.tasks.busy_changed.connect(lambda busy: self.busy_status.setText("Đang lưu/xử lý…" if busy else ""))
        self.tasks.error.connect(self._notify)
        self.login_page.login_requested.connect(self._login)
        self.idle.timed_out.connect(self.lock)
        self.message_page.show_message("Đang mở dữ liệu…")

    @property
    def ctx(self) -> KioskContext | None:
        return self.session.ctx

    @property
    def officer(self) -> OfficerRef | None:
        return self.session.officer

    # The dossier list's dialogs (a dossier's detail, a supplement), as the list page opened them.
    detail_dialog = property(lambda self: self.list_page.detail_dialog)
    supplement_dialog = property(lambda self: self.list_page.supplement_dialog)
    books_page = property(lambda self: books_page(self))  # built on first use (ui/window/books_nav.py)

    def __getattr__(self, name: str) -> Any:
        """A page (or what is built with them) asked for after the folder opened but before the timer built them, by a
        signal or a test: build them now (see `_opened`). Anything else missing is an AttributeError as usual."""
        state = self.__dict__
        if name.startswith("_") or state.get("pages_built", True) or state.get("building_pages") or state["session"].ctx is None:
            raise AttributeError(name)
        self._ensure_pages()
        return object.__getattribute__(self, name)

    def _build_pages(self) -> None:
        """The pages behind the login, built once the folder is open (ui/window/page_set.py)."""
        from ui.window.page_set import build_pages

        build_pages(self)
        self.pages_built = True

    # --- start-up ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Show the login at once and open (in demo mode, fill) the data folder on the worker meanwhile.

        The officer can type while the worker imports the core and opens the database (about a second on a
        slow PC); a login sent before that waits for it. `ready` fires when the login takes keys, `opened`
        when the folder is open (or failed: then the message page says why, in place of the login).
        """
        self.login_page.prepare("Đang mở dữ liệu…", None)
        self.stack.setCurrentWidget(self.login_page)
        self.login_page.reset()
        QTimer.singleShot(0, lambda: self.ready.emit(True))
        self.session.run(open_data_folder(self.root, demo=self.demo).success(self._opened).failure(self._open_failed))

    def _opened(self, ctx: KioskContext) -> None:
        """The folder is open: a login is accepted from now on (its PIN is checked on the worker). The pages behind
        the login are built right after, on the GUI thread, while that check runs (docs/startup.md)."""
        ctx.claim()  # opened on the worker; from now on only the GUI thread changes it
        self.session.ctx = ctx
        settings = ctx.settings
        self.site_status.setText(f"{settings.unit_name} · mã đơn vị {settings.unit_id} · máy số {settings.kiosk_number}")
        self.login_page.prepare(f"{settings.unit_name}", self._demo_login(), keep_typed=True)  # typed while it opened
        self.idle.set_minutes(settings.idle_lock_minutes)
        self.opened.emit(True)
        pending, self._pending_login = self._pending_login, None
        if pending is not None:
            self._login(*pending)
        preload_rest()
        QTimer.singleShot(0, self, self._ensure_pages)  # not called once the window is gone

    def _ensure_pages(self) -> None:
        """Build the pages behind the login once, then start what needs them (the home's catalogue, sync, housekeeping)."""
        if self.pages_built or self.ctx is None:
            return
        self.building_pages = True
        try:
            self._build_pages()
        finally:
            self.building_pages = False
        ctx = self.ctx
        self.home_page.set_catalogue(ctx.catalogue)
        if ctx.catalogue.errors:
            self._notify(f"Có {len(ctx.catalogue.errors)} biểu mẫu lỗi chưa dùng được; báo quản trị viên.", 30_000)
        self.housekeeping.start()
        self.sync.start(ctx)
        self.sync.refresh_status()

    def _open_failed(self, message: str) -> None:
        heading = "Máy chưa được thiết lập" if "kiosk-admin init" in message else "Không mở được dữ liệu"
        self._pending_login = None
        self.message_page.show_message(heading, message)
        self.stack.setCurrentWidget(self.message_page)
        self.opened.emit(False)

    # --- login, lock, home --------------------------------------------------------------------------

    def _login(self, username: str, pin: str) -> None:
        if self.ctx is None:  # sent while the folder is still opening: done as soon as it is open
            self._pending_login = (username, pin)
            self.login_page.show_waiting("Đang mở dữ liệu, vui lòng chờ trong giây lát…")
            return
        self.session.run(session_ops.login(self.ctx, username, pin).success(self._login_accepted).failure(self.login_page.show_error))

    def _login_accepted(self, officer: OfficerRef) -> None:
        """The pages first (built already unless the PIN check beat the timer), then `_logged_in` looked up now:
        ui/window/pin_change.py wraps it when the pages are built."""
        self._ensure_pages()
        self._logged_in(officer)

    def _logged_in(self, officer: OfficerRef) -> None:
        self.session.officer = officer
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

    def lock(self) -> None:
        """Idle lock: save the open draft, hide every screen with personal data, ask for the PIN again."""
        officer = self.officer
        if officer is None or self.stack.currentWidget() is self.login_page:
            return
        self.idle.disarm()
        self.wizard_page.flush_draft()
        self.list_page.close_dialogs()
        self._locked_page, self._locked_officer = self.stack.currentWidget(), officer
        minutes = self.session.context.settings.idle_lock_minutes
        self.session.officer = None
        self.session.run(session_ops.record_idle_lock(self.session.context, officer, minutes).failure(lambda _message: None))
        self.login_page.show_locked(officer.username, f"Màn hình đã tự khóa sau {minutes} phút không thao tác. "
                                    "Hồ sơ đang nhập được giữ nguyên; nhập mã PIN để tiếp tục.")
        self.stack.setCurrentWidget(self.login_page)

    def _logout(self) -> None:
        self.session.officer = None
        self.idle.disarm()
        self.login_page.prepare(self.login_page.site_label.text(), self._demo_login())
        self.stack.setCurrentWidget(self.login_page)

    def _demo_login(self) -> tuple[str, str] | None:
        from kiosk.admin.demo import DEMO_LOGIN

        return DEMO_LOGIN if self.ctx and self.ctx.settings.demo else None

    def _go_home(self) -> None:
        self.stack.setCurrentWidget(self.home_page)
        self.home_page.focus_search()
        self.home_page.refresh()

    # --- a new dossier: the wizard, then its receipt --------------------------------------------------

    def _new_dossier(self, code: str) -> None:
        ctx = self.session.context
        procedure = ctx.catalogue.in_force(code, local_today(ctx.now()))  # a version published for a later day waits
        if procedure is not None:
            self.wizard_page.start(procedure, {}, 0, None)
            self.stack.setCurrentWidget(self.wizard_page)

    def _submitted(self, data: Any, clock_warning: str | None) -> None:
        self._queued(None)
        self.receipt_page.show_submitted(data, clock_warning)  # prints the site's copies on the default printer
        self.stack.setCurrentWidget(self.receipt_page)

    # --- sync, and the other pages ------------------------------------------------------------------

    def _queued(self, message: str | None) -> None:
        """A dossier or amendment was just queued: show the new queue count and send it now if the portal answers
        (a normal pass: back-off is respected), rather than at the next timer tick up to 30 s later."""
        if message:
            self._notify(message)
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
            self.queue_page.refresh()
        elif current is self.home_page and self.officer is not None:
            self._go_home()

    def _open_queue(self) -> None:
        if self.officer is not None:
            self.stack.setCurrentWidget(self.queue_page)
            self.queue_page.refresh()

    def _open_list(self) -> None:
        self.stack.setCurrentWidget(self.list_page)
        self.list_page.search.setFocus()
        self.list_page.refresh()

    def _open_admin(self) -> None:
        """Only along the home page's admin button, which only an admin's role shows; the core checks the role again."""
        if self.officer is not None and self.home_page.admin_offered:
            self.stack.setCurrentWidget(self.admin_page)
            self.admin_page.open()

    def _notify(self, message: str, timeout_ms: int = 15_000) -> None:
        self.statusBar().showMessage(message, timeout_ms)

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
