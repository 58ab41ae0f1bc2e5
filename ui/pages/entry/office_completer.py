"""Suggestions in the boxes naming where an earlier event was registered (docs/retyping.md).

The list is forms.prefill.offices': the site's office and the pre-2025 offices merged into its commune. The
officer types a few letters with or without accents ("tan hung", "tân"), Down, Enter: the accented name goes
into the box and the wizard stores it like typed text. Down in an empty box opens the whole list.

Why not QLineEdit.setCompleter: the line edit would match its raw, accented text against the model and put the
completion role (the folded key) into the box on a pick. Here the completer is only attached to the box
(setWidget): the prefix is the folded text, matching is MatchContains on the folded role, and the real text
(display role) is written on activation.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QCompleter, QLineEdit

import shiboken6

from forms.prefill.offices import is_office_field, office_suggestions
from forms.text import fold

FOLDED_ROLE = Qt.ItemDataRole.UserRole + 2


class FoldedCompleter(QCompleter):
    """A popup of `names` for one line edit: the folded text typed, found anywhere in a folded name."""

    def __init__(self, edit: QLineEdit, names: Iterable[str]) -> None:
        super().__init__(edit)
        self._edit = edit  # first: Qt may call eventFilter as soon as the completer is attached
        self.setObjectName("foldedCompleter")
        model = QStandardItemModel(self)
        for name in names:
            item = QStandardItem(name)  # display role: the real text, shown and put into the box
            item.setData(fold(name), FOLDED_ROLE)
            item.setEditable(False)
            model.appendRow(item)
        self.setModel(model)
        self.setCompletionRole(FOLDED_ROLE)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(10)
        self.setWidget(edit)  # not edit.setCompleter: the box must never receive the folded key
        QGuiApplication.instance().focusWindowChanged.connect(self._give_back_activation)
        edit.textEdited.connect(self._typed)
        edit.installEventFilter(self)
        self.activated[QModelIndex].connect(self._picked)

    def texts(self) -> list[str]:
        """The names offered, in list order (what the popup shows with nothing typed)."""
        model = self.model()
        return [model.index(row, 0).data(Qt.ItemDataRole.DisplayRole) for row in range(model.rowCount())]

    def matches(self, typed: str) -> list[str]:
        """The names the popup lists for this typed text, in order (folded words, contiguous, anywhere)."""
        key = fold(typed)
        return [name for name in self.texts() if key in fold(name)]

    def _typed(self, text: str) -> None:
        self._open(text, keep_closed_when_empty=True)

    def _open(self, text: str, *, keep_closed_when_empty: bool) -> None:
        if keep_closed_when_empty and not text.strip():
            self.popup().hide()
            return
        self.setCompletionPrefix(fold(text))
        if self.completionCount():
            self.complete()
        else:
            self.popup().hide()

    def _picked(self, index: QModelIndex) -> None:
        real = index.data(Qt.ItemDataRole.DisplayRole)
        if isinstance(real, str):
            self._edit.setText(real)  # textChanged → the field's `changed` → stored in the wizard

    def _give_back_activation(self, *_: Any) -> None:
        """A closed popup leaves the window it came from active, so the next page's first box takes the focus.
        Window managers do this themselves; a platform without one (offscreen, some kiosk setups) may make the
        popup the active window after it is hidden, and the keys typed next would go nowhere."""
        edit = self._edit
        if not shiboken6.isValid(self) or not shiboken6.isValid(edit) or self.popup().isVisible():
            return  # a page already gone, or the popup still open
        popup = self.popup()
        window = edit.window()
        if window.isVisible() and QApplication.activeWindow() is not window and QApplication.activeWindow() in (popup, None):
            window.activateWindow()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Down in the box with the popup closed opens it on what is typed (all the names when empty). Enter in
        the open popup with no name highlighted closes it and acts as in any text box (the wizard moves on):
        the officer typed an office of their own while some names still matched."""
        popup = self.popup()
        if watched is popup and event.type() == QEvent.Type.Hide:
            self._give_back_activation()
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent) or event.modifiers():
            return super().eventFilter(watched, event)
        if watched is self._edit and event.key() == Qt.Key.Key_Down and not popup.isVisible():
            self._open(self._edit.text(), keep_closed_when_empty=False)
            return True
        if watched is popup and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not popup.currentIndex().isValid():
            popup.hide()
            QCoreApplication.sendEvent(self._edit, QKeyEvent(event.type(), event.key(), event.modifiers()))
            return True
        return super().eventFilter(watched, event)


def folded_completer(edit: QLineEdit) -> FoldedCompleter | None:
    """The suggestion list attached to this line edit, or None (for tests and the keystroke driver)."""
    return edit.findChild(FoldedCompleter, "foldedCompleter")


def add_office_completers(rows: Callable[[], Mapping[str, Any]], settings: Any) -> list[FoldedCompleter]:
    """Every office box of the page (forms.prefill.offices.is_office_field) gets the site's suggestion list."""
    if settings is None:
        return []
    names = office_suggestions(settings.commune_code, settings.unit_name)
    made = []
    for row in rows().values():
        edit = getattr(row.widget, "input", None)
        if names and is_office_field(row.field) and isinstance(edit, QLineEdit):
            made.append(FoldedCompleter(edit, names))
    return made
