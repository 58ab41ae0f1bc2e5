"""A scanner in USB-serial (CDC/COM) mode, played by a pseudo-terminal pair: the line it sends is read with
QtSerialPort from the slave's path and reaches the wizard's chooser as the card, diacritics whole."""

from __future__ import annotations

import os

import pytest

from card_scan import MOTHER, PAYLOAD
from conftest import log_in
from ui.pages.idcard.serial_reader import SerialCardReader
from ui.window.main_window import MainWindow


@pytest.fixture
def pty_pair():
    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def test_lines_from_the_serial_port_are_read_whole(qtbot, pty_pair) -> None:
    master, path = pty_pair
    reader = SerialCardReader()
    reader.set_port(path)
    assert reader.is_open
    lines: list[str] = []
    reader.text_read.connect(lines.append)
    os.write(master, PAYLOAD[:40].encode("utf-8"))  # a line can arrive in pieces
    qtbot.wait(50)
    os.write(master, (PAYLOAD[40:] + "\r\n").encode("utf-8"))
    qtbot.waitUntil(lambda: len(lines) == 1, timeout=5_000)
    assert lines == [PAYLOAD]
    reader.close()


def test_a_missing_port_is_said_once_in_vietnamese(qtbot, tmp_path) -> None:
    reader = SerialCardReader()
    with qtbot.waitSignal(reader.failed, timeout=2_000) as said:
        reader.set_port(str(tmp_path / "ttyACM9"))
    assert said.args[0].startswith("Không mở được cổng máy quét") and not reader.is_open
    reader.close()


def test_a_serial_scan_reaches_the_wizard(qtbot, window: MainWindow, pty_pair) -> None:
    master, path = pty_pair
    log_in(qtbot, window)
    window.home_page.procedure_chosen.emit("1.001193")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.wizard_page, timeout=5_000)
    intake = window.card_intake
    intake.set_port(path)
    os.write(master, (PAYLOAD + "\r\n").encode("utf-8"))
    qtbot.waitUntil(lambda: intake.chooser is not None and intake.chooser.isVisible(), timeout=5_000)
    assert intake.chooser.banner.text() == f"Đã đọc thẻ căn cước của Nguyễn Thị Mai (số {MOTHER.number})."
    assert not intake.chooser.warning.isVisible()  # the name came with its diacritics: nothing to retype
    intake.chooser.reject()
    intake.serial.close()
