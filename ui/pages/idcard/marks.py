"""Fields filled from a card stay marked until the officer ticks "Đã đối chiếu với thẻ" for that person.

The QR is not signed: what it filled is a pre-fill the officer compares with the card in hand. Each filled field
carries the property `fromCard` (styled in assets/style.qss) and a tooltip; a bar above the page says
"Điền từ thẻ — hãy đối chiếu" with the person's check box; the review page lists the persons not yet checked.

The marks are kept with the draft (`state`, saved by `WizardPage.flush_draft` under the draft's reserved key,
kiosk/dossier/drafts.py; `restore` when it is resumed), so a dossier left and taken up again still shows what the
card filled and who is not yet checked. Kept: per person (page id), its label, the field ids, the name field to
retype, whether it is checked, and the holder's name only when it is one of the answers (the officer may have kept
a typed name instead). Never the QR's text nor a field the form does not have; the submitted dossier has none of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

from forms.wizard import FORM, REVIEW

if TYPE_CHECKING:
    from ui.pages.wizard import WizardPage

MARK_PROPERTY = "fromCard"
MARK_TIP = "Điền từ thẻ căn cước — hãy đối chiếu với thẻ."
RETYPE_TIP = "Họ tên đọc được không có dấu: hãy gõ lại có dấu theo thẻ."
CHECK_TEXT = "Đã đối chiếu với thẻ"
STATE_KEY = "card_marks"  # in the wizard's screen state kept with the draft


@dataclass
class _Filled:
    label: str
    name: str  # the card holder's name, for the bar
    fields: set[str] = field(default_factory=set)
    retype: str | None = None  # the name field, when the name arrived without diacritics


def _set_mark(widget: QWidget, value: str | bool, tip: str) -> None:
    if widget.property(MARK_PROPERTY) != value:
        widget.setProperty(MARK_PROPERTY, value)
        widget.setToolTip(tip if value else "")
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class CardMarks(QFrame):
    """The bar above the wizard's page, and the marks on the rows of the page shown."""

    def __init__(self, wizard: WizardPage) -> None:
        super().__init__()
        self.setObjectName("cardCheckBar")
        self.setStyleSheet("QFrame#cardCheckBar { background: #fff8d6; border: 1px solid #d4a017; border-radius: 4px; }")
        self._wizard = wizard
        self._draft = ""
        self.filled: dict[str, _Filled] = {}
        self.checked: set[str] = set()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.check = QCheckBox(CHECK_TEXT)
        self.check.setObjectName("cardChecked")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.text)
        layout.addWidget(self.check)
        self.check.toggled.connect(self._toggled)
        self.hide()
        outer = wizard.layout()
        outer.insertWidget(outer.indexOf(wizard.error), self)
        wizard.rendered.connect(self.refresh)
        wizard.screen_state = self.state
        wizard.restore_screen = self.restore

    # --- what was filled --------------------------------------------------------------------------

    def record(self, page_id: str, label: str, name: str, field_ids: set[str], retype: str | None) -> None:
        """A card filled these fields of the person on page `page_id`: marked until checked again."""
        self._follow_draft()
        entry = self.filled.setdefault(page_id, _Filled(label, name))
        entry.name, entry.retype = name, retype
        entry.fields |= field_ids
        self.checked.discard(page_id)
        self.refresh()

    def unchecked(self) -> list[str]:
        """The persons filled from a card whose fields the officer has not yet compared with it (page titles)."""
        self._follow_draft()
        procedure = self._wizard.procedure
        pages = {page.id for page in procedure.pages} if procedure is not None else set()
        return [entry.label for page_id, entry in self.filled.items() if page_id not in self.checked and page_id in pages]

    # --- kept with the draft ----------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """The marks of the open dossier, for its draft (empty when no card filled anything)."""
        self._follow_draft()
        wizard = self._wizard.wizard
        answers = {value for value in (wizard.values.values() if wizard is not None else ()) if isinstance(value, str)}
        people = [
            {"page": page_id, "label": entry.label, "name": entry.name if entry.name in answers else "",
             "fields": sorted(entry.fields), "retype": entry.retype, "checked": page_id in self.checked}
            for page_id, entry in self.filled.items()
        ]
        return {STATE_KEY: people} if people else {}

    def restore(self, draft_uuid: str, state: dict[str, Any]) -> None:
        """The marks a draft kept (`state`), before the wizard shows it; anything malformed is left out."""
        self._draft = draft_uuid
        self.filled.clear()
        self.checked.clear()
        people = state.get(STATE_KEY)
        for person in people if isinstance(people, list) else []:
            if not isinstance(person, dict) or not isinstance(person.get("page"), str):
                continue
            fields = {str(field_id) for field_id in person.get("fields") or []}
            retype = person.get("retype") if person.get("retype") in fields else None
            self.filled[person["page"]] = _Filled(str(person.get("label") or ""), str(person.get("name") or ""), fields, retype)
            if person.get("checked") is True:
                self.checked.add(person["page"])

    def _follow_draft(self) -> None:
        if self._wizard.draft_uuid != self._draft:  # another dossier: its own marks (none yet)
            self._draft = self._wizard.draft_uuid
            self.filled.clear()
            self.checked.clear()

    # --- on screen --------------------------------------------------------------------------------

    def refresh(self, *_args: object) -> None:
        self._follow_draft()
        wizard = self._wizard
        step = wizard.step
        page = wizard.wizard.page if wizard.wizard is not None and step == FORM else None
        entry = self.filled.get(page.id) if page is not None else None
        if entry is not None:
            done = page.id in self.checked
            self._mark_rows(entry, not done)
            note = " Họ tên đọc được không có dấu: hãy gõ lại có dấu theo thẻ." if entry.retype and not done else ""
            whose = entry.name or entry.label  # a resumed draft whose typed name was kept does not keep the card's
            self.text.setText(
                f"Điền từ thẻ — hãy đối chiếu: các ô tô vàng được điền từ thẻ căn cước của {whose}.{note}"
                if not done else f"Đã đối chiếu các ô điền từ thẻ căn cước của {whose}."
            )
            self.check.blockSignals(True)
            self.check.setChecked(done)
            self.check.blockSignals(False)
            self.check.show()
            self.show()
            return
        missing = self.unchecked() if step == REVIEW else []
        if missing:
            self.text.setText("Chưa đối chiếu với thẻ căn cước: " + "; ".join(missing) + ". Hãy quay lại trang đó và đánh dấu "
                              f"\"{CHECK_TEXT}\".")
            self.check.hide()
            self.show()
            return
        self.hide()

    def _mark_rows(self, entry: _Filled, on: bool) -> None:
        for field_id in entry.fields:
            row = self._wizard.rows.get(field_id)
            if row is None:
                continue
            parts: list[QWidget] = [row.widget.input, *row.widget.findChildren(QLineEdit), *row.widget.findChildren(QComboBox)]
            retype = on and field_id == entry.retype
            for part in dict.fromkeys(parts):
                _set_mark(part, "retype" if retype else on, RETYPE_TIP if retype else MARK_TIP)

    def _toggled(self, checked: bool) -> None:
        wizard = self._wizard
        page = wizard.wizard.page if wizard.wizard is not None and wizard.step == FORM else None
        if page is None or page.id not in self.filled:
            return
        if checked:
            self.checked.add(page.id)
        else:
            self.checked.discard(page.id)
        wizard.take_answers({})  # no new answer, but the draft is saved again: it keeps the tick
        self.refresh()
