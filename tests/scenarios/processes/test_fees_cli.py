"""`kiosk-admin fees` prints a computation; a dossier's receipt PDF carries its fee (read back with pypdfium2)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import cli_site, run  # noqa: F401 - cli_site is a fixture


def _answers(tmp_path: Path, name: str, values: dict) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _copies(pages: int, copies: int) -> dict:
    return {"originals": [{"original_document_name": "Bằng tốt nghiệp", "original_page_count": pages, "original_copy_count": copies}]}


def test_fees_prints_the_computation(tmp_path, capsys) -> None:
    empty = str(tmp_path / "no-site")
    data = _answers(tmp_path, "cc.json", _copies(300, 2))
    code, out, err = run(capsys, "--data-dir", empty, "fees", "--procedure", "2.000815", "--data", data, "--date", "2027-01-04", "--province", "01")
    assert code == 0, err
    assert "302.000 đồng, tối đa 200.000 đồng/bản; 2 bản × 200.000 đồng = 400.000 đồng" in out
    assert "Phí, lệ phí: 400.000 đồng" in out

    code, out, err = run(capsys, "--data-dir", empty, "--json", "fees", "--procedure", "1.004873", "--data", _answers(tmp_path, "m.json", {}),
                         "--date", "2027-01-04", "--province", "01", "--exemption", "ho_ngheo")
    answer = json.loads(out)
    assert code == 0 and answer["amount_vnd"] == 0 and answer["exemption"] == "ho_ngheo" and answer["proof_items"] == ["Giấy chứng nhận hộ nghèo"]

    code, out, err = run(capsys, "--data-dir", empty, "fees", "--procedure", "1.004873", "--data", _answers(tmp_path, "m.json", {}), "--province", "01")
    assert code == 0 and "Phí, lệ phí: Chưa có biểu phí" in out and "--exemption ho_ngheo" in out


def test_fees_refuses_bad_input_clearly(tmp_path, capsys) -> None:
    empty = str(tmp_path / "no-site")
    data = _answers(tmp_path, "cc.json", _copies(1, 1))
    cases = [
        (["--procedure", "2.000815", "--data", data], "hãy cho biết tỉnh bằng --province"),
        (["--procedure", "2.000815", "--data", data, "--province", "77"], "Không có tỉnh, thành phố mã 77"),
        (["--procedure", "9.999999", "--data", data, "--province", "01"], "Không có thủ tục mã 9.999999"),
        (["--procedure", "2.000815", "--data", data, "--province", "01", "--date", "04/01/2027"], "cần dạng YYYY-MM-DD"),
        (["--procedure", "2.000815", "--data", str(tmp_path / "none.json"), "--province", "01"], "Không có tệp"),
        (["--procedure", "1.004873", "--data", data, "--province", "01", "--exemption", "xyz"], "Biểu phí không có miễn phí 'xyz'"),
    ]
    for args, message in cases:
        code, out, err = run(capsys, "--data-dir", empty, "fees", *args)
        assert code == 2 and message in err, (args, err)


def test_the_site_province_is_the_default_and_the_receipt_pdf_carries_the_fee(cli_site, tmp_path, capsys) -> None:
    import pypdfium2

    data = _answers(tmp_path, "cc.json", dict(_copies(3, 1), submitter_name="Nguyễn Văn An"))
    code, out, err = run(capsys, "--data-dir", str(cli_site), "--json", "fees", "--procedure", "2.000815", "--data", data)
    assert code == 0 and json.loads(out)["province"] == "01" and json.loads(out)["amount_vnd"] == 5000

    from forms.catalogue import load_catalogue
    from forms.samples import sample_values
    from datetime import date

    values = dict(sample_values(load_catalogue().get("2.000815"), seed=2, today=date.today()), **_copies(3, 1))
    code, out, err = run(capsys, "--data-dir", str(cli_site), "submit", "--procedure", "2.000815", "--data", _answers(tmp_path, "s.json", values))
    assert code == 0, err
    pdf = tmp_path / "receipt.pdf"
    code, out, err = run(capsys, "--data-dir", str(cli_site), "receipt", out.split()[0], "--pdf", str(pdf))
    assert code == 0, err
    document = pypdfium2.PdfDocument(str(pdf))
    text = " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert "5.000 đồng (1 bản × 5.000 đồng)" in " ".join(text.split())
