"""Operations that find dossiers: search the list, open a detail, load a receipt to (re)print, read a receipt's QR."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ui.operations.op import Op

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from kiosk.dossier.search import DossierDetail, DossierSummary
    from kiosk.printed.receipt import ReceiptData
    from kiosk.storage.context import KioskContext


def search(ctx: KioskContext, query: str, lifecycle: str | None, sync_state: str | None) -> Op[list[DossierSummary]]:
    """The dossier list: by code, name or ID number without diacritics, filtered by one of the three states."""

    def work() -> list[DossierSummary]:
        from kiosk.dossier.search import find_dossiers

        return find_dossiers(ctx, query, lifecycle=lifecycle, sync_state=sync_state)

    return Op(work)


def dossier_detail(ctx: KioskContext, code: str, actor: str) -> Op[DossierDetail | None]:
    """One dossier's detail (the view is audited); None if there is no such dossier."""

    def work() -> DossierDetail | None:
        from kiosk.dossier.search import view_dossier

        return view_dossier(ctx, code, actor)

    return Op(work)


def load_receipt(ctx: KioskContext, code: str, actor: str, *, reprint: bool) -> Op[ReceiptData]:
    """A dossier's receipt as stored, to show and print again (a reprint is marked and audited)."""

    def work() -> ReceiptData:
        from kiosk.printed.load import load_receipt as load

        return load(ctx, code, actor=actor, reprint=reprint)

    return Op(work)


def code_from_image(path: Path) -> Op[str]:
    """The dossier code in a photo or scan of a receipt's QR."""

    def work() -> str:
        from kiosk.dossier.lookup import code_from_image as read

        return read(path)

    return Op(work)


def frame_texts(image: QImage) -> list[str]:
    """Every barcode text zxing-cpp reads in a camera frame (runs on the worker): the one decoder the camera uses,
    for a receipt's QR (`frame_code`) and an ID card's (ui/operations/idcard.py)."""
    from PIL import Image
    from PySide6.QtGui import QImage

    from kiosk.dossier.lookup import decode_pil

    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data = bytes(gray.constBits())
    pil = Image.frombuffer("L", (gray.width(), gray.height()), data, "raw", "L", gray.bytesPerLine(), 1)
    return decode_pil(pil)


def frame_code(image: QImage) -> str | None:
    """The dossier code in a camera frame, if its QR is readable (runs on the worker)."""
    from kiosk.dossier.lookup import code_from_text

    for text in frame_texts(image):
        code = code_from_text(text)
        if code:
            return code
    return None


def code_from_frame(image: QImage) -> Op[Any]:
    """The dossier code in one camera frame (a copy: the camera reuses its buffers), or None."""
    return Op(lambda: frame_code(image))
