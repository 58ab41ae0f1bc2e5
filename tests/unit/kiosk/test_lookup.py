"""Reading a dossier code from typed text, a tracking URL and image files without a QR. Moved from
tests/test_qrlookup.py, whose window and camera tests stay in tests/scenarios/."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from kiosk.errors import InputError
from kiosk.dossier.lookup import code_from_image, code_from_text

CODE = "000.00.07.H26-261123-1004"


@pytest.mark.parametrize(
    "text",
    [CODE, f"  {CODE.lower()} ", f"https://dichvucong.example.vn/tra-cuu/{CODE}?t=1abc", f"http://127.0.0.1:8000/tra-cuu/{CODE.replace('.', '%2E')}?t=1x"],
)
def test_code_from_text(text: str) -> None:
    assert code_from_text(text) == CODE


def test_text_without_a_code() -> None:
    assert code_from_text("https://example.com/") is None


def test_image_without_a_qr_is_a_clear_error(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)
    with pytest.raises(InputError, match="Không tìm thấy mã QR"):
        code_from_image(blank)
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image")
    with pytest.raises(InputError, match="Không đọc được ảnh"):
        code_from_image(junk)
