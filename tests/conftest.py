"""Shared fixtures: every test gets its own data folder; nothing touches the user's real folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SUPPORT = Path(__file__).resolve().parent / "support"
sys.path.insert(0, str(SUPPORT))  # the shared helpers (portal process, fault proxy, children, GUI-thread guard)

TEST_SITE = {
    "unit_id": "000.00.07.H26",
    "unit_name": "UBND xã Bát Tràng",
    "commune_code": "00583",
    "kiosk_number": 1,
    "portal_url": "",
}


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("KIOSK_DATA_DIR", raising=False)


@pytest.fixture(autouse=True)
def _no_database_on_the_gui_thread():
    """A test fails when the application used the database on the GUI thread while Qt dispatched events."""
    import gui_thread_guard

    gui_thread_guard.install()
    gui_thread_guard.take()
    yield
    found = gui_thread_guard.take()
    if found:
        pytest.fail("the GUI thread used the database:\n" + "\n".join(dict.fromkeys(found)), pytrace=False)


@pytest.fixture
def portal_db_url() -> str | None:
    """The database of the `portal` fixture (tests/support/portal_server.py): None is a fresh SQLite file. A module
    runs its portal tests on PostgreSQL too by importing `on_both_backends as portal_db_url` from portal_server."""
    return None


@pytest.fixture(scope="session")
def pg_cluster():
    """One throwaway PostgreSQL cluster for the session (tests/support/pg_cluster.py), started on first use.

    Skipped only where no server binaries are installed; where they are and the cluster does not start, the
    tests that need it fail (an error, with the server's log)."""
    from pg_cluster import PgCluster, server_bindir

    bindir = server_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server not installed (no initdb via pg_config --bindir or /usr/lib/postgresql/*/bin): "
                    "apt-get install postgresql")
    cluster = PgCluster(bindir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def _site_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One site initialised per test session: creating and migrating an encrypted database takes about a
    second, copying the folder a few milliseconds."""
    from kiosk.storage.site import init_site

    root = tmp_path_factory.mktemp("template") / "data"
    init_site(root, dict(TEST_SITE))
    return root


@pytest.fixture
def site_dir(tmp_path: Path, _site_template: Path) -> Path:
    """An initialised site data folder (a copy of the session's template: same keys, fresh data)."""
    import shutil

    root = tmp_path / "data"
    shutil.copytree(_site_template, root)
    return root


@pytest.fixture
def ctx(site_dir: Path):
    from kiosk.storage.context import open_kiosk

    context = open_kiosk(site_dir)
    yield context
    context.close()


@pytest.fixture
def officer(ctx):
    from kiosk.security.officers import OfficerRef, add_officer

    with ctx.transaction() as session:
        row = add_officer(session, "lan", "Trần Thị Lan", "officer", "246813")
        return OfficerRef.of(row)


@pytest.fixture
def kiosk_log(site_dir: Path):
    """The data folder's rotating log attached as the `kiosk` and `kiosk-admin` entry points attach it."""
    import logging

    from ui.logfile import rotating_file_handler

    handler = rotating_file_handler(site_dir / "logs")
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield site_dir / "logs" / "kiosk.log"
    root.removeHandler(handler)
    root.setLevel(level)
    handler.close()


def type_text(widget, text: str) -> None:
    """Type like a Vietnamese input method (Unikey, IBus): ASCII as key presses, accented letters as IME commits.

    QTest.keyClicks only knows ASCII keys; real officers' accented letters arrive as input-method commits.
    """
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtTest import QTest

    for char in text:
        if char.isascii():
            QTest.keyClicks(widget, char)
        else:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QCoreApplication.sendEvent(widget, event)


def decrypted_sha256(file_key: bytes, path: Path) -> str:
    """The SHA-256 of a sealed attachment's plaintext (its content address)."""
    from kiosk.security import vault

    with vault.Opened(file_key, path) as opened:
        return opened.sha256()


def open_raw_db(root: Path):
    """A raw connection to a data folder's encrypted database (what a test inspects beside the product)."""
    from kiosk.storage.db import connect_encrypted
    from kiosk.security.keystore import load_data_key

    key = load_data_key(root)
    assert key is not None, f"{root} has no data key"
    return connect_encrypted(root / "kiosk.db", key)


def start_main_window(qtbot, root: Path, officers=(("lan", "Trần Thị Lan", "officer", "246813"),)):
    """The real main window on `root` with these officers added, shown and waiting at the login screen."""
    from kiosk.storage.context import open_kiosk
    from kiosk.security.officers import add_officer
    from gui_thread_guard import seeding
    from ui.window.app import make_application
    from ui.window.main_window import MainWindow

    with seeding():  # test set-up, told apart from the application by the GUI-thread guard
        ctx = open_kiosk(root)
        with ctx.transaction() as session:
            for username, full_name, role, pin in officers:
                add_officer(session, username, full_name, role, pin)
        ctx.close()
    make_application([])
    window = MainWindow(root)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login_page and window.ctx is not None, timeout=20_000)
    return window


@pytest.fixture
def window(qtbot, site_dir: Path):
    """The real main window on a fresh site with the officer lan (PIN 246813), at the login screen; stopped after."""
    win = start_main_window(qtbot, site_dir)
    yield win
    win.tasks.shutdown()


def log_in(qtbot, win, username: str = "lan", pin: str = "246813") -> None:
    """Log in by keyboard as an officer would and wait for the home screen."""
    from PySide6.QtCore import Qt

    win.login_page.username.clear()
    qtbot.keyClicks(win.login_page.username, username)
    qtbot.keyClicks(win.login_page.pin, pin)
    qtbot.keyClick(win.login_page.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.home_page, timeout=10_000)


def fill_form_pages(qtbot, wizard, values: dict, until_page: str | None = None) -> None:
    """Answer the wizard's form pages with `values` (answers can reveal more fields) and press "Tiếp tục" until the
    wizard leaves the form, or shows the screen holding the page `until_page` (a one-question page shares the
    screen of the page before it); each screen must pass validation."""
    from PySide6.QtCore import Qt

    def shown() -> bool:
        return until_page is not None and until_page in {page.id for page in wizard.wizard.screen}

    for _ in range(20):
        if wizard.step != "form" or shown():
            break
        for _ in range(3):
            for field_id, row in list(wizard.rows.items()):
                if row.widget.isVisibleTo(wizard) and field_id in values and row.widget.value() != values[field_id]:
                    row.widget.set_value(values[field_id])
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
        assert not wizard.error.isVisible(), wizard.error.text()
    if until_page is not None:
        assert wizard.step == "form" and shown(), f"never reached {until_page}"


def walk_sample_dossier(qtbot, window, code: str) -> None:
    """Start procedure `code` with sample answers and press Ctrl+Enter through every step (ticking the whole
    checklist) until the wizard is left or shows an error (a refused submit stays on the review with it)."""
    from datetime import date

    from forms.samples import sample_values

    wizard = window.wizard_page
    window.home_page.procedure_chosen.emit(code)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard, timeout=5_000)
    wizard.start(wizard.procedure, sample_values(wizard.procedure, seed=3, today=date.today()), 0, None)
    press_through_wizard(qtbot, window)


def press_through_wizard(qtbot, window) -> None:
    """Ctrl+Enter through the open wizard's steps (ticking the whole checklist) until it is left or shows an error."""
    from PySide6.QtCore import Qt

    wizard = window.wizard_page
    for _ in range(30):
        if window.stack.currentWidget() is not wizard or wizard.error.isVisible():
            break
        if wizard.step == "documents":
            wizard.tick_all_documents()
        if wizard.next_button.isEnabled():
            qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.wait(50)


def pdf_page_text(path: Path, look_dir: Path | None = None) -> str:
    """The first page's text of a PDF, NFC and single-spaced; with `look_dir`, its 150 dpi render saved there to look at."""
    import unicodedata

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        if look_dir is not None:
            look_dir.mkdir(parents=True, exist_ok=True)
            pdf[0].render(scale=150 / 72, grayscale=True).to_pil().save(look_dir / f"{path.stem}.png")
        return " ".join(unicodedata.normalize("NFC", pdf[0].get_textpage().get_text_range()).split())
    finally:
        pdf.close()
