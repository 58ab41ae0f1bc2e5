"""A scanner in keyboard mode, told apart from an officer by timing and shape: an event filter on the application.

A USB scanner left in its factory keyboard mode "types" the QR's text at machine speed and ends with Enter. An
officer never types twelve digits and a `|` with every key under ~35 ms apart, so that is the test: keys arriving
faster than `GAP_S` form a burst, and a burst whose text starts with 12 digits then `|` is a card. Until it is
sure, the keys reach the focused field as usual (they may be the officer's); once sure, the field is put back to
the value it had when the burst began, the rest of the burst and its closing Enter are swallowed, and the text is
handed on (`text_read`). The text is kept only in this object's memory until then, never logged.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

log = logging.getLogger(__name__)

GAP_S = 0.035  # the longest pause between two keys of one burst; a fast typist needs ~80 ms or more
SILENCE_MS = 250  # a scanner set to send no Enter: the burst ends after this much quiet
MAX_BURST = 2000  # a card's payload is ~150 characters; past this it is not a card (forms.idcard.payload)
_CARD_START = re.compile(r"[0-9]{12}\|", re.ASCII)
_CARD_PREFIX = re.compile(r"[0-9]{1,12}\|?", re.ASCII)  # what a card's burst has typed before it is sure
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _snapshot(widget: QWidget | None) -> tuple[QWidget, str, int] | None:
    """What the focused text box holds (text, cursor) so a burst can be undone; None for other widgets."""
    if isinstance(widget, QLineEdit):
        return widget, widget.text(), widget.cursorPosition()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return widget, widget.toPlainText(), widget.textCursor().position()
    return None


def _restore(snapshot: tuple[QWidget, str, int] | None, insert: str = "") -> None:
    """Put the text box back as it was when the burst began, optionally with `insert` typed at the cursor."""
    if snapshot is None:
        return
    widget, text, cursor = snapshot
    new_text = text[:cursor] + insert + text[cursor:]
    if isinstance(widget, QLineEdit):
        if widget.text() != new_text:
            widget.setText(new_text)
        widget.setCursorPosition(cursor + len(insert))
    elif isinstance(widget, (QPlainTextEdit, QTextEdit)) and widget.toPlainText() != new_text:
        widget.setPlainText(new_text)


class KeyBurstDetector(QObject):
    """Install with `set_active(True)` while a screen that takes cards is shown; `text_read` gives each card-shaped
    burst's text (the receiver parses it and says `put_back` when it was no card after all)."""

    text_read = Signal(str)

    def __init__(self, parent: QObject | None = None, *, clock: Callable[[], float] = time.monotonic,
                 scope: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scope = scope  # only keys for this widget's window count (a dialog over it types its own keys)
        self.clock = clock  # injectable: tests drive a burst's timing with their own clock
        self._active = False
        self._last = float("-inf")
        self._buffer: list[str] = []
        self._snapshot: tuple[QWidget, str, int] | None = None
        self._last_snapshot: tuple[QWidget, str, int] | None = None  # the finished burst's, for `put_back`
        self._sure = False
        self._silence = QTimer(self)
        self._silence.setSingleShot(True)
        self._silence.setInterval(SILENCE_MS)
        self._silence.timeout.connect(self._quiet)

    # --- state ------------------------------------------------------------------------------------

    @property
    def in_burst(self) -> bool:
        """Keys are arriving at machine speed right now: a draft saved now could hold part of a card's text."""
        if self._sure:
            return True
        typed = "".join(self._buffer)
        return len(typed) >= 4 and _CARD_PREFIX.fullmatch(typed) is not None and self.clock() - self._last <= GAP_S * 3

    def set_active(self, active: bool) -> None:
        app = QApplication.instance()
        if active == self._active or app is None:
            return
        self._active = active
        if active:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
            self._reset()

    def put_back(self, text: str) -> None:
        """The burst was no card after all: type its text where it would have gone (the officer's keys stay theirs)."""
        snapshot, self._last_snapshot = self._last_snapshot, None
        if snapshot is not None and shiboken6.isValid(snapshot[0]):
            _restore(snapshot, text)

    def _reset(self) -> None:
        self._buffer = []
        self._snapshot = None
        self._sure = False
        self._silence.stop()

    # --- the filter -------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride):
            return False
        if not isinstance(event, QKeyEvent) or not self._is_target(watched) or not self._in_scope(watched):
            return False
        if kind != QEvent.Type.KeyPress:
            return self._sure  # a swallowed key's release and shortcut check go too
        return self._key(event)

    @staticmethod
    def _is_target(watched: QObject) -> bool:
        """A key travels from the focus widget up its parents; count it once, at the widget it was sent to."""
        focus = QApplication.focusWidget()
        return watched is focus if focus is not None else isinstance(watched, QWidget) and watched.isWindow()

    def _in_scope(self, watched: QObject) -> bool:
        if self.scope is None:
            return True
        return isinstance(watched, QWidget) and watched.window() is self.scope.window()

    def _key(self, event: QKeyEvent) -> bool:
        now = self.clock()
        gap = now - self._last
        self._last = now
        if gap < 0:  # the clock was replaced (a test) or jumped: a new burst, never the old one's tail
            gap = float("inf")
        if event.key() in _ENTER and not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            if self._sure:
                self._finish()
                return True
            self._reset()
            return False
        text = event.text()
        if not text or (event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)):
            if self._sure:
                return True
            self._reset()
            return False
        if gap > GAP_S and not self._sure:  # a new burst may begin here: remember the field as it is
            self._reset()
            self._snapshot = _snapshot(QApplication.focusWidget())
        elif gap > GAP_S and self._sure:  # the scanner paused: what came so far is the burst
            self._finish()
            self._snapshot = _snapshot(QApplication.focusWidget())
        self._buffer.append(text)
        if len(self._buffer) > MAX_BURST:
            self._reset()
            return False
        if self._sure:
            self._silence.start()
            return True
        if len(self._buffer) >= 13 and _CARD_START.match("".join(self._buffer[:13])):
            self._sure = True
            _restore(self._snapshot)  # the 12 digits and the bar that reached the field are taken back
            self._silence.start()
            return True
        return False

    def _quiet(self) -> None:
        if self._sure:
            self._finish()

    def _finish(self) -> None:
        text = "".join(self._buffer)
        self._last_snapshot = self._snapshot
        self._reset()
        log.info("a keyboard-mode scanner burst of %d characters was taken as an ID card scan", len(text))
        self.text_read.emit(text)
