"""The pages behind the login and their wiring, built once the data folder is open (docs/startup.md).

Out of main_window.py (which navigates and stays under 300 lines). The books page is not among them: it is
built the first time F9 asks for it (ui/window/books_nav.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow


def build_pages(window: MainWindow) -> None:
    """Build the home, wizard, receipt, list, queue and admin pages into the window's stack, and connect them."""
    from ui.pages.admin import AdminPage
    from ui.pages.dossier_list import DossierListPage
    from ui.pages.home import HomePage
    from ui.pages.queue import QueuePage
    from ui.pages.receipt import ReceiptPage
    from ui.pages.wizard import WizardPage
    from ui.window.books_nav import install_books
    from ui.window.card_nav import install_card_intake
    from ui.window.counter_nav import install_counter
    from ui.window.housekeeping import Housekeeping
    from ui.window.restore_nav import install_restore
    from ui.window.notice_actions import NoticeActions
    from ui.window.pin_change import install_pin_change
    from ui.window.screen import install_screen
    from ui.window.sync_controller import SyncController
    from ui.window.sync_status import SyncStatusWidget

    session = window.session
    window.home_page, window.wizard_page, window.receipt_page = HomePage(session), WizardPage(session), ReceiptPage(session)
    window.list_page, window.queue_page, window.admin_page = DossierListPage(session), QueuePage(session), AdminPage(session)
    window.sync, window.sync_status, window.housekeeping = SyncController(window.tasks, window), SyncStatusWidget(), Housekeeping(session, window)
    for page in (window.home_page, window.wizard_page, window.receipt_page, window.list_page, window.queue_page, window.admin_page):
        window.stack.addWidget(page)
    window.statusBar().addPermanentWidget(window.sync_status)
    window.home_page.procedure_chosen.connect(window._new_dossier)
    window.home_page.draft_chosen.connect(window.wizard_page.resume)
    window.home_page.dossier_chosen.connect(window.receipt_page.reprint)
    window.home_page.list_requested.connect(window._open_list)
    window.home_page.logout_requested.connect(window._logout)
    window.home_page.admin_requested.connect(window._open_admin)
    window.notices = NoticeActions(window)  # refusal, guidance, stop: recorded, then shown on the notice page
    window.admin_page.settings_changed.connect(lambda settings: window.idle.set_minutes(settings.idle_lock_minutes))
    window.admin_page.enrolled.connect(lambda: window.sync.start(session.context))  # sync begins now that there is a portal
    window.wizard_page.resumed.connect(lambda: window.stack.setCurrentWidget(window.wizard_page))
    window.wizard_page.notice.connect(window._notify)
    window.wizard_page.submitted.connect(window._submitted)
    window.receipt_page.reprint_loaded.connect(lambda: window.stack.setCurrentWidget(window.receipt_page))
    window.receipt_page.new_dossier_requested.connect(window._go_home)
    window.list_page.reprint_requested.connect(window.receipt_page.reprint)
    window.list_page.queued.connect(window._queued)
    for back_home in (window.admin_page.home_requested, window.wizard_page.cancelled, window.receipt_page.home_requested, window.list_page.home_requested, window.queue_page.home_requested):  # noqa: E501
        back_home.connect(window._go_home)
    window.sync_status.follow(window.sync)
    window.sync.pass_finished.connect(window._sync_finished)
    window.sync_status.queue_requested.connect(window._open_queue)
    window.queue_page.sync_now_requested.connect(lambda: window.sync.trigger(force=True))
    window.housekeeping.failed.connect(lambda message: window._notify(message, 30_000))
    install_books(window)  # "Sổ theo dõi và báo cáo" (F9)
    install_counter(window)  # the rating screen, the work lists
    install_card_intake(window)  # the ID card's QR: scanner (keyboard or serial), webcam, image file
    install_screen(window)  # F11, the site's text size, Enter on the queue
    install_restore(window)  # the restore screen after login, and re-entry under a listed code
    install_pin_change(window)  # a PIN set before the PIN policy is changed right after the login, before anything else
