"""Put a card's answers into the wizard for one person: ask about every typed answer it contradicts, mark what it
filled, and tick the ID-card item of the documents checklist."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QApplication

from forms import formengine
from forms.idcard.address import Candidate, map_old_address
from forms.idcard.payload import IdCard, name_lacks_diacritics
from forms.idcard.people import CardPerson, card_answers, conflicts
from forms.received import ReceivedItem
from ui.pages.idcard.conflict_dialog import ConflictDialog

if TYPE_CHECKING:
    from ui.pages.idcard.marks import CardMarks
    from ui.pages.wizard import WizardPage

ID_CARD_ITEMS = ("giay_to_tuy_than", "can_cuoc")  # a checklist item whose id holds one of these is the ID card
CARD_WAYS = ("shown", "looked_up")  # a card is shown (or looked up in the database), never handed in


def default_person(wizard: WizardPage, people: tuple[CardPerson, ...]) -> int:
    """The person whose field has focus, else the one whose page is shown, else the first (the submitter)."""
    focus = QApplication.focusWidget()
    for field_id, row in wizard.rows.items():
        if focus is not None and (focus is row.widget or row.widget.isAncestorOf(focus)):
            for index, person in enumerate(people):
                if field_id in person.field_ids:
                    return index
    shown = {page.id for page in wizard.wizard.screen} if wizard.wizard is not None and wizard.step == "form" else set()
    for index, person in enumerate(people):
        if person.page_id in shown:
            return index
    return 0


def focus_next_missing(wizard: WizardPage) -> None:
    """After a card filled a block: the cursor goes to the first field of the screen still waiting for an answer
    (the officer goes on typing there; nothing to Tab through), or stays where it was when none is."""
    if wizard.step != "form" or wizard.wizard is None or wizard.procedure is None:
        return
    missing = formengine.page_errors(wizard.procedure, wizard.wizard.page, wizard.wizard.values)
    for field_id, row in wizard.rows.items():
        if field_id in missing and row.widget.isVisibleTo(wizard):
            row.widget.input.setFocus()
            return


def fill_person(wizard: WizardPage, marks: CardMarks, person: CardPerson, card: IdCard, candidate: Candidate | None,
                done: Callable[[str], None]) -> None:
    """Fill `person` from `card` (the residence from `candidate`, or left when None); `done` gets the message to show."""
    assert wizard.flow is not None and wizard.procedure is not None
    mapping = map_old_address(card.residence)
    residence = mapping.answer(candidate) if candidate is not None or mapping.unique is not None else None
    answers = card_answers(person, card, residence)
    found = conflicts(wizard.flow.values, answers)

    def apply(taken: set[str]) -> None:
        chosen = {field_id: value for field_id, value in answers.items() if field_id not in found or field_id in taken}
        wizard.take_answers(chosen)
        name_field = person.fields["name"]
        retype = name_field if name_field in chosen and name_lacks_diacritics(card.full_name) else None
        marks.record(person.page_id, person.label, card.full_name, set(chosen), retype)
        tick_id_card(wizard)
        focus_next_missing(wizard)
        kept = len(found) - len(taken & set(found))
        parts = [f"Đã điền thông tin từ thẻ căn cước của {card.full_name} vào mục \"{person.label}\"; hãy đối chiếu với thẻ."]
        if kept:
            parts.append(f"Giữ nguyên {kept} ô đã nhập khác với thẻ.")
        if "residence" in person.fields and residence is None:
            parts.append("Địa chỉ chưa điền: " + (mapping.reason or "hãy chọn xã/phường theo lời người dân.")
                         if not mapping.candidates else "Địa chỉ chưa điền: hãy chọn xã/phường theo lời người dân.")
        done(" ".join(parts))

    if not found:
        apply(set())
        return
    dialog = ConflictDialog(wizard.procedure, found, wizard)
    wizard.card_conflicts = dialog  # reachable (tests, the idle lock closes dialogs through it)
    dialog.accepted.connect(lambda: apply(dialog.taken()))
    dialog.rejected.connect(lambda: apply(set()))
    dialog.open()


def tick_id_card(wizard: WizardPage) -> None:
    """A scan means the card was shown: tick its checklist item (shown, or looked up when the definition says so)."""
    flow = wizard.flow
    if flow is None:
        return
    for doc in flow.proc.documents:
        if not any(part in doc.id for part in ID_CARD_ITEMS):
            continue
        way = doc.way if doc.way in CARD_WAYS else "shown"
        row: Any = wizard.document_rows.get(doc.id)
        if row is not None and wizard.step == "documents":
            if not row.ticked:
                row.set_way(way)
                row.box.setChecked(True)
        elif doc.id not in flow.received:
            flow.received[doc.id] = ReceivedItem(way=way)
