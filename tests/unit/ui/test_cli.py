"""kiosk-admin: the documented commands, their JSON, and exit code 2 with nothing written on bad input."""

from __future__ import annotations

import json
import re
from conftest import open_raw_db
from datetime import date
from pathlib import Path

import pytest

from cli_helpers import birth_values, cli_site, run  # noqa: F401 - cli_site is a fixture
from ui.admin.cli import main

CODE_RE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}")


def dossier_count(root: Path) -> int:
    connection = open_raw_db(root)
    try:
        return connection.execute("SELECT count(*) FROM dossier").fetchone()[0]
    finally:
        connection.close()


def test_procedures_lists_the_seven(capsys, tmp_path) -> None:
    code, out, _ = run(capsys, "procedures", "--json")
    assert code == 0
    payload = json.loads(out)
    assert {p["code"] for p in payload["procedures"]} == {"1.001193", "1.000894", "1.000656", "1.004873", "1.004859", "2.000635", "2.000815"}
    code, out, _ = run(capsys, "procedures", "--search", "dang ky khai sinh", "--json")
    assert json.loads(out)["procedures"][0]["code"] == "1.001193"


def test_submit_prints_code_and_appointment_and_search_finds_it(cli_site, capsys, tmp_path) -> None:
    values = birth_values()
    data = tmp_path / "birth.json"
    data.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(b"%PDF-1.4 test scan")
    code, out, err = run(capsys, "--data-dir", str(cli_site), "submit", "--procedure", "1.001193", "--data", str(data), "--attach", str(scan))
    assert code == 0, err
    dossier_code = out.split()[0]
    assert CODE_RE.fullmatch(dossier_code) and dossier_code.split("-")[-1].startswith("2")
    assert "hẹn trả" in out

    name_folded = values["submitter_name"].lower()
    for query in (dossier_code, values["submitter_id_number"], name_folded):
        code, out, _ = run(capsys, "--data-dir", str(cli_site), "dossiers", "--search", query, "--json")
        assert [d["code"] for d in json.loads(out)["dossiers"]] == [dossier_code], query

    from forms.text import fold

    code, out, _ = run(capsys, "--data-dir", str(cli_site), "dossiers", "--search", fold(values["submitter_name"]), "--json")
    assert [d["code"] for d in json.loads(out)["dossiers"]] == [dossier_code]

    connection = open_raw_db(cli_site)
    try:
        (dossier_id,) = connection.execute("SELECT id FROM dossier WHERE code = ?", (dossier_code,)).fetchone()
        assert connection.execute("SELECT count(*) FROM attachment WHERE dossier_id = ?", (dossier_id,)).fetchone()[0] == 1
        assert connection.execute("SELECT state FROM outbox_entry WHERE dossier_id = ?", (dossier_id,)).fetchone()[0] == "queued"
        assert connection.execute("SELECT count(*) FROM dossier_document WHERE dossier_id = ?", (dossier_id,)).fetchone()[0] >= 1
    finally:
        connection.close()


def test_submit_json_output(cli_site, capsys, tmp_path) -> None:
    data = tmp_path / "birth.json"
    data.write_text(json.dumps({"values": birth_values()}, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "--data-dir", str(cli_site), "submit", "--procedure", "1.001193", "--data", str(data), "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["ok"] and CODE_RE.fullmatch(payload["code"])
    date.fromisoformat(payload["appointment_date"])


@pytest.mark.parametrize(
    "procedure, content, expected",
    [
        ("9.999999", None, "Không có thủ tục"),
        ("1.001193", "{not json", "JSON"),
        ("1.001193", "[1, 2]", "đối tượng"),
        ("1.001193", "INVALID_ID", "định danh"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(cli_site, capsys, tmp_path, procedure, content, expected) -> None:
    data = tmp_path / "input.json"
    if content is None:
        data.write_text(json.dumps(birth_values(), ensure_ascii=False), encoding="utf-8")
    elif content == "INVALID_ID":
        values = birth_values()
        values["submitter_id_number"] = "001234567890123"
        data.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    else:
        data.write_text(content, encoding="utf-8")
    before = dossier_count(cli_site)
    attachments_before = sorted((cli_site / "attachments").iterdir())
    code, out, err = run(capsys, "--data-dir", str(cli_site), "submit", "--procedure", procedure, "--data", str(data))
    assert code == 2
    assert expected in err
    assert "Traceback" not in err
    assert dossier_count(cli_site) == before
    assert sorted((cli_site / "attachments").iterdir()) == attachments_before


def test_usage_error_exits_2(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["submit"])
    assert exc.value.code == 2


def test_not_initialised_folder_says_what_to_run(capsys, tmp_path) -> None:
    code, _out, err = run(capsys, "--data-dir", str(tmp_path / "empty"), "dossiers")
    assert code == 1 and "kiosk-admin init" in err


def test_init_rejects_bad_settings(capsys, tmp_path) -> None:
    code, _out, err = run(
        capsys, "--data-dir", str(tmp_path / "x"), "init", "--unit-id", "H2",  # (H22 alone is a valid QĐ 20/2020 identifier since issue 12)
        "--unit-name", "UBND xã A",
        "--commune-code", "00583", "--kiosk-number", "12",
    )
    assert code == 2 and "Mã định danh đơn vị" in err and "Số hiệu máy" in err


def test_doctor_json_on_a_healthy_site(cli_site, capsys) -> None:
    code, out, _ = run(capsys, "--data-dir", str(cli_site), "doctor", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["ok"], payload
    assert {f["check"] for f in payload["findings"]} >= {"disk", "database", "forms"}
