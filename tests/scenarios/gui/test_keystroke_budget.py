"""Issue 14's keystroke budget: one birth registration (both parents known, the mother filing in person), entered
by keyboard in the real window and counted in officer keystrokes (accented letters at their Telex cost, scanner
bursts apart; tests/support/keystrokes.py). Typed in full it must take at most 250 keys; with the mother's and the
father's cards scanned at most 120; both runs store the same dossier, compared field by field from the database.
Run with -s to see the figures and where the keys went."""

from __future__ import annotations

import datetime as dt
from typing import Any

from card_scan import MOTHER, FakeClock  # noqa: F401 - FakeClock: the scanner's timing (keystrokes.Keyboard.scan)
from conftest import log_in
from forms.idcard.payload import IdCard, format_payload
from keystrokes import Keyboard
from officer_walk import answer_page
from ui.window.main_window import MainWindow

BUDGET_TYPED = 250  # issue 14's limits (docs/keystrokes.md has the figures reached and where the keys go)
BUDGET_SCANNED = 120

FATHER = IdCard(
    number="025090481736",  # a man born in 1990 (century digit 0)
    old_number="",
    full_name="Trần Văn Hùng",
    birth_date=dt.date(1990, 7, 21),
    sex="nam",
    residence=MOTHER.residence,  # the parents live together: the same old address, the same 2025 commune
    issue_date=dt.date(2022, 1, 10),
)
BEN_CAT_SITE = {"commune_code": "25813", "unit_name": "UBND phường Bến Cát"}  # Phường Bến Cát, Thành phố Hồ Chí Minh
HOME = {"line": "Ấp 3", "commune_code": "25813", "province_code": "79"}  # MOTHER.residence in 2025 units


def _person(card: IdCard, prefix: str, *, residence: str) -> dict[str, Any]:
    return {f"{prefix}_full_name": card.full_name, f"{prefix}_id_number": card.number,
            f"{prefix}_birth_date": card.birth_date.isoformat(), f"{residence}": dict(HOME),
            f"{prefix}_id_paper_issue_date": card.issue_date.isoformat() if card.issue_date else None}


def answers_by_page(today: dt.date) -> dict[str, dict[str, Any]]:
    """The dossier, page by page, as the mother tells it (the parents' blocks are what their cards say)."""
    submitter = {"submitter_name": MOTHER.full_name, "submitter_id_number": MOTHER.number,
                 "submitter_birth_date": MOTHER.birth_date.isoformat(), "submitter_sex": "nu", "submitter_address": dict(HOME)}
    return {
        "nguoi_nop": submitter,
        "cach_nop": {"channel": "in_person"},
        "nguoi_yeu_cau": {"requester_relationship": "me"},
        "tre_em": {"child_full_name": "Trần Minh Đức", "child_birth_date": (today - dt.timedelta(days=20)).isoformat(),
                   "child_sex": "nam", "child_ethnicity": "01", "child_birth_place_kind": "co_so_y_te",
                   "child_birth_facility": "Trạm y tế phường Bến Cát",
                   "child_birth_place": "Phường Bến Cát, Thành phố Hồ Chí Minh",
                   "birth_type": "both"},
        "me": {**_person(MOTHER, "mother", residence="mother_residence"), "mother_ethnicity": "01"},
        "cha": {**_person(FATHER, "father", residence="father_residence"), "father_ethnicity": "01"},
        "ket_hon_cha_me": {"parents_married": True, "parents_marriage_date": "2015-05-20",
                           "parents_marriage_office": "UBND xã Tân Hưng, huyện Bàu Bàng, tỉnh Bình Dương"},
        "cam_doan": {"sworn_statement": True},
    }


def _open_birth_registration(qtbot, win: MainWindow):
    win.home_page.procedure_chosen.emit("1.001193")
    wizard = win.wizard_page
    qtbot.waitUntil(lambda: win.stack.currentWidget() is wizard, timeout=5_000)
    return wizard


def _where(wizard) -> str:
    return wizard.wizard.page.id if wizard.step == "form" else wizard.step


def _checklist_and_receive(qtbot, kb: Keyboard, win: MainWindow, wizard) -> None:
    """Tick every item of the checklist from the keyboard (Space on each box, Down to the next), review, receive."""
    from PySide6.QtWidgets import QApplication

    assert wizard.step == "documents", wizard.error.text()
    for number, row in enumerate(wizard.document_rows.values()):
        if number:
            kb.down()
        assert QApplication.focusWidget() is row.box, row.doc_id
        if not row.box.isChecked():
            kb.space()
    kb.ctrl_enter()
    assert wizard.step == "review", wizard.error.text()
    kb.ctrl_enter()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.receipt_page, timeout=20_000)



def _choose_in_chooser(qtbot, kb: Keyboard, win: MainWindow, page_title: str) -> None:
    intake = win.card_intake
    qtbot.waitUntil(lambda: intake.chooser is not None and intake.chooser.isVisible(), timeout=5_000)
    chooser = intake.chooser
    number = next(i for i, b in enumerate(chooser.buttons, start=1) if b.text().endswith(page_title))
    default = next(i for i, b in enumerate(chooser.buttons, start=1) if b.isDefault())
    from PySide6.QtCore import Qt

    kb.key(Qt.Key.Key_Return if number == default else getattr(Qt.Key, f"Key_{number}"))
    qtbot.waitUntil(lambda: not chooser.isVisible(), timeout=2_000)
    # The window manager gives the window back its activation when the dialog closes; the offscreen platform
    # has none, so the test does it (no key: the officer does nothing for it).
    from PySide6.QtWidgets import QApplication

    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2_000)


def run(qtbot, win: MainWindow, *, scan: bool) -> tuple[Keyboard, dict[str, Any], list[tuple[str, str]]]:
    """One registration from the home screen to the receipt; the stored values and (item, way) of its documents."""
    wizard = _open_birth_registration(qtbot, win)
    kb = Keyboard(qtbot, lambda: _where(wizard))
    pages = answers_by_page(dt.date.today())
    for _ in range(12):
        if wizard.step != "form":
            break
        page = wizard.wizard.page.id
        if scan and page in ("nguoi_nop", "me", "cha"):
            kb.scan(format_payload(FATHER if page == "cha" else MOTHER), win.card_intake)
            _choose_in_chooser(qtbot, kb, win, wizard.wizard.page.title)
        elif page == "me":  # the mother files: "Giống người nộp hồ sơ" (Alt+G) instead of typing her again
            from PySide6.QtCore import Qt

            kb.key(Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
            qtbot.waitUntil(lambda: all(wizard.rows[f].widget.value() == wizard.wizard.values.get(s) for f, s in (
                ("mother_full_name", "submitter_name"), ("mother_birth_date", "submitter_birth_date"))), timeout=5_000)
        answer_page(kb, wizard, {k: v for shown in wizard.wizard.screen for k, v in pages[shown.id].items()})
    _checklist_and_receive(qtbot, kb, win, wizard)
    values, documents = _stored(win)
    win.receipt_page.home_requested.emit()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.home_page, timeout=5_000)
    return kb, values, documents


def _stored(win: MainWindow) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    from sqlalchemy import select

    from gui_thread_guard import seeding
    from kiosk.storage.models import Dossier, DossierDocument

    with seeding(), win.ctx.transaction() as session:
        dossier = session.scalars(select(Dossier).where(Dossier.lifecycle != "draft").order_by(Dossier.id.desc())).first()
        docs = session.scalars(select(DossierDocument).where(DossierDocument.dossier_id == dossier.id)).all()
        return dict(dossier.values), sorted((d.doc_id, d.way) for d in docs)


def report(name: str, kb: Keyboard) -> None:
    where = ", ".join(f"{page} {n} ({kb.moves[page]} Tab/arrows)" for page, n in kb.tally.items())
    print(f"\n{name}: {kb.count} keystrokes, {kb.bursts} scanner bursts ({where})")


def test_a_birth_registration_fits_the_keystroke_budget(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    # A birth is registered where a parent lives (Luật Hộ tịch, art. 13): the counter is the family's own commune.
    window.ctx.adopt(settings=window.ctx.settings.with_changes(**BEN_CAT_SITE))
    typed, typed_values, typed_docs = run(qtbot, window, scan=False)
    scanned, scanned_values, scanned_docs = run(qtbot, window, scan=True)
    report("typed in full", typed)
    report("two cards scanned", scanned)

    assert typed.bursts == 0 and scanned.bursts >= 2
    differing = {k: (typed_values.get(k), scanned_values.get(k)) for k in set(typed_values) | set(scanned_values)
                 if typed_values.get(k) != scanned_values.get(k)}
    assert differing == {}, differing
    assert [doc for doc, _way in typed_docs] == [doc for doc, _way in scanned_docs]
    assert typed.count <= BUDGET_TYPED, typed.tally
    assert scanned.count <= BUDGET_SCANNED, scanned.tally
