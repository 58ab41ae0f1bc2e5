"""`kiosk-admin guide | refuse | stop | hand-back --pdf OUT` write the notice just recorded, and `kiosk-admin notice`
reprints one (docs/cli.md): the PDF read back has the form's title, the number and the citizen or the reason."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium

from cli_helpers import birth_values, cli_site, run  # noqa: F401 - cli_site is a fixture

PROCEDURE = "1.001193"


def text_of(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        assert len(pdf) == 1
        return " ".join(unicodedata.normalize("NFC", pdf[0].get_textpage().get_text_range()).split())
    finally:
        pdf.close()


def call(capsys, site: Path, *args: str) -> dict:
    code, out, err = run(capsys, "--data-dir", str(site), "--json", *args)
    assert code == 0, out + err
    return json.loads(out)


def test_each_recording_command_writes_its_notice_and_notice_reprints_it(cli_site: Path, tmp_path: Path, capsys, qapp) -> None:
    values = birth_values()
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    name = values["submitter_name"]

    guided = call(capsys, cli_site, "guide", "--procedure", PROCEDURE, "--data", str(answers), "--missing", "giay_chung_sinh",
                  "--note", "Ký tờ khai", "--officer", "lan", "--pdf", str(tmp_path / "guide.pdf"))
    assert guided["pdf"] == str(tmp_path / "guide.pdf")
    text = text_of(tmp_path / "guide.pdf")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and f"Số: {guided['notice_number']}" in text and name in text
    assert "Ký tờ khai" in text

    refused = call(capsys, cli_site, "refuse", "--procedure", PROCEDURE, "--data", str(answers), "--reason",
                   "Đã đăng ký khai sinh tại xã khác", "--pdf", str(tmp_path / "refuse.pdf"), "--paper", "A5")
    text = text_of(tmp_path / "refuse.pdf")
    assert refused["paper"] == "A5" and "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "Đã đăng ký khai sinh tại xã khác" in text

    code = call(capsys, cli_site, "submit", "--procedure", PROCEDURE, "--data", str(answers), "--officer", "lan")["code"]
    call(capsys, cli_site, "stop", code, "--reason", "Xin dừng để bổ sung giấy tờ khác", "--pdf", str(tmp_path / "stop.pdf"))
    text = text_of(tmp_path / "stop.pdf")
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and code in text and "Xin dừng để bổ sung giấy tờ khác" in text and name in text

    other = call(capsys, cli_site, "submit", "--procedure", PROCEDURE, "--data", str(answers), "--officer", "lan")["code"]
    call(capsys, cli_site, "ready", other)
    handed = call(capsys, cli_site, "hand-back", other, "--receiver-name", name, "--result-no", "12/2026/TLKS",
                  "--pdf", str(tmp_path / "hand.pdf"))
    text = text_of(tmp_path / "hand.pdf")
    assert "PHIẾU GIAO NHẬN KẾT QUẢ GIẢI QUYẾT HỒ SƠ" in text and f"Số: {handed['notice_number']}" in text and "12/2026/TLKS" in text

    again = call(capsys, cli_site, "notice", guided["notice_number"], "--kind", "guidance", "--pdf", str(tmp_path / "again.pdf"))
    assert again["reprint"] is True and text_of(tmp_path / "again.pdf") == text_of(tmp_path / "guide.pdf")

    status, out, _err = run(capsys, "--data-dir", str(cli_site), "--json", "notice", "2/9/2026", "--kind", "stop", "--pdf", str(tmp_path / "x.pdf"))
    assert status != 0 and "Không có thông báo dừng giải quyết số 2/9/2026" in json.loads(out)["error"]
    assert not (tmp_path / "x.pdf").exists()


def test_a_pdf_into_a_folder_not_made_yet_is_written_and_one_that_cannot_be_made_is_said_plainly(cli_site: Path, tmp_path: Path, capsys, qapp) -> None:
    data = tmp_path / "birth.json"
    data.write_text(json.dumps(birth_values(), ensure_ascii=False), encoding="utf-8")
    code = call(capsys, cli_site, "submit", "--procedure", PROCEDURE, "--data", str(data))["code"]
    target = tmp_path / "usb" / "giay-hen" / "lan-1.pdf"  # neither folder exists yet
    assert call(capsys, cli_site, "receipt", code, "--pdf", str(target))["pdf"] == str(target)
    assert code in text_of_first(target)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    status, out, err = run(capsys, "--data-dir", str(cli_site), "receipt", code, "--pdf", str(blocked / "x.pdf"))
    assert status == 1 and "Không tạo được thư mục" in err and "không mong muốn" not in err


def text_of_first(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return " ".join(unicodedata.normalize("NFC", pdf[0].get_textpage().get_text_range()).split())
    finally:
        pdf.close()
