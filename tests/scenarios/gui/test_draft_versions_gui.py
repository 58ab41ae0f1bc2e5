"""A draft typed under a definition version an effective date has since replaced: reopened in the real window, it
moves to the version in force, and the officer reads what changed (docs/definition-versions.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from conftest import start_main_window
from forms.samples import sample_values
from gui_thread_guard import seeding


def _seed_old_marriage_draft(site_dir: Path) -> str:
    """A marriage draft saved under 2026.1 (before 1 January 2026) by officer lan, as the December 2025 kiosk did."""
    from kiosk.dossier.drafts import save_draft
    from kiosk.security.officers import OfficerRef, add_officer
    from kiosk.storage.context import open_kiosk

    with seeding():
        ctx = open_kiosk(site_dir)
        with ctx.transaction() as session:
            officer = OfficerRef.of(add_officer(session, "lan", "Trần Thị Lan", "officer", "246813"))
        old = ctx.catalogue.get("1.000894", "2026.1")
        values = sample_values(old, seed=3, today=date(2025, 12, 30))
        values["bride_needs_status_certificate"] = True
        draft_uuid = save_draft(ctx, officer, old, values, 1)
        ctx.close()
    return draft_uuid


def test_a_draft_reopened_after_an_effective_date_is_rechecked_and_the_officer_is_told(qtbot, site_dir: Path) -> None:
    draft_uuid = _seed_old_marriage_draft(site_dir)
    window = start_main_window(qtbot, site_dir, officers=())
    try:
        qtbot.keyClicks(window.login_page.username, "lan")
        qtbot.keyClicks(window.login_page.pin, "246813")
        qtbot.keyClick(window.login_page.pin, Qt.Key.Key_Return)
        home = window.home_page
        qtbot.waitUntil(lambda: home.drafts.count() >= 1 and home.drafts.item(0).data(Qt.ItemDataRole.UserRole) == draft_uuid, timeout=10_000)
        home.draft_chosen.emit(draft_uuid)
        wizard = window.wizard_page
        qtbot.waitUntil(lambda: window.stack.currentWidget() is wizard and wizard.version_notice.isVisible(), timeout=10_000)

        notice = wizard.version_notice.text()
        assert notice.startswith("Thủ tục đã có phiên bản mới áp dụng từ 01/01/2026:")
        assert "không còn yêu cầu Giấy xác nhận tình trạng hôn nhân của bên nữ (Nghị định 07/2025/NĐ-CP)" in notice
        assert "Giấy tờ tùy thân của bên nữ: Khai thác CSDL thay cho Xuất trình (Nghị quyết 66.7/2025/NQ-CP)" in notice
        assert notice.endswith("hồ sơ nháp đã được kiểm tra lại theo phiên bản mới.")
        assert wizard.procedure.version == window.ctx.catalogue.in_force("1.000894").version == "2026.2"
        assert "bride_needs_status_certificate" not in wizard.rows  # the question the new version dropped is gone
        assert "Thủ tục đã có phiên bản mới" not in wizard.error.text()  # a notice, not an error

        window.home_page.procedure_chosen.emit("1.000656")  # a new dossier, in the version in force: no notice
        qtbot.waitUntil(lambda: wizard.procedure.code == "1.000656", timeout=10_000)
        assert not wizard.version_notice.isVisible()
    finally:
        window.tasks.shutdown()
