"""A scanner in USB-serial (CDC/COM) mode: each line it sends is a QR's text, read with QtSerialPort.

The reliable way in: a serial scanner sends the QR's UTF-8 bytes as they are, so "Nguyễn" arrives whole, where a
keyboard-mode scanner cannot type "ễ" and an input method (Unikey, IBus Telex) rewrites what it types. The port is
the site setting `scanner_port` ("" = none; "COM3" on Windows, "/dev/ttyACM0" on Linux); docs/admin.md says how to
switch a scanner to this mode. A scanner unplugged and plugged back is reopened by a retry timer. Bytes are kept
only until their line ends, and never logged.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)

RETRY_MS = 5000  # how often a port that could not be opened (scanner unplugged) is tried again
MAX_LINE = 4096  # bytes; a card's payload is ~200 bytes, so a longer run without an end of line is noise


class SerialCardReader(QObject):
    """Reads lines ending in CR or LF from one serial port; `text_read` gives each non-empty line as text."""

    text_read = Signal(str)
    failed = Signal(str)  # a Vietnamese message: the port could not be opened (said once per outage)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.port_name = ""
        self._port = None
        self._buffer = bytearray()
        self._reported = False
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self._open)

    @property
    def is_open(self) -> bool:
        return self._port is not None and self._port.isOpen()

    def set_port(self, name: str) -> None:
        """Read from `name` from now on ("" stops reading)."""
        name = (name or "").strip()
        if name == self.port_name and (self.is_open or not name):
            return
        self.close()
        self.port_name = name
        self._reported = False
        if name:
            self._open()

    def close(self) -> None:
        self._retry.stop()
        if self._port is not None:
            self._port.close()
            self._port.deleteLater()
            self._port = None
        self._buffer.clear()

    def _open(self) -> None:
        from PySide6.QtSerialPort import QSerialPort

        if self.is_open or not self.port_name:
            self._retry.stop()
            return
        port = QSerialPort(self)
        port.setPortName(self.port_name)
        # A CDC scanner ignores the line settings; a real RS-232 one is 9600 8N1 out of the box.
        port.setBaudRate(9600)
        if not port.open(QSerialPort.OpenModeFlag.ReadOnly):
            message = f"Không mở được cổng máy quét {self.port_name}: {port.errorString()}. Sẽ thử lại sau ít giây."
            port.deleteLater()
            if not self._reported:
                self._reported = True
                log.warning("the scanner port could not be opened (%s); retrying", port.error().name)
                self.failed.emit(message)
            self._retry.start()
            return
        self._retry.stop()
        self._reported = False
        self._port = port
        port.readyRead.connect(self._ready)
        port.errorOccurred.connect(self._error)
        log.info("reading ID card QR codes from the serial scanner port")

    def _error(self, error) -> None:  # QSerialPort.SerialPortError
        from PySide6.QtSerialPort import QSerialPort

        if error in (QSerialPort.SerialPortError.NoError, QSerialPort.SerialPortError.TimeoutError):
            return
        if error == QSerialPort.SerialPortError.ResourceError:  # unplugged: close, and reopen when it is back
            log.warning("the scanner port went away; retrying")
            name = self.port_name
            self.close()
            self.port_name = name
            self._retry.start()

    def _ready(self) -> None:
        if self._port is None:
            return
        self.feed(bytes(self._port.readAll().data()))

    def feed(self, data: bytes) -> None:
        """Split what arrived into lines; a line is handed on whole, so a payload is never cut in two."""
        self._buffer += data
        while True:
            ends = [i for i in (self._buffer.find(b"\r"), self._buffer.find(b"\n")) if i >= 0]
            if not ends:
                break
            end = min(ends)
            line, self._buffer = bytes(self._buffer[:end]), self._buffer[end + 1:]
            if line.strip():
                self.text_read.emit(line.decode("utf-8", errors="replace"))
        if len(self._buffer) > MAX_LINE:
            self._buffer.clear()
