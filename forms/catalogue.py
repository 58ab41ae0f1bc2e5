"""The procedure catalogue: loads and checks forms/ (docs/forms.md) into immutable Procedure objects."""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from forms import CHOICES_DIR, COMMON_DIR, FORMS_DIR, PROCEDURES_DIR, SCHEMA_PATH
from forms import text
from forms.checks import DefinitionChecker, schema_errors
from forms.expr import Expr, parse
from forms.model import Choice, Constraint, DocumentSpec, Field, LoadError, Page, Procedure, RemovedDocument, procedure_field
from forms.timezone import local_today

log = logging.getLogger(__name__)


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
        """One exact version; without `version`, the newest loaded (which may not be in force yet: see in_force)."""
        if version is not None:
            return self._procedures.get((code, version))
        versions = self.versions(code)
        return versions[-1] if versions else None

    def in_force(self, code: str, day: date | None = None) -> Procedure | None:
        """The version that applies to a dossier received on local day `day` (today in Việt Nam when None): the
        highest version whose `effective_from` is on or before it (no date: from the start). None when every
        version of the code starts later (docs/definition-versions.md)."""
        day = day or local_today()
        found = [p for p in self.versions(code) if p.effective_from is None or p.effective_from <= day]
        return found[-1] if found else None

    def all_versions(self) -> list[Procedure]:
        return sorted(self._procedures.values(), key=lambda p: (p.code, p.version_key))

    def latest(self, day: date | None = None) -> list[Procedure]:
        """The version in force on `day` (today when None) of each procedure, sorted by name (accent-insensitively).

        A version published with a future `effective_from` waits for its day; a code with no version in force yet
        is left out."""
        day = day or local_today()
        codes = {p.code for p in self._procedures.values()}
        found = [p for p in (self.in_force(code, day) for code in codes) if p is not None]
        return sorted(found, key=lambda p: (text.fold(p.name), p.name, p.code))

    def search(self, query: str, day: date | None = None) -> list[Procedure]:
        """Procedures in force on `day` whose name, code or keywords contain every word of `query` (no diacritics needed)."""
        if not isinstance(query, str):
            return []
        found = [p for p in self.latest(day) if text.matches(query, p.name, p.code, *p.keywords)]
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


@dataclass
class _SchemaCheck:
    """One definition of forms/schema.json (`name`); its JSON Schema validator is built only when a file needs it."""

    schema: dict
    digest: str
    name: str
    _validator: Any = field(default=None, repr=False)

    def validator(self) -> Any:
        if self._validator is None:
            import jsonschema  # only when some file is not among the accepted ones (≈ 10 MB, issue 17)

            self._validator = jsonschema.Draft202012Validator({"$defs": self.schema["$defs"], "$ref": f"#/$defs/{self.name}"})
        return self._validator


ACCEPTED_PATH = FORMS_DIR / "data" / "schema_accepted.json"

_SCHEMA_VERDICTS: dict[tuple[str, str, str, str], tuple[LoadError, ...]] = {}


@cache
def _accepted() -> tuple[str, dict[str, frozenset[str]]]:
    """The verdicts shipped with the program: the digest of forms/schema.json and, per definition, the digests
    of the files it accepted when `python -m forms.catalogue --write-accepted` ran (the shipped definitions)."""
    try:
        data = json.loads(ACCEPTED_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "", {}
    return data["schema"], {name: frozenset(digests) for name, digests in data["accepted"].items()}


def _schema_verdict(check: _SchemaCheck, doc: Any, data: bytes, label: str) -> list[LoadError]:
    """The schema's verdict on one file, by content. The verdict depends only on the schema's bytes and the file's:
    bytes accepted when the program was built are accepted without validating again (JSON Schema validation was
    most of a load: ≈ 0.35 s and 10 MB for the catalogue); any other file is validated, and the verdict remembered
    for this process (a window, a command or a test re-reads the same files)."""
    digest = hashlib.sha256(data).hexdigest()
    schema_digest, accepted = _accepted()
    if check.digest == schema_digest and digest in accepted.get(check.name, ()):
        return []
    key = (check.digest, check.name, digest, label)
    if key not in _SCHEMA_VERDICTS:
        _SCHEMA_VERDICTS[key] = tuple(schema_errors(check.validator(), doc, label))
    return list(_SCHEMA_VERDICTS[key])


def accepted_verdicts(schema_path: Path = SCHEMA_PATH) -> dict[str, Any]:
    """What forms/data/schema_accepted.json holds: the shipped files the schema accepts, validated now."""
    data = Path(schema_path).read_bytes()
    schema, digest = json.loads(data.decode("utf-8-sig")), hashlib.sha256(data).hexdigest()
    accepted: dict[str, list[str]] = {}
    for name, directory in (("choice_list", CHOICES_DIR), ("common_block", COMMON_DIR), ("procedure", PROCEDURES_DIR)):
        check = _SchemaCheck(schema, digest, name)
        for path in _json_files(directory):
            body = path.read_bytes()
            if not schema_errors(check.validator(), json.loads(body.decode("utf-8-sig")), _display_path(path)):
                accepted.setdefault(name, []).append(hashlib.sha256(body).hexdigest())
    return {"schema": digest, "accepted": {name: sorted(digests) for name, digests in accepted.items()}}


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
    schema, schema_digest = read[0], hashlib.sha256(read[1]).hexdigest()

    choice_lists: dict[str, tuple[Choice, ...]] = {}
    check = _SchemaCheck(schema, schema_digest, "choice_list")
    for path in _json_files(choices_dir):
        label = _display_path(path)
        found = _read_json(path, label, errors)
        if found is None:
            continue
        doc = found[0]
        problems = _schema_verdict(check, doc, found[1], label)
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
    check = _SchemaCheck(schema, schema_digest, "common_block")
    for path in _json_files(common_dir):
        label = _display_path(path)
        found = _read_json(path, label, errors)
        if found is None:
            continue
        doc = found[0]
        problems = _schema_verdict(check, doc, found[1], label)
        if not problems:
            checker = DefinitionChecker(label, choice_lists)
            checker.check([(label, f"pages[{i}]", p) for i, p in enumerate(doc["pages"])])
            problems = checker.errors
            if not problems and doc["id"] in blocks:
                problems = [LoadError(label, "id", f"khối dùng chung '{doc['id']}' đã có ở tệp khác")]
        if problems:
            errors.extend(problems)
            continue
        blocks[doc["id"]] = _Block(label, doc, tuple(_build_page(p, choice_lists, doc["id"]) for p in doc["pages"]))

    procedures: dict[tuple[str, str], Procedure] = {}
    check = _SchemaCheck(schema, schema_digest, "procedure")
    shipped = set(_json_files(procedures_dir))
    for path in [*sorted(shipped), *(p for d in extra_procedure_dirs if Path(d).is_dir() for p in _json_files(Path(d)))]:
        label = _display_path(path)
        found = _read_json(path, label, errors)
        if found is None:
            continue
        doc, data = found
        problems = _schema_verdict(check, doc, data, label)
        if not problems:
            problems = _check_procedure(doc, label, blocks, choice_lists)
        if not problems and (doc["code"], doc["version"]) in procedures and path not in shipped:
            if procedures[(doc["code"], doc["version"])].digest == hashlib.sha256(data).hexdigest():
                continue  # the portal published exactly what already ships
        if not problems and (doc["code"], doc["version"]) in procedures:
            other = procedures[(doc["code"], doc["version"])].source
            problems = [LoadError(label, "version", f"thủ tục {doc['code']} phiên bản {doc['version']} đã có ở {_display_path(other)}")]
        if not problems:
            problems = _same_day(doc, label, procedures)
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
    checker = DefinitionChecker(label, choice_lists)
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
    checker.versioning(doc)
    return checker.errors


def _same_day(doc: dict, label: str, procedures: Mapping[tuple[str, str], Procedure]) -> list[LoadError]:
    """Two versions of one code may not start on the same day: which one applies that day would be a guess."""
    if not doc.get("effective_from"):
        return []
    day = date.fromisoformat(doc["effective_from"])
    other = next((p for (code, _v), p in procedures.items() if code == doc["code"] and p.effective_from == day), None)
    if other is None:
        return []
    return [LoadError(label, "effective_from", f"phiên bản {other.version} của thủ tục {doc['code']} ({_display_path(other.source)}) "
                      f"cũng có hiệu lực từ {day:%d/%m/%Y}; mỗi phiên bản cần một ngày hiệu lực riêng")]


def _build_procedure(doc: dict, path: Path, data: bytes, blocks: Mapping[str, _Block], choice_lists) -> Procedure:
    common = tuple(doc.get("common_blocks", ()))
    pages = tuple(p for b in common for p in blocks[b].pages)
    pages += tuple(_build_page(p, choice_lists) for p in doc["pages"])
    documents = tuple(
        DocumentSpec(d["id"], d["name"], d["kind"], d.get("quantity", 1), d.get("required", True), _expr(d.get("visible_if")),
                     d.get("note", ""), d.get("way", ""), d.get("legal_source", ""))
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
        effective_from=date.fromisoformat(doc["effective_from"]) if doc.get("effective_from") else None,
        resolving_agency=doc.get("resolving_agency", ""),
        removed_documents=tuple(RemovedDocument(r["id"], r["name"], r["legal_source"]) for r in doc.get("removed_documents", ())),
        code_series=doc["dossier_code"]["series"] if doc.get("dossier_code", {}).get("centralised") else "",
        field_id=procedure_field(doc["code"], doc),
    )


if __name__ == "__main__" and sys.argv[1:] == ["--write-accepted"]:
    ACCEPTED_PATH.write_text(json.dumps(accepted_verdicts(), indent=1) + "\n", encoding="utf-8")
