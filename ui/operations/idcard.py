"""Reading an ID card's QR from a camera frame or an image file, off the GUI thread (docs/id-card.md).

Both use the decoder the receipt look-up uses (zxing-cpp, `ui.operations.lookup.frame_texts`,
`kiosk.dossier.lookup.decode_image`) and the one parser (`forms.idcard.payload.parse_payload`). The QR's text is
never logged nor kept: only the parsed card leaves these functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ui.operations.op import Op

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from forms.idcard.payload import IdCard

MSG_NO_QR = "Không tìm thấy mã QR trong ảnh. Hãy chụp rõ, đủ sáng và thẳng góc mã QR trên thẻ căn cước."


def card_in_texts(texts: list[str]) -> Any:
    """The first text that is a card, as an `IdCard`; else the `NotACard` of the first text (None for no text)."""
    from forms.idcard.payload import IdCard, parse_payload

    first = None
    for text in texts:
        result = parse_payload(text)
        if isinstance(result, IdCard):
            return result
        first = first or result
    return first


def frame_card(image: QImage) -> IdCard | None:
    """The card in one camera frame, if a card's QR is readable in it (runs on the worker)."""
    from forms.idcard.payload import IdCard
    from ui.operations.lookup import frame_texts

    result = card_in_texts(frame_texts(image))
    return result if isinstance(result, IdCard) else None


def card_from_frame(image: QImage) -> Op[Any]:
    """The card in one camera frame (a copy: the camera reuses its buffers), or None."""
    return Op(lambda: frame_card(image))


def card_from_image(path: Path) -> Op[Any]:
    """The card in an image file (a photo or a scan of the card's back); a Vietnamese error when there is none."""

    def work() -> Any:
        from forms.idcard.payload import IdCard
        from kiosk.dossier.lookup import decode_image
        from kiosk.errors import InputError

        try:
            texts = decode_image(path)
        except InputError as exc:
            raise InputError(f"Không đọc được ảnh {path.name}: hãy chọn tệp ảnh PNG hoặc JPG chụp mã QR trên thẻ căn cước.") from exc
        result = card_in_texts(texts)
        if isinstance(result, IdCard):
            return result
        raise InputError(result.message if result is not None else MSG_NO_QR)

    return Op(work)
