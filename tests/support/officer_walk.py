"""An officer answering the wizard by keyboard only, through `keystrokes.Keyboard` (every key counted).

`answer_page` walks the visible fields of the page shown in tab order: a field whose shown value already is the
answer (a default, a card's, "Giống người nộp hồ sơ") costs nothing but the Tab past it, and nothing at all after
the last field that needs typing: Ctrl+Enter goes on from anywhere on the page.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QWidget

from keystrokes import Keyboard
from ui.pages.entry.office_completer import folded_completer

# What an officer types in a long list to find an entry (no diacritics needed: the search is folded).
QUERIES = {"Thành phố Hồ Chí Minh": "minh", "Phường Bến Cát": "ben cat"}


# What an officer types to find a suggested office (ui/pages/entry/office_completer.py), then Down + Enter.
OFFICE_QUERIES = {"UBND xã Tân Hưng, huyện Bàu Bàng, tỉnh Bình Dương": "tan"}


def tab_to(kb: Keyboard, widget: QWidget, limit: int = 30) -> None:
    """Tab until `widget` (or its line edit) has focus: each Tab counted."""
    for _ in range(limit):
        focused = QApplication.focusWidget()
        if focused is widget or (focused is not None and widget.isAncestorOf(focused)):
            return
        kb.tab()
    raise AssertionError(f"Tab never reached {widget.objectName()!r}")


def choose(kb: Keyboard, combo: QComboBox, label: str) -> None:
    """The fewest keys to `label`: arrow keys from where the combo is, or (a long, searchable list) a query."""
    found = combo.findText(label)
    assert found >= 0, (combo.objectName(), label)
    arrows = abs(found - combo.currentIndex())
    query = QUERIES.get(label)
    if combo.isEditable() and query is not None and len(query) + 2 < arrows:
        kb.search(query, label)
    else:
        kb.pick(label)


def _date_text(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}{month}{year}" if _eight_digit_dates() else f"{day}/{month}/{year}"


def _eight_digit_dates() -> bool:
    try:
        import ui.pages.entry.dates  # noqa: F401 - issue 14 item 4: dates typed as 8 digits
    except ImportError:
        return False
    return True


def _needs(widget, answer: Any) -> bool:
    return widget.value() != answer


def enter_field(kb: Keyboard, widget, answer: Any) -> None:
    """Type `answer` into the field widget (focus already on its first part)."""
    kind = widget.field.type
    if kind == "address":
        if widget.line.text() != answer["line"]:
            kb.type(answer["line"])
        for combo, code in ((widget.province, answer["province_code"]), (widget.commune, answer["commune_code"])):
            if combo.currentData() != code:
                tab_to(kb, combo)
                choose(kb, combo, combo.itemText(combo.findData(code)))
        return
    if isinstance(widget.input, QCheckBox):  # a declaration
        if widget.input.isChecked() != bool(answer):
            kb.space()
        return
    if kind == "date":
        kb.type(_date_text(answer))
        return
    if kind in ("choice", "yesno"):
        combo = widget.input
        choose(kb, combo, combo.itemText(combo.findData(answer)))
        return
    completer = folded_completer(widget.input) if kind == "text" else None
    query = OFFICE_QUERIES.get(str(answer))
    if completer is not None and query is not None and completer.matches(query)[:1] == [answer]:
        kb.type(query)
        kb.down()
        kb.enter()
        return
    kb.type(str(answer))


def answer_page(kb: Keyboard, wizard, answers: dict[str, Any]) -> None:
    """Answer the page shown, then Ctrl+Enter; the page must pass."""
    page_id = wizard.wizard.page.id
    done: set[str] = set()
    while True:
        pending = [fid for fid, row in wizard.rows.items()
                   if fid not in done and row.widget.isVisibleTo(wizard) and fid in answers and _needs(row.widget, answers[fid])]
        if not pending:
            break
        field_id = pending[0]
        widget = wizard.rows[field_id].widget
        tab_to(kb, widget.input)
        if _needs(widget, answers[field_id]):  # leaving the field before may have filled this one (a derived answer)
            enter_field(kb, widget, answers[field_id])
        done.add(field_id)
        assert not _needs(widget, answers[field_id]), (field_id, widget.value(), answers[field_id])
    kb.ctrl_enter()
    assert not wizard.error.isVisible(), (page_id, wizard.error.text(),
                                          {f: r.error.text() for f, r in wizard.rows.items() if r.error.text()})
