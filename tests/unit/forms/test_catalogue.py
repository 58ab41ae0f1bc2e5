"""Loading procedure definitions: valid files load, each broken file is reported by file and field."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from forms import CHOICES_DIR, COMMON_DIR, PROCEDURES_DIR, SCHEMA_PATH
from forms.model import KIND_LABELS, LoadError
from forms.catalogue import Catalogue, load_catalogue

SHIPPED_CODES = {"1.001193", "1.000894", "1.000656", "1.004873", "1.004859", "2.000635", "2.000815"}

CONTACT = {
    "format": 1,
    "id": "contact",
    "pages": [{
        "id": "nguoi_nop",
        "title": "Người nộp hồ sơ",
        "fields": [
            {"id": "submitter_name", "label": "Họ tên", "type": "text", "required": True},
            {"id": "submitter_birth_date", "label": "Ngày sinh", "type": "date"},
            {"id": "submitter_sex", "label": "Giới tính", "type": "choice",
             "choices": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}]},
            {"id": "submitter_id_number", "label": "Số định danh", "type": "id_number",
             "id_checks": {"birth_date": "submitter_birth_date", "sex": "submitter_sex"}},
        ],
    }],
}

ETHNICITY = {"name": "ethnicity", "source": "test", "choices": [
    {"value": "01", "label": "Kinh", "search": []},
    {"value": "08", "label": "Mông", "search": ["HMông"]},
]}


def procedure(code: str, name: str, version: str = "2026.1", **extra) -> dict:
    doc = {
        "format": 1,
        "code": code,
        "version": version,
        "name": name,
        "legal_basis": "Luật Hộ tịch 2014",
        "processing_days": 0,
        "processing_note": "Trong ngày",
        "fee": {"amount_vnd": 0, "note": "Miễn lệ phí"},
        "keywords": [name.lower()],
        "common_blocks": ["contact"],
        "documents": [
            {"id": "giay_chung_sinh", "name": "Giấy chứng sinh", "kind": "original", "quantity": 1,
             "required": True, "visible_if": "birth_type != 'abandoned'"},
        ],
        "pages": [
            {"id": "tre_em", "title": "Trẻ em", "visible_if": None, "fields": [
                {"id": "child_name", "label": "Họ tên", "type": "text", "required": True},
                {"id": "birth_type", "label": "Loại", "type": "choice",
                 "choices": [{"value": "both", "label": "Đủ cha mẹ"}, {"value": "abandoned", "label": "Bị bỏ rơi"}]},
                {"id": "child_ethnicity", "label": "Dân tộc", "type": "choice", "choices_ref": "ethnicity"},
            ]},
            {"id": "noi_dung", "title": "Nội dung", "fields": [
                {"id": "changes", "label": "Thay đổi", "type": "group", "min_items": 1, "fields": [
                    {"id": "old_value", "label": "Cũ", "type": "text", "required": True},
                    {"id": "new_value", "label": "Mới", "type": "text", "visible_if": "old_value != 'x'"},
                ]},
            ]},
        ],
    }
    doc.update(extra)
    return doc


@pytest.fixture
def forms_dir(tmp_path: Path) -> Path:
    root = tmp_path / "forms"
    for sub in ("procedures", "common", "choices"):
        (root / sub).mkdir(parents=True)
    write(root / "common" / "contact.json", CONTACT)
    write(root / "choices" / "ethnicity.json", ETHNICITY)
    write(root / "procedures" / "a.json", procedure("1.001193", "Đăng ký khai sinh"))
    write(root / "procedures" / "b.json", procedure("1.000656", "Đăng ký khai tử"))
    return root


def write(path: Path, doc) -> None:
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


def load(root: Path) -> Catalogue:
    return load_catalogue(root / "procedures", root / "common", root / "choices")


def only_error(catalogue: Catalogue, file_name: str) -> LoadError:
    assert len(catalogue.errors) == 1, [str(e) for e in catalogue.errors]
    error = catalogue.errors[0]
    assert error.file.endswith(file_name)
    assert file_name in str(error)
    return error


def broken(forms_dir: Path, mutate) -> Catalogue:
    """Write a third procedure, changed by `mutate`, and load the directory."""
    doc = procedure("2.000635", "Cấp bản sao trích lục")
    mutate(doc)
    write(forms_dir / "procedures" / "broken.json", doc)
    catalogue = load(forms_dir)
    assert {p.code for p in catalogue.latest()} == {"1.001193", "1.000656"}  # the others still load
    return catalogue


def test_valid_tree_loads(forms_dir: Path) -> None:
    catalogue = load(forms_dir)
    assert catalogue.errors == []
    proc = catalogue.get("1.001193")
    assert proc is not None and proc.name == "Đăng ký khai sinh"
    assert [p.id for p in proc.pages] == ["nguoi_nop", "tre_em", "noi_dung"]  # common block first
    assert proc.pages[0].block == "contact"
    assert [c.label for c in proc.field("child_ethnicity").choices] == ["Kinh", "Mông"]
    assert proc.field("child_ethnicity").choices[1].search == ("HMông",)
    assert proc.group_of("old_value").id == "changes"
    assert proc.field("changes").fields[1].visible_if.names == {"old_value"}
    assert proc.fee_amount_vnd == 0 and proc.fee_note == "Miễn lệ phí" and proc.processing_days == 0
    assert proc.documents[0].kind_label == KIND_LABELS["original"] == "Bản chính"
    assert len(proc.digest) == 64 and proc.source.name == "a.json" and proc.raw["code"] == "1.001193"
    assert [p.code for p in catalogue.latest()] == ["1.001193", "1.000656"]  # by name: "sinh" < "tử"


def test_versions_and_latest(forms_dir: Path) -> None:
    write(forms_dir / "procedures" / "a2.json", procedure("1.001193", "Đăng ký khai sinh (mới)", version="2026.10"))
    write(forms_dir / "procedures" / "a3.json", procedure("1.001193", "Đăng ký khai sinh (cũ)", version="2026.9"))
    catalogue = load(forms_dir)
    assert catalogue.errors == []
    assert [p.version for p in catalogue.versions("1.001193")] == ["2026.1", "2026.9", "2026.10"]
    assert catalogue.get("1.001193").version == "2026.10"
    assert catalogue.get("1.001193", "2026.9").name.endswith("(cũ)")
    assert catalogue.get("1.001193", "1999.1") is None and catalogue.get("9.999999") is None
    assert len(catalogue.latest()) == 2 and len(catalogue.all_versions()) == 4


def test_same_version_twice_is_an_error(forms_dir: Path) -> None:
    write(forms_dir / "procedures" / "c.json", procedure("1.001193", "Bản trùng"))
    error = only_error(load(forms_dir), "c.json")
    assert error.field == "version" and "a.json" in error.message


def test_search_ignores_diacritics(forms_dir: Path) -> None:
    catalogue = load(forms_dir)
    assert [p.code for p in catalogue.search("dang ky khai sinh")] == ["1.001193"]
    assert [p.code for p in catalogue.search("KHAI TU")] == ["1.000656"]
    assert [p.code for p in catalogue.search("1.0011")] == ["1.001193"]
    assert len(catalogue.search("")) == 2
    assert catalogue.search("ket hon") == []


def test_malformed_json_names_file_and_line(forms_dir: Path) -> None:
    write(forms_dir / "procedures" / "broken.json", '{\n  "format": 1,\n  "code": "2.000635"\n  "name": "x"\n}')
    catalogue = load(forms_dir)
    error = only_error(catalogue, "broken.json")
    assert error.line == 4 and "dòng 4" in error.message
    assert len(catalogue.latest()) == 2


def test_duplicate_json_key_is_an_error(forms_dir: Path) -> None:
    text = json.dumps(procedure("2.000635", "Trích lục"), ensure_ascii=False).replace(
        '"name": "Trích lục"', '"name": "Trích lục", "name": "Khác"')
    write(forms_dir / "procedures" / "broken.json", text)
    error = only_error(load(forms_dir), "broken.json")
    assert "'name'" in error.message


@pytest.mark.parametrize(
    ("mutate", "field", "words"),
    [
        (lambda d: d["pages"][1]["fields"][0].__setitem__("type", "textt"), "pages[1].fields[0].type", "textt"),
        (lambda d: d["pages"][0]["fields"][1].pop("label"), "pages[0].fields[1].label", "thiếu"),
        (lambda d: d["pages"][0]["fields"][0].__setitem__("requird", True), "pages[0].fields[0].requird", "khóa"),
        (lambda d: d["pages"][0]["fields"][0].__setitem__("min", 3), "pages[0].fields[0].min", "number"),
        (lambda d: d["pages"][0]["fields"][1].pop("choices"), "pages[0].fields[1]", "choices"),
        (lambda d: d["pages"][0]["fields"][0].__setitem__("id", "Child-Name"), "pages[0].fields[0].id", "mẫu"),
        (lambda d: d["documents"][0].__setitem__("kind", "photocopy"), "documents[0].kind", "photocopy"),
        (lambda d: d.__setitem__("processing_days", "3"), "processing_days", "kiểu"),
        (lambda d: d["pages"][0]["fields"][0].__setitem__("pattern", "[0-9]+"), "pages[0].fields[0]", "pattern_message"),
        (lambda d: d["pages"][1]["fields"][0]["fields"].append(
            {"id": "inner", "label": "x", "type": "group", "fields": [{"id": "y", "label": "y", "type": "text"}]}),
         "pages[1].fields[0].fields[2].type", "nhóm"),
    ],
)
def test_schema_violation_names_the_field(forms_dir: Path, mutate, field: str, words: str) -> None:
    catalogue = broken(forms_dir, mutate)
    assert catalogue.errors, "expected an error"
    assert all(e.file.endswith("broken.json") for e in catalogue.errors)
    assert any(e.field == field and words in e.message for e in catalogue.errors), [str(e) for e in catalogue.errors]


@pytest.mark.parametrize(
    ("mutate", "field", "words"),
    [
        (lambda d: d["pages"][0]["fields"][1].__setitem__("visible_if", "child_name =="), "pages[0].fields[1].visible_if", "vị trí"),
        (lambda d: d["pages"][0]["fields"][1].__setitem__("visible_if", "chid_name == 'x'"), "pages[0].fields[1].visible_if", "chid_name"),
        (lambda d: d["pages"][0].__setitem__("visible_if", "__class__"), "pages[0].visible_if", "vị trí"),
        (lambda d: d["documents"][0].__setitem__("visible_if", "nope == 1"), "documents[0].visible_if", "nope"),
        (lambda d: d["pages"][0]["fields"][0].__setitem__("constraints", [{"expr": "len(child_name) >", "message": "m"}]),
         "pages[0].fields[0].constraints[0].expr", "vị trí"),
        (lambda d: d["pages"][0]["fields"][0].__setitem__("required_if", "old_value == 'x'"), "pages[0].fields[0].required_if", "nhóm"),
        (lambda d: d["pages"][0]["fields"][0].__setitem__("visible_if", "foo(1)"), "pages[0].fields[0].visible_if", "foo"),
    ],
)
def test_bad_expression_names_the_field(forms_dir: Path, mutate, field: str, words: str) -> None:
    catalogue = broken(forms_dir, mutate)
    error = only_error(catalogue, "broken.json")
    assert error.field == field and words in error.message, str(error)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        # the same id on two pages
        (lambda d: d["pages"][1]["fields"].append({"id": "child_name", "label": "x", "type": "text"}), "pages[1].fields[1].id"),
        # clashing with the common block's field
        (lambda d: d["pages"][0]["fields"][0].__setitem__("id", "submitter_name"), "pages[0].fields[0].id"),
        # a group's sub-field clashing with a top-level field
        (lambda d: d["pages"][1]["fields"][0]["fields"][1].__setitem__("id", "birth_type"), "pages[1].fields[0].fields[1].id"),
        # page ids
        (lambda d: d["pages"][1].__setitem__("id", "tre_em"), "pages[1].id"),
        # document ids
        (lambda d: d["documents"].append(dict(d["documents"][0])), "documents[1].id"),
        # choice values
        (lambda d: d["pages"][0]["fields"][1]["choices"].append({"value": "both", "label": "Lặp"}), "pages[0].fields[1].choices[2].value"),
    ],
)
def test_duplicate_ids_name_the_field(forms_dir: Path, mutate, field: str) -> None:
    error = only_error(broken(forms_dir, mutate), "broken.json")
    assert error.field == field and "trùng" in error.message, str(error)


@pytest.mark.parametrize(
    ("mutate", "field", "words"),
    [
        (lambda d: d["pages"][0]["fields"][2].__setitem__("choices_ref", "religion"), "pages[0].fields[2].choices_ref", "religion"),
        (lambda d: d["pages"][0]["fields"].append({"id": "x_id", "label": "x", "type": "id_number",
                                                  "id_checks": {"birth_date": "x_birth"}}), "pages[0].fields[3].id_checks.birth_date", "x_birth"),
        (lambda d: d["pages"][0]["fields"].append({"id": "x_id", "label": "x", "type": "id_number",
                                                  "id_checks": {"birth_date": "child_name"}}), "pages[0].fields[3].id_checks.birth_date", "date"),
        (lambda d: d["pages"][0]["fields"][1].__setitem__("other_value", "khac"), "pages[0].fields[1].other_value", "khac"),
        (lambda d: d.__setitem__("common_blocks", ["contact", "signature"]), "common_blocks[1]", "signature"),
        (lambda d: d["pages"][0]["fields"][0].update(pattern="[", pattern_message="m"), "pages[0].fields[0].pattern", "chính quy"),
        (lambda d: d["pages"][0]["fields"][0].__setitem__("min_length", 10) or d["pages"][0]["fields"][0].__setitem__("max_length", 5),
         "pages[0].fields[0].max_length", "min_length"),
        (lambda d: d["pages"][0]["fields"][0].__setitem__("id", "not"), "pages[0].fields[0].id", "từ khóa"),
        (lambda d: d["pages"][0]["fields"][1].__setitem__("visible_if", "child_ethnicity == '01'")
         or d["pages"][0]["fields"][2].__setitem__("visible_if", "birth_type == 'both'"), "pages[0].fields[1].visible_if", "vòng"),
    ],
)
def test_semantic_errors_name_the_field(forms_dir: Path, mutate, field: str, words: str) -> None:
    error = only_error(broken(forms_dir, mutate), "broken.json")
    assert error.field == field and words in error.message, str(error)


def test_broken_common_block_is_reported_and_its_users_skipped(forms_dir: Path) -> None:
    block = copy.deepcopy(CONTACT)
    block["pages"][0]["fields"][0]["type"] = "txt"
    write(forms_dir / "common" / "contact.json", block)
    doc = procedure("2.000635", "Không dùng khối chung", common_blocks=[])
    write(forms_dir / "procedures" / "c.json", doc)
    catalogue = load(forms_dir)
    assert [p.code for p in catalogue.latest()] == ["2.000635"]
    messages = [str(e) for e in catalogue.errors]
    assert any("contact.json: pages[0].fields[0].type" in m for m in messages), messages
    assert any("a.json: common_blocks[0]" in m for m in messages) and any("b.json: common_blocks[0]" in m for m in messages)


def test_broken_choice_list_is_reported(forms_dir: Path) -> None:
    write(forms_dir / "choices" / "ethnicity.json", {"name": "ethnicity", "choices": [{"value": "01"}]})
    catalogue = load(forms_dir)
    assert any(e.file.endswith("ethnicity.json") and e.field == "choices[0].label" for e in catalogue.errors)
    assert any(e.field == "pages[0].fields[2].choices_ref" for e in catalogue.errors)


def test_missing_directories_give_an_empty_catalogue(tmp_path: Path) -> None:
    catalogue = load_catalogue(tmp_path / "nope", tmp_path / "nope", tmp_path / "nope")
    assert catalogue.errors == [] and catalogue.latest() == []


def test_load_error_text() -> None:
    error = LoadError("forms/procedures/x.json", "pages[1].fields[3].type", "kiểu không hợp lệ")
    assert str(error) == "forms/procedures/x.json: pages[1].fields[3].type: kiểu không hợp lệ"
    assert str(LoadError("forms/procedures/x.json", "", "JSON lỗi")) == "forms/procedures/x.json: JSON lỗi"


def test_schema_is_valid_draft_2020_12() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(procedure("1.001193", "x"))  # the root schema dispatches on the kind of file
    validator.validate(CONTACT)
    validator.validate(ETHNICITY)
    assert not validator.is_valid({**CONTACT, "code": "1.001193"})


# --- the shipped definitions --------------------------------------------------------------------

def test_shipped_forms_load_without_errors() -> None:
    catalogue = load_catalogue()
    assert [str(e) for e in catalogue.errors] == []
    assert {p.code for p in catalogue.latest()} == SHIPPED_CODES
    assert len(catalogue.latest()) == 7
    for proc in catalogue.latest():
        assert proc.pages[0].block == "contact" or not proc.common_blocks
    assert catalogue.search("dang ky khai sinh")[0].code == "1.001193"


def test_shipped_files_validate_against_root_schema() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    for directory in (PROCEDURES_DIR, COMMON_DIR, CHOICES_DIR):
        for path in directory.glob("*.json"):
            errors = [e.message for e in validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))]
            assert errors == [], path


def test_one_broken_shipped_copy_leaves_the_other_six(tmp_path: Path) -> None:
    root = tmp_path / "forms"
    for name, source in (("procedures", PROCEDURES_DIR), ("common", COMMON_DIR), ("choices", CHOICES_DIR)):
        shutil.copytree(source, root / name)
    first = sorted((root / "procedures").glob("*.json"))[0]
    targets = sorted((root / "procedures").glob(first.name.split("-")[0] + "-*.json"))  # every version of that code
    for target in targets:
        doc = json.loads(target.read_text(encoding="utf-8"))
        doc["pages"][0]["fields"][0]["type"] = "textarea"
        write(target, doc)
    catalogue = load(root)
    assert len(catalogue.latest()) == 6
    assert [e.field for e in catalogue.errors] == ["pages[0].fields[0].type"] * len(targets)
    assert sorted(Path(e.file).name for e in catalogue.errors) == [t.name for t in targets]
