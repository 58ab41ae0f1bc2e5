"""The procedure catalogue: loads and checks forms/ (docs/forms.md) into immutable Procedure objects."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field as dc_field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema

from forms import CHOICES_DIR, COMMON_DIR, FORMS_DIR, PROCEDURES_DIR, SCHEMA_PATH
from forms import text
from forms.expr import KEYWORDS, Expr, ExprError, parse

log = logging.getLogger(__name__)

KIND_LABELS = {"original": "Bản chính", "certified_copy": "Bản sao có chứng thực", "copy": "Bản sao", "shown": "Xuất trình"}

FIELD_TYPES = ("text", "longtext", "number", "date", "choice", "multichoice", "yesno", "id_number",
               "phone", "email", "address", "attachment", "group")
# Keys that only make sense for some field types (mirrors the allOf rules of forms/schema.json,
# used to turn the schema's terse "not one of" into a message naming the offending key).
TYPE_KEYS = {
    "min_length": ("text", "longtext"), "max_length": ("text", "longtext"), "pattern": ("text", "longtext"),
    "min": ("number",), "max": ("number",), "integer": ("number",),
    "not_future": ("date",), "min_date": ("date",), "max_date": ("date",),
    "choices": ("choice", "multichoice"), "choices_ref": ("choice", "multichoice"),
    "other_value": ("choice", "multichoice"), "id_checks": ("id_number",),
    "fields": ("group",), "item_label": ("group",),
    "min_items": ("group", "multichoice", "attachment"), "max_items": ("group", "multichoice", "attachment"),
}


@dataclass(frozen=True)
class LoadError:
    """A definition file that could not be loaded: the file, the JSON path of the field, and why."""

    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}" if self.field else f"{self.file}: {self.message}"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    search: tuple[str, ...] = ()


@dataclass(frozen=True)
class Constraint:
    expr: Expr
    message: str


@dataclass(frozen=True, eq=False, repr=False)
class Field:
    """One field of a form page (or a sub-field of a repeat group); keys as in docs/forms.md."""

    id: str
    label: str
    type: str
    required: bool = False
    required_if: Expr | None = None
    visible_if: Expr | None = None
    help: str = ""
    placeholder: str = ""
    default: Any = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: str | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    not_future: bool = False
    min_date: date | None = None
    max_date: date | None = None
    choices: tuple[Choice, ...] = ()
    choices_ref: str | None = None
    other_value: str | None = None
    id_checks: Mapping[str, str] = dc_field(default_factory=lambda: MappingProxyType({}))
    constraints: tuple[Constraint, ...] = ()
    fields: tuple[Field, ...] = ()
    min_items: int | None = None
    max_items: int | None = None
    item_label: str | None = None
    spec: Mapping[str, Any] = dc_field(default_factory=lambda: MappingProxyType({}), repr=False)

    def __repr__(self) -> str:
        return f"<Field {self.id} ({self.type})>"

    def choice(self, value: Any) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)

    def subfield(self, field_id: str) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)


@dataclass(frozen=True, eq=False, repr=False)
class Page:
    id: str
    title: str
    fields: tuple[Field, ...]
    visible_if: Expr | None = None
    block: str | None = None  # the common block it came from, if any

    def __repr__(self) -> str:
        return f"<Page {self.id}: {len(self.fields)} fields>"


@dataclass(frozen=True)
class DocumentSpec:
    id: str
    name: str
    kind: str
    quantity: int = 1
    required: bool = True
    visible_if: Expr | None = None
    note: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True, eq=False, repr=False)
class Procedure:
    code: str
    version: str
    name: str
    legal_basis: str
    processing_days: int
    processing_note: str
    fee_amount_vnd: int
    fee_note: str
    keywords: tuple[str, ...]
    documents: tuple[DocumentSpec, ...]
    pages: tuple[Page, ...]
    source: Path
    digest: str
    raw: dict = dc_field(repr=False)
    common_blocks: tuple[str, ...] = ()
    _index: dict = dc_field(init=False, repr=False)

    def __post_init__(self):
        index: dict[str, tuple[Field, Page, Field | None]] = {}
        for page in self.pages:
            for f in page.fields:
                index[f.id] = (f, page, None)
                for sub in f.fields:
                    index[sub.id] = (sub, page, f)
        object.__setattr__(self, "_index", index)

    def __repr__(self) -> str:
        return f"<Procedure {self.code} v{self.version} {self.name}>"

    def field(self, field_id: str) -> Field | None:
        """Any field by id, top-level or inside a group."""
        entry = self._index.get(field_id) if isinstance(field_id, str) else None
        return entry[0] if entry else None

    def page_of(self, field_id: str) -> Page | None:
        entry = self._index.get(field_id) if isinstance(field_id, str) else None
        return entry[1] if entry else None

    def group_of(self, field_id: str) -> Field | None:
        """The repeat group holding a sub-field; None for top-level or unknown ids."""
        entry = self._index.get(field_id) if isinstance(field_id, str) else None
        return entry[2] if entry else None

    def top_fields(self) -> Iterator[Field]:
        for page in self.pages:
            yield from page.fields

    def document(self, doc_id: str) -> DocumentSpec | None:
        return next((d for d in self.documents if d.id == doc_id), None)

    @property
    def version_key(self) -> tuple[int, ...]:
        return version_key(self.version)


def version_key(version: str) -> tuple[int, ...]:
    """"2026.10" sorts after "2026.9"."""
    return tuple(int(p) for p in version.split(".") if p.isdigit())


class Catalogue:
    """All procedure versions that loaded, plus the errors of those that did not."""

    def __init__(self, procedures=(), errors=(), choice_lists: Mapping[str, tuple[Choice, ...]] | None = None):
        self._procedures: dict[tuple[str, str], Procedure] = {(p.code, p.version): p for p in procedures}
        self.errors: list[LoadError] = list(errors)
        self.choice_lists: dict[str, tuple[Choice, ...]] = dict(choice_lists or {})

    def __len__(self) -> int:
        return len(self.latest())

    def __iter__(self) -> Iterator[Procedure]:
        return iter(self.latest())

    def versions(self, code: str) -> list[Procedure]:
        """Every loaded version of a procedure, oldest first."""
        return sorted((p for p in self._procedures.values() if p.code == code), key=lambda p: p.version_key)

    def get(self, code: str, version: str | None = None) -> Procedure | None:
        if version is not None:
            return self._procedures.get((code, version))
        versions = self.versions(code)
        return versions[-1] if versions else None

    def all_versions(self) -> list[Procedure]:
        return sorted(self._procedures.values(), key=lambda p: (p.code, p.version_key))

    def latest(self) -> list[Procedure]:
        """The newest version of each procedure, sorted by name (accent-insensitively)."""
        codes = {p.code for p in self._procedures.values()}
        found = [self.get(code) for code in codes]
        return sorted(found, key=lambda p: (text.fold(p.name), p.name, p.code))

    def search(self, query: str) -> list[Procedure]:
        """Latest procedures whose name, code or keywords contain every word of `query` (no diacritics needed)."""
        if not isinstance(query, str):
            return []
        found = [p for p in self.latest() if text.matches(query, p.name, p.code, *p.keywords)]
        folded = text.fold(query)

        def rank(p: Procedure) -> tuple[int, int]:
            # The procedure whose own name holds the phrase comes first ("khai sinh" → Đăng ký khai sinh),
            # then names holding every word, then matches through keywords only.
            name = text.fold(p.name)
            return (0 if folded and folded in name else 1, 0 if text.matches(query, p.name, p.code) else 1)

        return sorted(found, key=rank)


# --- reading files -------------------------------------------------------------------------------

def _display_path(path: Path) -> str:
    for base in (FORMS_DIR.parent, Path.cwd()):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def _no_duplicate_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"khóa '{key}' xuất hiện hai lần trong cùng một đối tượng")
        seen[key] = value
    return seen


def _read_json(path: Path, label: str, errors: list[LoadError]) -> tuple[Any, bytes] | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        errors.append(LoadError(label, "", f"không đọc được tệp ({exc.strerror or exc})"))
        return None
    try:
        doc = json.loads(data.decode("utf-8-sig"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError as exc:
        errors.append(LoadError(label, "", f"tệp không phải UTF-8 (byte {exc.start})"))
        return None
    except json.JSONDecodeError as exc:
        errors.append(LoadError(label, "", f"JSON không hợp lệ ở dòng {exc.lineno}, cột {exc.colno}: {exc.msg}", exc.lineno))
        return None
    except (ValueError, RecursionError) as exc:
        errors.append(LoadError(label, "", f"JSON không hợp lệ: {exc}"))
        return None
    return doc, data


def json_path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _resolve(doc: Any, parts) -> Any:
    for part in parts:
        try:
            doc = doc[part]
        except (KeyError, IndexError, TypeError):
            return None
    return doc


def _schema_message(error: jsonschema.ValidationError, doc: Any) -> tuple[list, str] | None:
    """A JSON path and an admin-readable message for one schema violation."""
    path = list(error.absolute_path)
    v, instance = error.validator, error.instance
    schema_path = list(error.schema_path)
    if v == "additionalProperties" and isinstance(instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in instance if k not in allowed)
        return path + extra[:1], "khóa không có trong định dạng (xem docs/forms.md); viết sai tên khóa?"
    if v == "required" and isinstance(instance, dict):
        missing = [k for k in error.validator_value if k not in instance]
        return path + missing[:1], "thiếu khóa bắt buộc"
    if v == "dependentRequired":
        return path, "'pattern' cần kèm 'pattern_message' (thông báo tiếng Việt khi nhập sai)"
    if "then" in schema_path and path and path[-1] == "type" and v == "enum":
        if instance not in FIELD_TYPES:
            return None  # the unknown type itself is reported; its keys are not the problem
        parent = _resolve(doc, path[:-1]) or {}
        bad = [k for k, types in TYPE_KEYS.items() if k in parent and instance not in types]
        if bad:
            return path[:-1] + [bad[0]], f"khóa '{bad[0]}' không dùng cho kiểu '{instance}' (chỉ cho {', '.join(TYPE_KEYS[bad[0]])})"
    if "then" in schema_path and v == "oneOf":
        return path, "trường lựa chọn cần đúng một trong hai khóa 'choices' hoặc 'choices_ref'"
    if v == "not" and path and path[-1] == "type":
        return path, "trong nhóm lặp không được đặt nhóm lặp khác"
    if v == "enum":
        return path, f"giá trị {json.dumps(instance, ensure_ascii=False)} không hợp lệ; cho phép: " + ", ".join(map(str, error.validator_value))
    if v == "type":
        return path, f"sai kiểu dữ liệu, cần {error.validator_value}"
    if v == "pattern":
        return path, f"giá trị {json.dumps(instance, ensure_ascii=False)} không đúng mẫu {error.validator_value}"
    if v == "minItems":
        return path, f"cần ít nhất {error.validator_value} phần tử"
    return path, error.message


def _schema_errors(validator, doc: Any, label: str) -> list[LoadError]:
    found: dict[tuple[str, str], LoadError] = {}
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        error = jsonschema.exceptions.best_match([error]) or error
        found_message = _schema_message(error, doc)
        if found_message is None:
            continue
        path, message = found_message
        err = LoadError(label, json_path(path), message)
        found.setdefault((err.field, err.message), err)
        if len(found) >= 20:
            break
    return list(found.values())


# --- semantic checks -----------------------------------------------------------------------------

class _Checker:
    """Checks one file's pages after the schema passed: ids, expressions, references."""

    def __init__(self, label: str, choice_lists: Mapping[str, tuple[Choice, ...]]):
        self.label = label
        self.choice_lists = choice_lists
        self.errors: list[LoadError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(LoadError(self.label, path, message))

    def expression(self, source: Any, path: str, known: set[str], sub_ids: Mapping[str, str]) -> Expr | None:
        if source is None:
            return None
        try:
            expr = parse(source)
        except ExprError as exc:
            self.error(path, f"biểu thức lỗi: {exc}")
            return None
        for name in sorted(expr.names - known):
            if name in sub_ids:
                self.error(path, f"'{name}' là trường trong nhóm '{sub_ids[name]}'; chỉ dùng được bên trong nhóm đó")
            else:
                self.error(path, f"biểu thức dùng trường không tồn tại '{name}'")
        return expr

    def check(self, pages: list[tuple[str, str, dict]], documents: list | None = None) -> None:
        """`pages` is a list of (file label, path prefix, page dict); only this file's entries report."""
        top: dict[str, dict] = {}
        sub_ids: dict[str, str] = {}
        seen_ids: set[str] = set()
        page_ids: set[str] = set()
        mine = [(prefix, page) for label, prefix, page in pages if label == self.label]
        for label, prefix, page in pages:
            report = label == self.label
            if page["id"] in page_ids and report:
                self.error(f"{prefix}.id", f"mã trang '{page['id']}' bị trùng")
            page_ids.add(page["id"])
            for i, f in enumerate(page["fields"]):
                fpath = f"{prefix}.fields[{i}]"
                self._claim(f["id"], f"{fpath}.id", seen_ids, report)
                top.setdefault(f["id"], f)
                for j, sub in enumerate(f.get("fields", ())):
                    self._claim(sub["id"], f"{fpath}.fields[{j}].id", seen_ids, report)
                    sub_ids.setdefault(sub["id"], f["id"])
        known_top = set(top)
        for prefix, page in mine:
            self.expression(page.get("visible_if"), f"{prefix}.visible_if", known_top, sub_ids)
            for i, f in enumerate(page["fields"]):
                fpath = f"{prefix}.fields[{i}]"
                self.field(f, fpath, known_top, sub_ids, top, None)
                siblings = {s["id"]: s for s in f.get("fields", ())}
                for j, sub in enumerate(f.get("fields", ())):
                    self.field(sub, f"{fpath}.fields[{j}]", known_top | set(siblings), sub_ids, {**top, **siblings}, f)
        if documents is not None:
            doc_ids: set[str] = set()
            for k, doc in enumerate(documents):
                if doc["id"] in doc_ids:
                    self.error(f"documents[{k}].id", f"mã giấy tờ '{doc['id']}' bị trùng")
                doc_ids.add(doc["id"])
                self.expression(doc.get("visible_if"), f"documents[{k}].visible_if", known_top, sub_ids)
        if not self.errors:
            self._cycles(pages)

    def _claim(self, field_id: str, path: str, seen: set[str], report: bool) -> None:
        if field_id in seen and report:
            self.error(path, f"mã trường '{field_id}' bị trùng (mã trường phải duy nhất trong cả thủ tục)")
        elif field_id in KEYWORDS and report:
            self.error(path, f"'{field_id}' là từ khóa của biểu thức, không dùng làm mã trường")
        seen.add(field_id)

    def field(self, f: dict, path: str, known: set[str], sub_ids, scope: Mapping[str, dict], group: dict | None) -> None:
        for key in ("visible_if", "required_if"):
            self.expression(f.get(key), f"{path}.{key}", known, sub_ids)
        for k, c in enumerate(f.get("constraints", ())):
            self.expression(c["expr"], f"{path}.constraints[{k}].expr", known, sub_ids)
        if group is not None and f["type"] == "attachment":
            self.error(f"{path}.type", "tệp đính kèm không đặt được trong nhóm lặp")
        values = self._choice_values(f, path)
        if values is not None:
            if f.get("other_value") is not None and f["other_value"] not in values:
                self.error(f"{path}.other_value", f"'{f['other_value']}' không có trong danh sách lựa chọn")
            if "default" in f and f["default"] is not None:
                defaults = f["default"] if f["type"] == "multichoice" and isinstance(f["default"], list) else [f["default"]]
                if any(d not in values for d in defaults):
                    self.error(f"{path}.default", "giá trị mặc định không có trong danh sách lựa chọn")
        if f["type"] == "yesno" and f.get("default") is not None and not isinstance(f["default"], bool):
            self.error(f"{path}.default", "mặc định của trường có/không phải là true hoặc false")
        if "pattern" in f:
            try:
                re.compile(f["pattern"])
            except re.error as exc:
                self.error(f"{path}.pattern", f"biểu thức chính quy lỗi: {exc}")
        bounds = {}
        for key in ("min_date", "max_date"):
            if key in f:
                try:
                    bounds[key] = date.fromisoformat(f[key])
                except ValueError:
                    self.error(f"{path}.{key}", f"ngày '{f[key]}' không có thật")
        for low, high in (("min_length", "max_length"), ("min", "max"), ("min_items", "max_items"), ("min_date", "max_date")):
            a, b = bounds.get(low, f.get(low)), bounds.get(high, f.get(high))
            if a is not None and b is not None and a > b:
                self.error(f"{path}.{high}", f"'{high}' nhỏ hơn '{low}'")
        for key, want in (("birth_date", ("date",)), ("sex", ("choice",))):
            ref = f.get("id_checks", {}).get(key)
            if ref is None:
                continue
            target = scope.get(ref)
            if target is None:
                self.error(f"{path}.id_checks.{key}", f"trường '{ref}' không tồn tại")
            elif target["type"] not in want:
                self.error(f"{path}.id_checks.{key}", f"trường '{ref}' có kiểu '{target['type']}', cần {want[0]}")

    def _choice_values(self, f: dict, path: str) -> set[str] | None:
        if "choices_ref" in f:
            if f["choices_ref"] not in self.choice_lists:
                self.error(f"{path}.choices_ref", f"không có danh sách lựa chọn '{f['choices_ref']}' trong forms/choices/")
                return None
            return {c.value for c in self.choice_lists[f["choices_ref"]]}
        if "choices" not in f:
            return None
        values: set[str] = set()
        for k, c in enumerate(f["choices"]):
            if c["value"] in values:
                self.error(f"{path}.choices[{k}].value", f"giá trị lựa chọn '{c['value']}' bị trùng")
            values.add(c["value"])
        return values

    def _cycles(self, pages: list[tuple[str, str, dict]]) -> None:
        """visible_if must not depend on itself (directly or through other fields)."""
        deps: dict[str, set[str]] = {}
        where: dict[str, str] = {}

        def names(source) -> set[str]:
            return set(parse(source).names) if source else set()

        for label, prefix, page in pages:
            page_deps = names(page.get("visible_if"))
            for i, f in enumerate(page["fields"]):
                own = page_deps | names(f.get("visible_if"))
                deps[f["id"]] = own
                where[f["id"]] = f"{prefix}.fields[{i}].visible_if" if label == self.label else ""
                for j, sub in enumerate(f.get("fields", ())):
                    deps[sub["id"]] = own | names(sub.get("visible_if"))
                    where[sub["id"]] = f"{prefix}.fields[{i}].fields[{j}].visible_if" if label == self.label else ""
        done: set[str] = set()
        for start in deps:
            if start in done:
                continue
            trail, stack = [start], [iter(sorted(deps[start]))]
            while stack:
                nxt = next(stack[-1], None)
                if nxt is None:
                    done.add(trail.pop())
                    stack.pop()
                elif nxt in trail:
                    cycle = trail[trail.index(nxt):] + [nxt]
                    culprit = next((n for n in cycle if where.get(n)), None)
                    if culprit:
                        self.error(where[culprit], "điều kiện hiển thị phụ thuộc vòng tròn: " + " → ".join(cycle))
                        return
                elif nxt in deps and nxt not in done:
                    trail.append(nxt)
                    stack.append(iter(sorted(deps[nxt])))


# --- building objects ----------------------------------------------------------------------------

def _expr(source) -> Expr | None:
    return parse(source) if source else None


def _choices(items) -> tuple[Choice, ...]:
    return tuple(Choice(c["value"], c["label"], tuple(c.get("search", ()))) for c in items)


def _build_field(f: dict, choice_lists: Mapping[str, tuple[Choice, ...]]) -> Field:
    choices = choice_lists.get(f["choices_ref"], ()) if "choices_ref" in f else _choices(f.get("choices", ()))
    return Field(
        id=f["id"], label=f["label"], type=f["type"],
        required=f.get("required", False),
        required_if=_expr(f.get("required_if")), visible_if=_expr(f.get("visible_if")),
        help=f.get("help", ""), placeholder=f.get("placeholder", ""), default=f.get("default"),
        min_length=f.get("min_length"), max_length=f.get("max_length"),
        pattern=f.get("pattern"), pattern_message=f.get("pattern_message"),
        min=f.get("min"), max=f.get("max"), integer=f.get("integer", False),
        not_future=f.get("not_future", False),
        min_date=date.fromisoformat(f["min_date"]) if "min_date" in f else None,
        max_date=date.fromisoformat(f["max_date"]) if "max_date" in f else None,
        choices=choices, choices_ref=f.get("choices_ref"), other_value=f.get("other_value"),
        id_checks=MappingProxyType(dict(f.get("id_checks", {}))),
        constraints=tuple(Constraint(parse(c["expr"]), c["message"]) for c in f.get("constraints", ())),
        fields=tuple(_build_field(s, choice_lists) for s in f.get("fields", ())),
        min_items=f.get("min_items"), max_items=f.get("max_items"), item_label=f.get("item_label"),
        spec=MappingProxyType(f),
    )


def _build_page(p: dict, choice_lists, block: str | None = None) -> Page:
    return Page(p["id"], p["title"], tuple(_build_field(f, choice_lists) for f in p["fields"]), _expr(p.get("visible_if")), block)


@dataclass
class _Block:
    label: str
    data: dict
    pages: tuple[Page, ...]


def _validator(schema: dict, name: str):
    return jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": f"#/$defs/{name}"})


def _json_files(directory: Path) -> list[Path]:
    try:
        return sorted(p for p in Path(directory).glob("*.json") if p.is_file())
    except OSError:
        return []


def load_catalogue(
    procedures_dir: Path = PROCEDURES_DIR,
    common_dir: Path = COMMON_DIR,
    choices_dir: Path = CHOICES_DIR,
    schema_path: Path = SCHEMA_PATH,
    extra_procedure_dirs: Sequence[Path] = (),
) -> Catalogue:
    """Load every procedure file; a broken file is skipped with a LoadError and the rest still load.

    `extra_procedure_dirs` hold versions activated from the portal's signed catalogue (the data folder's
    `catalogue/`); a file there for a version that ships with the program is ignored when identical.
    """
    errors: list[LoadError] = []
    read = _read_json(Path(schema_path), _display_path(Path(schema_path)), errors)
    if read is None:
        return Catalogue(errors=errors)
    schema = read[0]

    choice_lists: dict[str, tuple[Choice, ...]] = {}
    validator = _validator(schema, "choice_list")
    for path in _json_files(choices_dir):
        label = _display_path(path)
        found = _read_json(path, label, errors)
        if found is None:
            continue
        doc = found[0]
        problems = _schema_errors(validator, doc, label)
        if not problems:
            values = [c["value"] for c in doc["choices"]]
            dup = next((v for i, v in enumerate(values) if v in values[:i]), None)
            if dup is not None:
                problems.append(LoadError(label, f"choices[{values.index(dup, values.index(dup) + 1)}].value", f"giá trị '{dup}' bị trùng"))
            elif doc["name"] in choice_lists:
                problems.append(LoadError(label, "name", f"danh sách '{doc['name']}' đã có ở tệp khác"))
        if problems:
            errors.extend(problems)
            continue
        choice_lists[doc["name"]] = _choices(doc["choices"])

    blocks: dict[str, _Block] = {}
    validator = _validator(schema, "common_block")
    for path in _json_files(common_dir):
        label = _display_path(path)
        found = _read_json(path, label, errors)
        if found is None:
            continue
        doc = found[0]
        problems = _schema_errors(validator, doc, label)
        if not problems:
            checker = _Checker(label, choice_lists)
            checker.check([(label, f"pages[{i}]", p) for i, p in enumerate(doc["pages"])])
            problems = checker.errors
            if not problems and doc["id"] in blocks:
                problems = [LoadError(label, "id", f"khối dùng chung '{doc['id']}' đã có ở tệp khác")]
        if problems:
            errors.extend(problems)
            continue
        blocks[doc["id"]] = _Block(label, doc, tuple(_build_page(p, choice_lists, doc["id"]) for p in doc["pages"]))

    procedures: dict[tuple[str, str], Procedure] = {}
    validator = _validator(schema, "procedure")
    shipped = set(_json_files(procedures_dir))
    for path in [*sorted(shipped), *(p for d in extra_procedure_dirs if Path(d).is_dir() for p in _json_files(Path(d)))]:
        label = _display_path(path)
        found = _read_json(path, label, errors)
        if found is None:
            continue
        doc, data = found
        problems = _schema_errors(validator, doc, label)
        if not problems:
            problems = _check_procedure(doc, label, blocks, choice_lists)
        if not problems and (doc["code"], doc["version"]) in procedures and path not in shipped:
            if procedures[(doc["code"], doc["version"])].digest == hashlib.sha256(data).hexdigest():
                continue  # the portal published exactly what already ships
        if not problems and (doc["code"], doc["version"]) in procedures:
            other = procedures[(doc["code"], doc["version"])].source
            problems = [LoadError(label, "version", f"thủ tục {doc['code']} phiên bản {doc['version']} đã có ở {_display_path(other)}")]
        if problems:
            errors.extend(problems)
            continue
        try:
            proc = _build_procedure(doc, path, data, blocks, choice_lists)
        except Exception as exc:  # noqa: BLE001 - a checker gap must cost one procedure, not the kiosk
            log.exception("building procedure %s failed", label)
            errors.append(LoadError(label, "", f"lỗi không mong đợi khi nạp: {exc}"))
            continue
        procedures[(proc.code, proc.version)] = proc
    return Catalogue(procedures.values(), errors, choice_lists)


def _check_procedure(doc: dict, label: str, blocks: Mapping[str, _Block], choice_lists) -> list[LoadError]:
    checker = _Checker(label, choice_lists)
    pages: list[tuple[str, str, dict]] = []
    for k, block_id in enumerate(doc.get("common_blocks", ())):
        block = blocks.get(block_id)
        if block is None:
            checker.error(f"common_blocks[{k}]", f"không có khối dùng chung '{block_id}' (hoặc tệp của nó bị lỗi)")
            continue
        pages += [(block.label, f"pages[{i}]", p) for i, p in enumerate(block.data["pages"])]
    pages += [(label, f"pages[{i}]", p) for i, p in enumerate(doc["pages"])]
    if not checker.errors:
        checker.check(pages, doc.get("documents", []))
    return checker.errors


def _build_procedure(doc: dict, path: Path, data: bytes, blocks: Mapping[str, _Block], choice_lists) -> Procedure:
    common = tuple(doc.get("common_blocks", ()))
    pages = tuple(p for b in common for p in blocks[b].pages)
    pages += tuple(_build_page(p, choice_lists) for p in doc["pages"])
    documents = tuple(
        DocumentSpec(d["id"], d["name"], d["kind"], d.get("quantity", 1), d.get("required", True), _expr(d.get("visible_if")), d.get("note", ""))
        for d in doc.get("documents", ())
    )
    fee = doc["fee"]
    return Procedure(
        code=doc["code"], version=doc["version"], name=doc["name"],
        legal_basis=doc.get("legal_basis", ""), processing_days=doc["processing_days"],
        processing_note=doc.get("processing_note", ""),
        fee_amount_vnd=fee["amount_vnd"], fee_note=fee.get("note", ""),
        keywords=tuple(doc.get("keywords", ())), documents=documents, pages=pages,
        source=path, digest=hashlib.sha256(data).hexdigest(), raw=doc, common_blocks=common,
    )
