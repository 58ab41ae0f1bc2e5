"""The webcam and image-file ways in: a rendered QR of a card, fed through the decoder the camera dialog runs on
each frame, yields the card; the same picture as a file ("Đọc thẻ từ ảnh…") reaches the wizard's chooser."""

from __future__ import annotations

from pathlib import Path

import qrcode
from PIL import Image
from PySide6.QtGui import QImage

from card_scan import MOTHER, PAYLOAD
from conftest import log_in
from ui.operations.idcard import frame_card
from ui.window.main_window import MainWindow


def _qr_picture(path: Path) -> Path:
    qr = qrcode.QRCode(border=4, box_size=6)
    qr.add_data(PAYLOAD.encode("utf-8"))
    canvas = Image.new("RGB", (900, 700), "#d9d4c7")  # the card's back under the counter's light, QR off-centre
    canvas.paste(qr.make_image().convert("RGB"), (420, 120))
    canvas.save(path)
    return path


def test_a_camera_frame_with_the_card_qr_yields_the_card(tmp_path: Path) -> None:
    frame = QImage(str(_qr_picture(tmp_path / "frame.png")))
    assert not frame.isNull()
    assert frame_card(frame.convertToFormat(QImage.Format.Format_RGB32)) == MOTHER


def test_a_frame_without_a_card_gives_nothing(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (320, 240), "white").save(blank)
    assert frame_card(QImage(str(blank))) is None


def test_an_image_file_of_the_card_reaches_the_chooser(qtbot, window: MainWindow, tmp_path: Path) -> None:
    log_in(qtbot, window)
    window.home_page.procedure_chosen.emit("1.001193")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.wizard_page, timeout=5_000)
    intake = window.card_intake
    intake.read_image_file(_qr_picture(tmp_path / "the-card.png"))
    qtbot.waitUntil(lambda: intake.chooser is not None and intake.chooser.isVisible(), timeout=10_000)
    assert "Nguyễn Thị Mai" in intake.chooser.banner.text()
    intake.chooser.reject()


def test_an_image_without_a_card_says_so(qtbot, window: MainWindow, tmp_path: Path) -> None:
    log_in(qtbot, window)
    window.home_page.procedure_chosen.emit("1.001193")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.wizard_page, timeout=5_000)
    blank = tmp_path / "blank.png"
    Image.new("RGB", (320, 240), "white").save(blank)
    with qtbot.waitSignal(window.card_intake.notice, timeout=10_000) as said:
        window.card_intake.read_image_file(blank)
    assert said.args[0].startswith("Không tìm thấy mã QR trong ảnh")


def test_without_a_camera_the_card_dialog_offers_the_image_file_not_a_dossier_code(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window)
    window.home_page.procedure_chosen.emit("1.001193")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.wizard_page, timeout=5_000)
    window.card_intake.read_with_camera()
    dialog = window.card_intake.camera_dialog
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=10_000)  # this machine has no webcam
    text = dialog.message.text()
    assert "Không tìm thấy máy ảnh" in text and "Shift+F7" in text and "mã hồ sơ" not in text
    dialog.reject()
