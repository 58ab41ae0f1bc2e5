"""`kiosk --demo`: a demo site with no portal, a demo officer shown on the login screen, about 20 dossiers."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from kiosk.admin.demo import DEMO_DOSSIERS, DEMO_LOGIN, ensure_demo
from kiosk.storage.models import Dossier, OutboxEntry
from kiosk.storage.paths import resolve_data_dir


def test_demo_folder_is_inside_the_chosen_data_folder(tmp_path: Path) -> None:
    assert resolve_data_dir(str(tmp_path), demo=True) == tmp_path.resolve() / "demo"


def test_demo_is_filled_once_and_never_syncs(tmp_path: Path) -> None:
    from kiosk.storage.context import open_kiosk

    root = tmp_path / "demo"
    ensure_demo(root)
    ensure_demo(root)  # a second start adds nothing
    ctx = open_kiosk(root)
    try:
        assert ctx.settings.demo and ctx.settings.portal_url == ""
        with ctx.read() as session:
            assert session.scalar(select(func.count()).select_from(Dossier)) == DEMO_DOSSIERS
            assert session.scalar(select(func.count()).select_from(OutboxEntry)) == DEMO_DOSSIERS
            codes = list(session.scalars(select(Dossier.code).order_by(Dossier.received_at)))
        assert len(set(codes)) == DEMO_DOSSIERS
        assert all(code.startswith("000.00.99.H99-") for code in codes)
    finally:
        ctx.close()


def test_demo_login_is_shown_only_in_demo_mode(qtbot, tmp_path: Path, site_dir: Path) -> None:
    from ui.window.app import make_application
    from ui.window.main_window import MainWindow

    make_application([])
    demo = MainWindow(tmp_path / "demo", demo=True)
    qtbot.addWidget(demo)
    demo.show()
    demo.start()
    qtbot.waitUntil(lambda: demo.stack.currentWidget() is demo.login_page and demo.ctx is not None, timeout=60_000)
    assert demo.login_page.demo_hint.isVisible()
    assert DEMO_LOGIN[0] in demo.login_page.demo_hint.text() and DEMO_LOGIN[1] in demo.login_page.demo_hint.text()
    demo.tasks.shutdown()

    real = MainWindow(site_dir)
    qtbot.addWidget(real)
    real.show()
    real.start()
    qtbot.waitUntil(lambda: real.stack.currentWidget() is real.login_page and real.ctx is not None, timeout=20_000)
    assert not real.login_page.demo_hint.isVisible()
    real.tasks.shutdown()


def test_a_folder_that_was_never_set_up_says_what_to_do(qtbot, tmp_path: Path) -> None:
    from ui.window.app import make_application
    from ui.window.main_window import MainWindow

    make_application([])
    window = MainWindow(tmp_path / "fresh")
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.message_page, timeout=20_000)
    qtbot.waitUntil(lambda: "kiosk-admin init" in window.message_page.body.text(), timeout=20_000)
    assert window.message_page.heading.text() == "Máy chưa được thiết lập"
    window.tasks.shutdown()


def test_a_demo_folder_from_before_the_pin_policy_gets_the_pin_its_login_screen_shows(tmp_path: Path) -> None:
    from argon2 import PasswordHasher

    from kiosk.security.officers import login
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import Officer

    root = tmp_path / "demo"
    ensure_demo(root)
    ctx = open_kiosk(root)
    try:
        with ctx.transaction() as session:  # the demo PIN before the policy was 1234
            session.scalars(select(Officer)).one().pin_hash = PasswordHasher().hash("1234")
    finally:
        ctx.close()
    ensure_demo(root)
    ctx = open_kiosk(root)
    try:
        demo = login(ctx, *DEMO_LOGIN)
        assert demo.username == DEMO_LOGIN[0] and not demo.pin_change_due  # the shown PIN passes the policy
    finally:
        ctx.close()
