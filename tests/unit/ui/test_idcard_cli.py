"""kiosk-admin id-card: the payload from standard input or a QR image, the fields printed, exit 2 on anything else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import qrcode

from cli_helpers import run

OLD_ADDRESS = "Thôn Đông, xã Vũ Hòa, huyện Kiến Xương, tỉnh Thái Bình"
CARD = f"034190001234|151234567|Nguyễn Thị Ánh Tuyết|05031990|Nữ|{OLD_ADDRESS}|20042021"
JSON_KEYS = {"address_2025", "address_2025_text", "ok", "number", "old_number", "full_name", "birth_date", "sex", "sex_label", "residence", "issue_date", "name_lacks_diacritics"}


def id_card(capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str, stdin: str = "") -> tuple[int, str, str]:
    return run(capsys, "--data-dir", str(tmp_path / "data"), "id-card", *args, stdin=stdin)


def qr_png(tmp_path: Path, text: str) -> Path:
    target = tmp_path / "the.png"
    qrcode.make(text).save(target)
    return target


def test_stdin_payload_prints_the_labelled_fields(capsys, tmp_path) -> None:
    code, out, err = id_card(capsys, tmp_path, "--text", "-", stdin=CARD + "\r\n")
    assert code == 0, err
    assert "Số định danh cá nhân: 034190001234" in out
    assert "Họ, chữ đệm và tên: Nguyễn Thị Ánh Tuyết" in out
    assert "Ngày sinh: 05/03/1990" in out and "Giới tính: Nữ" in out
    assert f"Nơi thường trú: {OLD_ADDRESS}" in out and "Ngày cấp: 20/04/2021" in out
    assert "Cảnh báo" not in out


def test_json_shape_of_a_card(capsys, tmp_path) -> None:
    code, out, _ = id_card(capsys, tmp_path, "--text", "-", "--json", stdin=CARD)
    assert code == 0
    body = json.loads(out)
    assert set(body) == JSON_KEYS
    assert body["ok"] is True and body["birth_date"] == "1990-03-05" and body["sex"] == "nu" and body["issue_date"] == "2021-04-20"


def test_the_old_address_is_mapped_to_the_2025_units(capsys, tmp_path) -> None:
    card = CARD.replace(OLD_ADDRESS, "Thôn 3, Xã Ea Tu, Thành phố Buôn Ma Thuột, Đắk Lắk")
    code, out, _ = id_card(capsys, tmp_path, "--text", "-", stdin=card)
    assert code == 0 and "Địa chỉ theo đơn vị hành chính 2025: Thôn 3, Phường Tân An, Đắk Lắk" in out
    code, out, _ = id_card(capsys, tmp_path, "--text", "-", "--json", stdin=card)
    mapped = json.loads(out)["address_2025"]
    assert mapped["line"] == "Thôn 3" and [c["commune"] for c in mapped["candidates"]] == ["Phường Tân An"] and mapped["reason"] is None
    code, out, _ = id_card(capsys, tmp_path, "--text", "-", "--json", stdin=CARD)  # a commune merged before 2025: a reason
    assert json.loads(out)["address_2025"]["candidates"] == [] and "chọn xã, phường mới" in json.loads(out)["address_2025"]["reason"]


def test_name_without_diacritics_is_flagged(capsys, tmp_path) -> None:
    code, out, _ = id_card(capsys, tmp_path, "--text", "-", stdin=CARD.replace("Nguyễn Thị Ánh Tuyết", "Nguyen Thi Anh Tuyet"))
    assert code == 0 and "Cảnh báo: Họ tên không có dấu" in out


def test_image_path_decodes_the_qr(capsys, tmp_path) -> None:
    code, out, err = id_card(capsys, tmp_path, "--image", str(qr_png(tmp_path, CARD)), "--json")
    assert code == 0, err
    assert json.loads(out)["full_name"] == "Nguyễn Thị Ánh Tuyết"


@pytest.mark.parametrize("text", ["hello", "https://dichvucong.gov.vn/tra-cuu/000.00.07.H26-260601-1001?t=abc", ""])
def test_not_a_card_exits_2_with_the_reason(capsys, tmp_path, text: str) -> None:
    code, out, err = id_card(capsys, tmp_path, "--text", "-", stdin=text)
    assert code == 2 and out == "" and "Lỗi: " in err and "thẻ căn cước" in err
    code, out, _ = id_card(capsys, tmp_path, "--text", "-", "--json", stdin=text)
    assert code == 2
    body = json.loads(out)
    assert body["ok"] is False and body["error"] and body["problems"] == {}


def test_card_with_a_contradicting_birth_date_exits_2_naming_the_field(capsys, tmp_path) -> None:
    text = CARD.replace("05031990", "05032000")
    code, _, err = id_card(capsys, tmp_path, "--text", "-", stdin=text)
    assert code == 2 and "Số định danh cá nhân: Số định danh không khớp với năm sinh 2000" in err
    code, out, _ = id_card(capsys, tmp_path, "--text", "-", "--json", stdin=text)
    assert code == 2 and set(json.loads(out)["problems"]) == {"number"}


def test_image_whose_qr_is_not_a_card_or_that_is_no_image(capsys, tmp_path) -> None:
    code, _, err = id_card(capsys, tmp_path, "--image", str(qr_png(tmp_path, "https://example.org/")))
    assert code == 2 and "không phải mã QR trên thẻ căn cước" in err
    blank = tmp_path / "blank.png"
    from PIL import Image

    Image.new("RGB", (200, 200), "white").save(blank)
    code, _, err = id_card(capsys, tmp_path, "--image", str(blank))
    assert code == 2 and "Không tìm thấy mã QR" in err
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    code, _, err = id_card(capsys, tmp_path, "--image", str(broken))
    assert code == 2 and "thẻ căn cước" in err


def test_payload_is_not_accepted_on_the_command_line(capsys, tmp_path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        id_card(capsys, tmp_path, "--text", CARD)
    assert exit_info.value.code == 2


def test_payload_never_reaches_the_log(capsys, tmp_path) -> None:
    id_card(capsys, tmp_path, "--text", "-", stdin=CARD)
    id_card(capsys, tmp_path, "--text", "-", stdin=CARD.replace("05031990", "05032000"))
    logs = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "data").rglob("*.log*"))
    for secret in ("034190001234", "151234567", "Tuyết", "Kiến Xương"):
        assert secret not in logs
