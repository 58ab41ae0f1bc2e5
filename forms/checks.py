"""Checking procedure definitions: JSON Schema messages naming the field, then ids, expressions and references."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema

from forms.expr import KEYWORDS, Expr, ExprError, parse
from forms.model import FIELD_TYPES, Choice, LoadError

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


def schema_errors(validator, doc: Any, label: str) -> list[LoadError]:
    import jsonschema.exceptions  # imported by whoever built `validator`; here only for best_match

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


class DefinitionChecker:
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

    def versioning(self, doc: Mapping[str, Any]) -> None:
        """A version's date and what it says it removed: a date that does not exist would make the version never
        (or always) apply, and a removed item still listed is a contradiction the officer would be told."""
        raw = doc.get("effective_from")
        if raw is not None:
            try:
                date.fromisoformat(raw)
            except (TypeError, ValueError):
                self.error("effective_from", f"ngày hiệu lực '{raw}' không có thật (cần dạng NNNN-TT-NN, ví dụ 2026-01-01)")
        listed = {d["id"] for d in doc.get("documents", ())}
        for k, removed in enumerate(doc.get("removed_documents", ())):
            if removed["id"] in listed:
                self.error(f"removed_documents[{k}].id", f"giấy tờ '{removed['id']}' vẫn có trong danh sách giấy tờ của phiên bản này")

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
