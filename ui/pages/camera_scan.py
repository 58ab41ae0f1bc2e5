"""Read a QR with the webcam (QtMultimedia): a receipt's by default, an ID card's with `card_from_frame`; frames are
decoded with zxing-cpp off the GUI thread by the `decoder` given (an Op-returning function of one frame)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.operations.lookup import code_from_frame
from ui.pages.widgets import banner, show_banner, title
from ui.tasks import TaskManager

log = logging.getLogger(__name__)

DECODE_EVERY_N_FRAMES = 5


RECEIPT_HEADING = "Đưa mã QR trên giấy hẹn vào trước máy ảnh"


class CameraScanDialog(QDialog):
    """Shows the camera picture; closes with what `decoder` found (a receipt's code by default) as soon as it finds it."""

    code_found = Signal(object)  # the decoder's result: a dossier code (str), an IdCard

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None, *,
                 decoder: Callable[[Any], Any] = code_from_frame, heading: str = RECEIPT_HEADING,
                 window_title: str = "Quét mã QR trên giấy hẹn",
                 otherwise: str = "hoặc chọn ảnh chụp mã QR, hoặc gõ mã hồ sơ") -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title)
        self._tasks = tasks
        self._decoder = decoder
        self._otherwise = otherwise  # what the officer can do without a camera, for the message
        self._frames = 0
        self._decoding = False
        self.preview = QLabel("Đang mở máy ảnh…")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(640, 480)
        self.message = banner("banner")
        close = QPushButton("Đóng")
        layout = QVBoxLayout(self)
        layout.addWidget(title(heading))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.message)
        layout.addWidget(close)
        close.clicked.connect(self.reject)
        self.camera = None
        self._start_camera()

    def _start_camera(self) -> None:
        try:
            from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QMediaDevices, QVideoSink
        except ImportError:  # PySide6-Addons missing: say so instead of failing
            self._no_camera("Bản cài đặt này không có thành phần máy ảnh (QtMultimedia). Hãy chọn ảnh chụp mã QR.")
            return
        # The sink is what every frame passes through, camera or not (a test feeds it frames of a receipt photo).
        self.sink = QVideoSink(self)
        self.sink.videoFrameChanged.connect(self._frame)
        devices = QMediaDevices.videoInputs()
        if not devices:
            self._no_camera(f"Không tìm thấy máy ảnh (webcam). Hãy cắm máy ảnh, {self._otherwise}.")
            return
        self.session = QMediaCaptureSession(self)
        self.camera = QCamera(devices[0], self)
        self.session.setCamera(self.camera)
        self.session.setVideoSink(self.sink)
        self.camera.errorOccurred.connect(lambda _error, text: self._no_camera(f"Máy ảnh báo lỗi: {text}"))
        self.camera.start()

    def _no_camera(self, message: str) -> None:
        self.preview.setText("")
        show_banner(self.message, message)

    def _frame(self, frame) -> None:  # QVideoFrame
        image = frame.toImage()
        if image.isNull():
            return
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio))
        self._frames += 1
        if self._decoding or self._frames % DECODE_EVERY_N_FRAMES:
            return
        self._decoding = True
        copy = image.copy()
        self._decoder(copy).success(self._decoded).failure(lambda _message: setattr(self, "_decoding", False)).run_in_background(self._tasks)

    def _decoded(self, code: Any) -> None:
        self._decoding = False
        if code and self.isVisible():
            self.code_found.emit(code)
            self.accept()

    def done(self, result: int) -> None:  # noqa: D401 - Qt override: stop the camera whichever way the dialog closes
        if self.camera is not None:
            self.camera.stop()
        super().done(result)
