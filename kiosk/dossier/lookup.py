"""Find a dossier from its receipt's QR code (an image file or a camera frame) or from a typed code."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from forms.codes import find_code
from kiosk.errors import InputError


def code_from_text(text: str) -> str | None:
    """The dossier code in a typed code or in a tracking URL `<portal>/tra-cuu/<code>?t=…`."""
    text = (text or "").strip()
    if "/tra-cuu/" in text:
        path = unquote(urlsplit(text).path)
        text = path.rsplit("/tra-cuu/", 1)[-1]
    return find_code(text)


def decode_pil(image: "object") -> list[str]:
    """Every barcode text zxing-cpp reads in a PIL image (a file, or a camera frame converted by the UI)."""
    import zxingcpp

    return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]  # type: ignore[attr-defined]


def decode_image(path: Path) -> list[str]:
    """Every barcode text zxing-cpp reads in the image (a photo or a scan of the receipt)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
            return decode_pil(image)
    except (OSError, UnidentifiedImageError) as exc:
        raise InputError(f"Không đọc được ảnh {path.name}: hãy chọn tệp ảnh PNG hoặc JPG chụp mã QR trên giấy hẹn.") from exc


def code_from_image(path: Path) -> str:
    """The dossier code in the receipt QR of an image file; a clear error when there is none."""
    texts = decode_image(path)
    for text in texts:
        code = code_from_text(text)
        if code:
            return code
    if texts:
        raise InputError("Mã QR trong ảnh không phải mã tra cứu hồ sơ của giấy hẹn.")
    raise InputError("Không tìm thấy mã QR trong ảnh. Hãy chụp rõ, đủ sáng và thẳng góc mã QR trên giấy hẹn.")
