"""Look-up by the receipt's QR: from a tracking URL, from a typed code, from an image file (zxing-cpp)."""

from __future__ import annotations

from datetime import date
from pathlib import Path


from kiosk.dossier.lookup import code_from_image

def _receipt_photo(ctx, officer, tmp_path: Path) -> tuple[str, Path]:
    import pypdfium2

    from kiosk.dossier.submit import submit
    from kiosk.printed.load import load_receipt
    from forms.samples import sample_values
    from ui.printing.receipt_render import render_pdf

    procedure = ctx.catalogue.get("1.001193")
    result = submit(ctx, procedure=procedure, values=sample_values(procedure, seed=5, today=date.today()), officer=officer)
    tmp_path.mkdir(exist_ok=True)
    pdf = render_pdf(load_receipt(ctx, result.code, actor="test", reprint=False), tmp_path / "r.pdf")
    photo = tmp_path / "photo.png"
    pypdfium2.PdfDocument(str(pdf))[0].render(scale=150 / 72).to_pil().save(photo)
    return result.code, photo


def test_receipt_image_gives_its_code(qapp, ctx, officer, tmp_path: Path) -> None:
    code, photo = _receipt_photo(ctx, officer, tmp_path)
    assert code_from_image(photo) == code


def test_list_page_finds_the_dossier_from_a_qr_image(qtbot, ctx, officer, tmp_path: Path, site_dir: Path) -> None:
    from ui.window.app import make_application
    from ui.window.main_window import MainWindow

    make_application([])
    code, photo = _receipt_photo(ctx, officer, tmp_path)
    _other, _photo = _receipt_photo(ctx, officer, tmp_path / "other")
    window = MainWindow(site_dir)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.ctx is not None, timeout=20_000)
    window._open_list()
    qtbot.waitUntil(lambda: window.list_page.model.rowCount() == 2, timeout=20_000)
    window.list_page.qr_image_chosen.emit(photo)
    qtbot.waitUntil(lambda: window.list_page.search.text() == code, timeout=20_000)
    qtbot.waitUntil(lambda: [r.code for r in window.list_page.model.rows] == [code], timeout=20_000)
    window.tasks.shutdown()


def test_a_camera_frame_of_the_receipt_gives_its_code(qapp, ctx, officer, tmp_path: Path) -> None:
    """The webcam path decodes QImage frames; here the frame is the receipt photo loaded as a QImage."""
    from PySide6.QtGui import QImage

    from ui.operations.lookup import frame_code

    code, photo = _receipt_photo(ctx, officer, tmp_path)
    frame = QImage(str(photo)).convertToFormat(QImage.Format.Format_RGB32)
    assert frame_code(frame) == code
    assert frame_code(QImage(640, 480, QImage.Format.Format_RGB32)) is None


def test_camera_dialog_without_a_camera_says_what_to_do(qtbot) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    from ui.tasks import TaskManager
    from ui.pages.camera_scan import CameraScanDialog

    tasks = TaskManager()
    dialog = CameraScanDialog(tasks)
    qtbot.addWidget(dialog)
    if QMediaDevices.videoInputs():
        assert dialog.camera is not None  # a machine with a webcam: the camera starts
    else:
        assert "Không tìm thấy máy ảnh" in dialog.message.text()
    dialog.reject()
    tasks.shutdown()


def test_camera_dialog_reads_the_code_from_frames_reaching_its_video_sink(qtbot, ctx, officer, tmp_path: Path) -> None:
    """The webcam path without a webcam: receipt frames go through the dialog's QVideoSink as a camera's would."""
    from PySide6.QtGui import QImage
    from PySide6.QtMultimedia import QVideoFrame

    from ui.tasks import TaskManager
    from ui.pages.camera_scan import DECODE_EVERY_N_FRAMES, CameraScanDialog

    code, photo = _receipt_photo(ctx, officer, tmp_path)
    image = QImage(str(photo)).convertToFormat(QImage.Format.Format_RGB32).scaledToWidth(1280)
    tasks = TaskManager()
    dialog = CameraScanDialog(tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    found: list[str] = []
    dialog.code_found.connect(found.append)
    blank = QImage(image.size(), QImage.Format.Format_RGB32)
    blank.fill(0xFFFFFFFF)
    for _ in range(DECODE_EVERY_N_FRAMES * 2):  # an empty desk first: nothing is found, the dialog stays open
        dialog.sink.setVideoFrame(QVideoFrame(blank))
    qtbot.wait(300)
    qtbot.waitUntil(lambda: not dialog._decoding, timeout=20_000)
    assert found == [] and dialog.isVisible()
    for _ in range(DECODE_EVERY_N_FRAMES * 4):
        if found:
            break
        dialog.sink.setVideoFrame(QVideoFrame(image))
        qtbot.wait(50)
    qtbot.waitUntil(lambda: found == [code], timeout=20_000)
    assert not dialog.isVisible()
    tasks.shutdown()
