"""Definition versions with effective dates (docs/definition-versions.md): which version is in force on a local day,
the checks on effective dates, each requirement the 2025 texts changed with its legal source, and the common
representation block (channel and authorised person)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from forms import CHOICES_DIR, COMMON_DIR, PROCEDURES_DIR
from forms import formengine
from forms.catalogue import Catalogue, load_catalogue
from forms.versions import requirement_changes, version_notice

D07 = "Nghị định 07/2025/NĐ-CP"
NQ66 = "Nghị quyết 66.7/2025/NQ-CP"
LOOK_UP_CODES = ("1.001193", "1.000656", "2.000635", "1.004873", "1.004859", "1.000894")
ID_CARD_ITEMS = {"1.000894": ("giay_to_tuy_than_ben_nu", "giay_to_tuy_than_ben_nam")}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    loaded = load_catalogue()
    assert loaded.errors == []
    return loaded


def _forms_copy(tmp_path: Path) -> Path:
    root = tmp_path / "forms"
    for name, source in (("procedures", PROCEDURES_DIR), ("common", COMMON_DIR), ("choices", CHOICES_DIR)):
        shutil.copytree(source, root / name)
    return root


def _load(root: Path) -> Catalogue:
    return load_catalogue(root / "procedures", root / "common", root / "choices")


def _new_version(root: Path, source: str, target: str, **changes) -> Path:
    doc = json.loads((root / "procedures" / source).read_text(encoding="utf-8"))
    doc.update(changes)
    path = root / "procedures" / target
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# --- the version in force --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("code", "day", "version"),
    [("1.001193", date(2025, 1, 8), "2026.1"), ("1.001193", date(2025, 1, 9), "2026.2"), ("1.001193", date(2025, 12, 31), "2026.2"),
     ("1.001193", date(2026, 1, 1), "2026.3"), ("1.001193", date(2026, 12, 2), "2026.3"),
     ("1.000894", date(2025, 12, 31), "2026.1"), ("1.000894", date(2026, 1, 1), "2026.2"),
     ("2.000815", date(2025, 6, 30), "2026.1"), ("2.000815", date(2025, 7, 1), "2026.2")],
)
def test_the_version_in_force_is_the_highest_that_has_started_by_that_day(catalogue, code, day, version) -> None:
    assert catalogue.in_force(code, day).version == version


def test_a_version_published_for_a_later_day_waits_for_it(tmp_path: Path) -> None:
    root = _forms_copy(tmp_path)
    _new_version(root, "2.000635-ban-sao-trich-luc.2026-01.json", "2.000635-later.json", version="2026.9", effective_from="2027-03-01")
    loaded = _load(root)
    assert loaded.errors == []
    assert loaded.get("2.000635").version == "2026.9"  # the newest loaded …
    assert loaded.in_force("2.000635", date(2027, 2, 28)).version == "2026.2"  # … is not offered before its day
    assert loaded.in_force("2.000635", date(2027, 3, 1)).version == "2026.9"
    assert {p.version for p in loaded.latest(date(2027, 2, 28)) if p.code == "2.000635"} == {"2026.2"}
    assert [p.version for p in loaded.search("bản sao trích lục", date(2027, 3, 1)) if p.code == "2.000635"] == ["2026.9"]


def test_a_code_whose_every_version_starts_later_is_not_offered(tmp_path: Path) -> None:
    root = _forms_copy(tmp_path)
    _new_version(root, "2.000635-ban-sao-trich-luc.json", "9.000001-moi.json", code="9.000001", effective_from="2030-01-01")
    loaded = _load(root)
    assert loaded.in_force("9.000001", date(2029, 12, 31)) is None
    assert "9.000001" not in {p.code for p in loaded.latest(date(2029, 12, 31))}


def test_an_effective_date_that_does_not_exist_is_refused_in_vietnamese(tmp_path: Path) -> None:
    root = _forms_copy(tmp_path)
    _new_version(root, "2.000635-ban-sao-trich-luc.2026-01.json", "2.000635-bad.json", version="2026.9", effective_from="2026-02-30")
    loaded = _load(root)
    [error] = loaded.errors
    assert error.file.endswith("2.000635-bad.json") and error.field == "effective_from"
    assert "ngày hiệu lực '2026-02-30' không có thật" in error.message
    assert loaded.in_force("2.000635", date(2026, 12, 2)).version == "2026.2"  # the rest still load


def test_two_versions_of_one_code_may_not_share_an_effective_date(tmp_path: Path) -> None:
    root = _forms_copy(tmp_path)
    _new_version(root, "2.000635-ban-sao-trich-luc.2026-01.json", "2.000635-twin.json", version="2026.9")
    [error] = _load(root).errors
    assert error.file.endswith("2.000635-twin.json") and error.field == "effective_from"
    assert "phiên bản 2026.2" in error.message and "01/01/2026" in error.message


def test_a_removed_item_still_listed_is_refused(tmp_path: Path) -> None:
    root = _forms_copy(tmp_path)
    doc = json.loads((root / "procedures" / "1.000656-khai-tu.2026-01.json").read_text(encoding="utf-8"))
    _new_version(root, "1.000656-khai-tu.2026-01.json", "1.000656-bad.json", version="2026.9", effective_from="2027-01-01",
                 removed_documents=[{"id": "giay_bao_tu", "name": "Giấy báo tử", "legal_source": "x"}], documents=doc["documents"])
    [error] = _load(root).errors
    assert error.field == "removed_documents[0].id" and "giay_bao_tu" in error.message


# --- each changed requirement, with its legal source ---------------------------------------------------

def test_birth_registration_no_longer_asks_for_the_parents_marriage_certificate(catalogue) -> None:
    before, after = catalogue.in_force("1.001193", date(2025, 1, 8)), catalogue.in_force("1.001193", date(2025, 1, 9))
    values = {"birth_type": "both", "birth_proof": "giay_chung_sinh", "parents_married": True}
    assert "gcn_ket_hon_cha_me" in {d.id for d in formengine.required_documents(before, values)}
    assert "gcn_ket_hon_cha_me" not in {d.id for d in formengine.required_documents(after, values)}
    assert requirement_changes(before, after) == [f"không còn yêu cầu Giấy chứng nhận kết hôn của cha, mẹ ({D07})"]
    # the marriage is still declared (the tờ khai is unchanged): the registry looks it up
    assert after.field("parents_married") is not None and after.field("parents_marriage_date") is not None


def test_domestic_marriage_no_longer_asks_for_a_marital_status_certificate_from_2026(catalogue) -> None:
    before, after = catalogue.in_force("1.000894", date(2025, 12, 31)), catalogue.in_force("1.000894", date(2026, 1, 1))
    values = {"bride_needs_status_certificate": True, "groom_needs_status_certificate": True}
    assert {"xac_nhan_thhn_ben_nu", "xac_nhan_thhn_ben_nam"} <= {d.id for d in formengine.required_documents(before, values)}
    assert not {"xac_nhan_thhn_ben_nu", "xac_nhan_thhn_ben_nam"} & {d.id for d in after.documents}
    changes = requirement_changes(before, after)
    assert f"không còn yêu cầu Giấy xác nhận tình trạng hôn nhân của bên nữ ({D07})" in changes
    assert f"không còn yêu cầu Giấy xác nhận tình trạng hôn nhân của bên nam ({D07})" in changes


@pytest.mark.parametrize("code", LOOK_UP_CODES)
def test_presenting_the_id_card_becomes_a_national_database_look_up(catalogue, code) -> None:
    before, after = catalogue.in_force(code, date(2025, 12, 31)), catalogue.in_force(code, date(2026, 1, 1))
    assert after.effective_from == date(2026, 1, 1)
    for item in ID_CARD_ITEMS.get(code, ("giay_to_tuy_than",)):
        assert before.document(item).way == "shown"
        assert after.document(item).way == "looked_up" and after.document(item).legal_source == NQ66
        assert f"{before.document(item).name}: Khai thác CSDL thay cho Xuất trình ({NQ66})" in requirement_changes(before, after)


def test_the_certified_copy_changes_no_requirement(catalogue) -> None:
    before, after = catalogue.in_force("2.000815", date(2025, 6, 30)), catalogue.in_force("2.000815", date(2025, 7, 1))
    assert requirement_changes(before, after) == []
    assert version_notice(before, after) == (
        "Thủ tục đã có phiên bản mới áp dụng từ 01/07/2025: không thay đổi giấy tờ phải nộp; "
        "hồ sơ nháp đã được kiểm tra lại theo phiên bản mới."
    )


def test_every_changed_requirement_names_its_legal_source(catalogue) -> None:
    for code in {p.code for p in catalogue.all_versions()}:
        versions = catalogue.versions(code)
        for old, new in zip(versions, versions[1:]):
            for change in requirement_changes(old, new):
                assert change.endswith(")") and ("/2025/" in change), (code, new.version, change)


def test_a_notice_across_two_versions_lists_both_changes(catalogue) -> None:
    notice = version_notice(catalogue.get("1.001193", "2026.1"), catalogue.get("1.001193", "2026.3"))
    assert notice.startswith("Thủ tục đã có phiên bản mới áp dụng từ 01/01/2026: không còn yêu cầu Giấy chứng nhận kết hôn")
    assert NQ66 in notice and notice.endswith("hồ sơ nháp đã được kiểm tra lại theo phiên bản mới.")


# --- the representation block --------------------------------------------------------------------------

AUTHORISED = ("authorised_name", "authorised_address", "authorised_id_number", "authorised_phone", "authorised_email", "authorisation_paper")


def test_every_version_in_force_today_records_the_channel_and_the_authorised_person(catalogue) -> None:
    offered = catalogue.latest(date(2026, 12, 2))
    assert len(offered) == 7
    for procedure in offered:
        assert procedure.common_blocks == ("contact", "representation"), procedure
        channel = procedure.field("channel")
        assert channel.type == "choice" and channel.required and channel.default == "in_person"
        assert [(c.value, c.label) for c in channel.choices] == [
            ("in_person", "Trực tiếp tại bộ phận một cửa"), ("post", "Qua dịch vụ bưu chính"), ("authorised", "Qua người được ủy quyền")]
        assert [procedure.field(f).type for f in AUTHORISED] == ["text", "address", "id_number", "phone", "email", "text"]
        assert procedure.field("filed_by_proxy") is None  # one way to say it: the channel
        assert procedure.resolving_agency == ""  # the commune that receives also decides all seven


def test_the_authorised_person_is_asked_for_only_when_filed_through_one(catalogue) -> None:
    procedure = catalogue.in_force("1.000656", date(2026, 12, 2))
    in_person = formengine.validate(procedure, {"channel": "in_person"}, today=date(2026, 12, 2))
    assert not set(AUTHORISED) & set(in_person)
    authorised = formengine.validate(procedure, {"channel": "authorised"}, today=date(2026, 12, 2))
    assert set(AUTHORISED) - {"authorised_email"} <= set(authorised) and "authorised_email" not in authorised
    needed = {d.id for d in formengine.required_documents(procedure, {"channel": "authorised"})}
    assert "van_ban_uy_quyen" in needed
    assert "van_ban_uy_quyen" not in {d.id for d in formengine.required_documents(procedure, {"channel": "post"})}


def test_no_shipped_definition_turns_on_the_centralised_code(catalogue) -> None:
    assert all(p.code_series == "" for p in catalogue.all_versions())
