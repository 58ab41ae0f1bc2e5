"""An officer's keyboard for tests, that counts: every key press sent to the real window's focused widget is 1,
except an accented letter, which costs its Telex keystrokes (the test has no input method, so the composed letter
is committed as an IME commit, as Unikey/IBus would, and counted as the keys the officer typed for it).

A chord (Ctrl+Enter, Shift+letter for a capital) is one key press. Scanner bursts go at scanner speed through
`card_scan.scanner_types` and are counted apart (`bursts`), never as keystrokes. `tally` says where the keys went
(by the `where` callable given: the wizard's page), so a run over its budget shows what to cut.
docs/keystrokes.md says why these rules.
"""

from __future__ import annotations

import time
import unicodedata
from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from card_scan import FakeClock, scanner_types

STROKE = {"đ": 1, "Đ": 1}  # "dd": the stroke has no Unicode decomposition


def telex_cost(ch: str) -> int:
    """The Telex keystrokes of one character: the base letter 1, each of circumflex/breve/horn/stroke +1 and the
    tone mark +1 ("ễ" = e+e+x = 3, "ư" = u+w = 2, "đ" = d+d = 2, "ấ" = a+a+s = 3, "a" = 1, " " = 1)."""
    decomposed = unicodedata.normalize("NFD", ch)
    return 1 + sum(1 for c in decomposed[1:] if unicodedata.combining(c)) + STROKE.get(ch, 0)


def text_cost(text: str) -> int:
    return sum(telex_cost(ch) for ch in text)


class Keyboard:
    """Sends keys as an officer types them, to whatever has focus (or the open popup), and counts them."""

    def __init__(self, qtbot, where: Callable[[], str] = lambda: "") -> None:
        self.qtbot = qtbot
        self.where = where
        self.count = 0
        self.bursts = 0
        self.tally: Counter[str] = Counter()
        self.moves: Counter[str] = Counter()  # of `tally`, the Tabs and arrow keys (moving, not typing)

    # --- where keys go ----------------------------------------------------------------------------

    @staticmethod
    def target() -> QWidget:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            return popup.focusWidget() or popup
        modal = QApplication.activeModalWidget()
        focused = QApplication.focusWidget()
        if modal is not None and (focused is None or not modal.isAncestorOf(focused)):
            return modal.focusWidget() or modal
        assert focused is not None, "nothing has focus: the officer's keys would go nowhere"
        return focused

    def _add(self, cost: int) -> None:
        self.count += cost
        self.tally[self.where()] += cost

    # --- keys -------------------------------------------------------------------------------------

    def key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:
        for _ in range(times):
            self._add(1)
            if key in (Qt.Key.Key_Tab, Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.moves[self.where()] += 1
            QTest.keyClick(self.target(), key, modifiers)
            QApplication.processEvents()

    def tab(self, times: int = 1) -> None:
        self.key(Qt.Key.Key_Tab, times=times)

    def enter(self) -> None:
        self.key(Qt.Key.Key_Return)

    def space(self) -> None:
        self.key(Qt.Key.Key_Space)

    def down(self, times: int = 1) -> None:
        self.key(Qt.Key.Key_Down, times=times)

    def ctrl_enter(self) -> None:
        self.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    def type(self, text: str) -> None:
        """Type `text` into the focused box: ASCII as key presses, accented letters as input-method commits, each
        counted at its Telex cost."""
        for ch in text:
            self._add(telex_cost(ch))
            target = self.target()
            if ch.isascii():
                QTest.keyClicks(target, ch)
            else:
                event = QInputMethodEvent()
                event.setCommitString(ch)
                QCoreApplication.sendEvent(target, event)
        QApplication.processEvents()

    def type_enter(self, text: str) -> None:
        """Type, then Enter to the next field (the wizard's text boxes take Enter as Tab)."""
        self.type(text)
        self.enter()

    def pick(self, label: str) -> None:
        """Choose `label` in the focused closed combo box with the fewest arrow keys (Down/Up from where it is)."""
        combo = self.target()
        if not isinstance(combo, QComboBox):  # an editable combo's line edit
            combo = combo.parentWidget()
        assert isinstance(combo, QComboBox), f"not a combo box: {combo!r}"
        found = combo.findText(label, Qt.MatchFlag.MatchExactly)
        assert found >= 0, f"{label!r} not in {[combo.itemText(i) for i in range(combo.count())]}"
        step = found - combo.currentIndex()
        self.key(Qt.Key.Key_Down if step > 0 else Qt.Key.Key_Up, times=abs(step))
        assert combo.currentIndex() == found

    def search(self, query: str, label: str) -> None:
        """Type-ahead in a searchable combo (a long list): type `query` (no diacritics needed), Down to the first
        match, Enter to take it; the letters typed count."""
        combo = self.target()
        if not isinstance(combo, QComboBox):
            combo = combo.parentWidget()
        assert isinstance(combo, QComboBox), f"not a combo box: {combo!r}"
        self.type(query)
        self.qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=2_000)
        self.down()
        self.enter()
        assert combo.currentText() == label, f"{query!r} gave {combo.currentText()!r}, not {label!r}"

    # --- a scanner --------------------------------------------------------------------------------

    def scan(self, payload: str, intake) -> None:
        """A keyboard-mode scanner types a card at machine speed: one burst, no keystrokes."""
        clock = FakeClock()
        intake.burst.clock = clock
        scanner_types(payload, clock)
        intake.burst.clock = time.monotonic  # the officer's own keys from here on
        self.bursts += 1
