"""The way to the restore screen (docs/restore.md): after a login while the last restore's report is unread, and from
the home screen's "Kết quả khôi phục" button (under the greeting) while codes remain to look for; and the re-entry of a dossier under a
listed code.

Kept out of main_window (which only navigates and stays small). A re-entry: "Tiếp nhận lại theo mã này" goes home
with the code pending; the officer picks the procedure printed on the paper copy as for any dossier, and the wizard
then submits under that code (WizardPage.reuse_code; the core checks the code again). Leaving home for any page but
the wizard drops the pending code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QPushButton, QSizePolicy

from ui.operations.restore import RestoreView, restore_view

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow

REUSE_KEY = "reuse_code"  # beside the ID card's marks in what a draft keeps for the screen (kiosk/dossier/drafts.py)


class RestoreNav:
    def __init__(self, window: MainWindow) -> None:
        from ui.pages.restore.summary_page import RestoreSummaryPage

        self.window = window
        self.page = RestoreSummaryPage(window.session)
        self.pending: str | None = None  # the code the next dossier started from home is re-entered under
        self.view: RestoreView | None = None
        self._previous = window.stack.currentWidget()
        window.stack.addWidget(self.page)
        self.button = QPushButton("Kết quả khôi phục dữ liệu")
        self.button.setObjectName("restoreButton")
        self.button.hide()
        self.button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)  # never widens the window's minimum
        window.home_page.layout().insertWidget(1, self.button)  # full width, under the home screen's greeting
        self.button.clicked.connect(self.open)
        self.page.home_requested.connect(window._go_home)
        self.page.changed.connect(self._follow)
        self.page.reenter_requested.connect(self.reenter)
        window.stack.currentChanged.connect(self._page_changed)
        window.home_page.procedure_chosen.connect(self._procedure_chosen)  # after the window's: the wizard has started
        self._keep_code_with_the_draft(window.wizard_page)

    def _keep_code_with_the_draft(self, wizard: Any) -> None:
        """A re-entry saved as a draft keeps its code: resumed later, it is still received under it (the core checks
        the code again at submit). Wraps what the wizard keeps with a draft (the ID card's marks, ui/pages/idcard)."""
        given, taken = wizard.screen_state, wizard.restore_screen

        def state() -> dict[str, Any]:
            return {**given(), **({REUSE_KEY: wizard.reuse_code} if wizard.reuse_code else {})}

        def restore(draft_uuid: str, kept: dict[str, Any]) -> None:
            taken(draft_uuid, kept)
            code = kept.get(REUSE_KEY)
            wizard.reuse_code = code if isinstance(code, str) and code else None

        wizard.screen_state, wizard.restore_screen = state, restore
        wizard.resumed.connect(lambda: wizard.reuse_code and wizard.show_resumed_from(self._banner(wizard.reuse_code)))

    @staticmethod
    def _banner(code: str) -> str:
        return (f"Tiếp nhận lại hồ sơ theo mã cũ {code}, từ bản giấy của giấy tiếp nhận: hồ sơ mang đúng mã này, "
                "giấy tiếp nhận in lại mã này.")

    def open(self) -> None:
        if self.window.officer is not None:
            self.window.stack.setCurrentWidget(self.page)
            self.page.open()

    def reenter(self, code: str) -> None:
        self.pending = code
        self.window._go_home()
        self._follow(self.view)
        self.window._notify(f"Tiếp nhận lại hồ sơ mã {code}: chọn thủ tục ghi trên bản giấy của giấy tiếp nhận.", 120_000)

    def _procedure_chosen(self, _procedure_code: str) -> None:
        wizard, code, self.pending = self.window.wizard_page, self.pending, None
        if code is not None and self.window.stack.currentWidget() is wizard:
            wizard.reuse_code = code
            wizard.show_resumed_from(self._banner(code))
        self._follow(self.view)

    def _page_changed(self, _index: int) -> None:
        window, current = self.window, self.window.stack.currentWidget()
        previous, self._previous = self._previous, current
        if current not in (window.home_page, window.wizard_page, self.page):
            self.pending = None
        if current is window.home_page and window.officer is not None:
            after_login = previous is window.login_page or previous is getattr(window, "pin_change_page", None)  # ui/window/pin_change.py
            window.session.run(restore_view(window.session.context).success(lambda view: self._loaded(view, after_login))
                               .failure(lambda _message: None))

    def _loaded(self, view: RestoreView | None, after_login: bool) -> None:
        self._follow(view)
        if after_login and view is not None and not view.acknowledged and self.window.stack.currentWidget() is self.window.home_page:
            self.window.stack.setCurrentWidget(self.page)
            self.page.show_view(view)

    def _follow(self, view: RestoreView | None) -> None:
        """The home screen's button: shown while the report is unread or codes remain open."""
        self.view = view
        if self.pending is not None:
            self.button.setText(f"Đang tiếp nhận lại hồ sơ mã {self.pending}: chọn thủ tục ghi trên bản giấy "
                                "(bấm vào đây: màn hình kết quả khôi phục)")
        elif view is not None and view.open_codes:
            self.button.setText(f"Kết quả khôi phục dữ liệu: còn {len(view.open_codes)} mã hồ sơ cần đối chiếu với bản giấy")
        else:
            self.button.setText("Kết quả khôi phục dữ liệu")
        self.button.setVisible(self.pending is not None or (view is not None and view.needs_attention))


def install_restore(window: MainWindow) -> None:
    """Build the restore screen into ``window``'s stack and its ways in (see the module's docstring)."""
    window.restore_nav = RestoreNav(window)
