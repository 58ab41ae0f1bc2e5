"""The citizen's rating screen (Circular 03/2025): keys 1–4 or the big buttons, a reason when not satisfied, Esc skips.

It shows no personal data (not the name, not the code) and hands nothing back to the officer's side: the score
goes straight to `kiosk.dossier.ratings.rate` on the worker and `finished` carries no value, so no officer
screen can show or change a rating.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from forms.counter import RATING_SCORES, UNSATISFIED, rating_reasons
from ui.operations.counter import rate

if TYPE_CHECKING:
    from ui.session import Session

THANKS_MS = 1500  # how long "Cảm ơn" stays before the screen goes back to the officer


class RatingPage(QWidget):
    """Full-window (or second-screen) rating. `start(subject)` with a dossier code or a hand-back's uuid."""

    finished = Signal()  # rated or skipped; deliberately no value

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._subject: str | None = None
        self._score: int | None = None
        self.setObjectName("ratingPage")
        heading = QLabel("Ông/Bà vui lòng đánh giá mức độ hài lòng\nvới việc giải quyết thủ tục hôm nay")
        heading.setObjectName("pageTitle")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel("Bấm phím số 1, 2, 3 hoặc 4 (hoặc chạm vào nút). Bấm Esc để bỏ qua.")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setObjectName("ratingHint")

        self.score_buttons: dict[int, QPushButton] = {}
        scores = QHBoxLayout()
        for score, label in RATING_SCORES.items():
            button = QPushButton(f"{score}\n{label}")
            button.setObjectName("ratingScore")
            button.setMinimumHeight(140)
            button.clicked.connect(lambda _checked=False, s=score: self.choose(s))
            self.score_buttons[score] = button
            scores.addWidget(button)
        score_page = QWidget()
        QVBoxLayout(score_page).addLayout(scores)

        reason_title = QLabel("Xin cho biết lý do (bấm phím số hoặc chạm vào lý do); Esc: không nêu lý do")
        reason_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        reason_title.setObjectName("ratingReasonTitle")
        self.reason_buttons: list[tuple[str, QPushButton]] = []
        grid = QGridLayout()
        for i, reason in enumerate(rating_reasons()):
            button = QPushButton(f"{i + 1}. {reason.label}")
            button.setObjectName("ratingReason")
            button.clicked.connect(lambda _checked=False, r=reason.id: self._send(r))
            self.reason_buttons.append((reason.id, button))
            grid.addWidget(button, i // 2, i % 2)
        reason_page = QWidget()
        reason_layout = QVBoxLayout(reason_page)
        reason_layout.addWidget(reason_title)
        reason_layout.addLayout(grid)

        self.thanks = QLabel("Cảm ơn Ông/Bà đã đánh giá!")
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thanks.setObjectName("ratingThanks")

        self.steps = QStackedWidget()
        for page in (score_page, reason_page, self.thanks):
            self.steps.addWidget(page)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(heading)
        layout.addWidget(self.hint)
        layout.addSpacing(24)
        layout.addWidget(self.steps)
        layout.addStretch(2)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(THANKS_MS)
        self._timer.timeout.connect(self._finish)

    @property
    def step(self) -> str:
        return ("score", "reason", "thanks")[self.steps.currentIndex()]

    def start(self, subject: str) -> None:
        """Ask for a rating of this dossier or hand-back; the screen starts blank every time."""
        self._subject, self._score = subject, None
        self._show_step(0)
        self.setFocus()

    def _show_step(self, index: int) -> None:
        self.steps.setCurrentIndex(index)
        self.hint.setVisible(index == 0)  # the reasons and the thanks say what to press themselves

    def choose(self, score: int) -> None:
        if self.step != "score" or score not in RATING_SCORES:
            return
        self._score = score
        if score in UNSATISFIED:
            self._show_step(1)
        else:
            self._send(None)

    def _send(self, reason_id: str | None) -> None:
        subject, score = self._subject, self._score
        if subject is None or score is None:
            return
        # A failure (already rated on this occasion) is not the citizen's to read: logged by the task helper only.
        self._session.run(rate(self._session.context, subject, score, reason_id).failure(lambda _message: None))
        self._subject = self._score = None
        self._show_step(2)
        self._timer.start()

    def skip(self) -> None:
        self._timer.stop()
        if self.step == "reason":
            self._send(None)  # rated, no reason given
            return
        self._finish()

    def _finish(self) -> None:
        self._timer.stop()
        self._subject = self._score = None
        self._show_step(0)  # nothing of this rating stays on screen
        self.finished.emit()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.skip()
            return
        chord = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier)
        if chord:  # Ctrl+1 is the officer's work-list key: never a citizen's score
            event.accept()
            return
        digit = key - Qt.Key.Key_0
        if self.step == "score" and 1 <= digit <= 4:
            self.choose(digit)
            return
        if self.step == "reason" and 1 <= digit <= len(self.reason_buttons):
            self._send(self.reason_buttons[digit - 1][0])
            return
        super().keyPressEvent(event)
