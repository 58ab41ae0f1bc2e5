"""Fee tables (forms/fees/*.json, docs/fees.md): loading, checking and computing a dossier's fee from its answers.

Fees are data because they move: a province's council sets civil-status fees, the Ministry of Finance sets the
certified-copy fee and halves fees for a while. A table is national or one province's; each procedure has rules
with effective-date windows (a temporary reduction is a window of its own) and the exemptions of the Civil Status
Law. The amount is computed here, in exact integer đồng, and kept on the dossier as it was at the counter.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from forms import FORMS_DIR
from forms.checks import schema_errors
from forms.evaluation import holds
from forms.expr import Expr, ExprError, parse
from forms.model import LoadError
from forms.text import format_vnd

FEES_DIR = FORMS_DIR / "fees"
FEE_SCHEMA_PATH = FORMS_DIR / "fee_schema.json"
NATIONAL = "national"
NO_TABLE = "Chưa có biểu phí"
KINDS = ("fixed", "per_copy", "certified_copy_pages")


@dataclass(frozen=True)
class FeeRule:
    """One way of computing a procedure's fee, in force from `start` to `end` (both included; None: open)."""

    kind: str
    start: date
    end: date | None
    legal_source: str
    spec: Mapping[str, Any]

    def in_force(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Exemption:
    """An exemption: automatic when `condition` holds on the answers, else ticked by the officer on seeing `proof`."""

    id: str
    label: str
    legal_source: str
    procedures: tuple[str, ...]
    condition: Expr | None = None
    proof: str = ""
    start: date | None = None
    end: date | None = None

    @property
    def automatic(self) -> bool:
        return self.condition is not None

    def in_force(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class FeeTable:
    table: str  # "national" or a 2-digit province code
    version: str
    name: str
    rules: Mapping[str, tuple[FeeRule, ...]]
    exemptions: tuple[Exemption, ...]
    source: Path | None = None
    digest: str = ""

    @property
    def label(self) -> str:
        return f"{self.table}@{self.version}"


@dataclass(frozen=True)
class FeeTables:
    """The newest version of each table that loaded, plus the errors of those that did not."""

    tables: Mapping[str, FeeTable] = field(default_factory=dict)
    errors: tuple[LoadError, ...] = ()

    def for_province(self, province: str | None) -> list[FeeTable]:
        """Most specific first: the province's table, then the national one."""
        found = [self.tables[province]] if province and province in self.tables else []
        return found + ([self.tables[NATIONAL]] if NATIONAL in self.tables else [])


@dataclass(frozen=True)
class FeeResult:
    """A computed fee: `amount_vnd` None means no table has an amount here ("Chưa có biểu phí")."""

    procedure: str
    amount_vnd: int | None
    lines: tuple[str, ...]
    exemption: Exemption | None  # the exemption that made it free
    ticked: tuple[Exemption, ...]  # exemptions the officer ticked (each adds its proof as a "shown" item)
    offered: tuple[Exemption, ...]  # exemptions the officer may tick for this procedure and day
    table: str | None
    table_version: str | None
    legal_source: str = ""
    detail: str = ""  # the computation in brief, for the receipt: "3 bản × 2.000 đồng"

    @property
    def proof_items(self) -> tuple[str, ...]:
        return tuple(e.proof for e in self.ticked if e.proof)

    @property
    def summary(self) -> str:
        """One line for a screen or a receipt."""
        if self.exemption is not None:
            return f"Miễn ({self.exemption.label})"
        if self.amount_vnd is None:
            return NO_TABLE
        return format_vnd(self.amount_vnd) if self.amount_vnd else "Không thu phí"


class FeeInputError(ValueError):
    """The officer's fee inputs do not fit the table (an exemption it does not offer)."""


# --- loading and checking ------------------------------------------------------------------------

def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _read(path: Path, label: str, errors: list[LoadError]) -> tuple[Any, bytes] | None:
    try:
        data = path.read_bytes()
        return json.loads(data.decode("utf-8-sig")), data
    except OSError as exc:
        errors.append(LoadError(label, "", f"không đọc được tệp ({exc.strerror or exc})"))
    except UnicodeDecodeError as exc:
        errors.append(LoadError(label, "", f"tệp không phải UTF-8 (byte {exc.start})"))
    except json.JSONDecodeError as exc:
        errors.append(LoadError(label, "", f"JSON không hợp lệ ở dòng {exc.lineno}, cột {exc.colno}: {exc.msg}", exc.lineno))
    return None


_VALIDATOR: list[Any] = []


def _validator() -> Any:
    if not _VALIDATOR:
        import jsonschema  # ≈ 10 MB: only when a fee table is checked (issue 17)

        schema = json.loads(FEE_SCHEMA_PATH.read_text(encoding="utf-8"))
        _VALIDATOR.append(jsonschema.Draft202012Validator(schema))
    return _VALIDATOR[0]


def _dates(item: Mapping[str, Any], path: str, label: str, errors: list[LoadError]) -> tuple[date | None, date | None] | None:
    try:
        start, end = _day(item.get("from")), _day(item.get("until"))
    except ValueError:
        errors.append(LoadError(label, path, "ngày không có thật (cần YYYY-MM-DD)"))
        return None
    if start and end and end < start:
        errors.append(LoadError(label, f"{path}.until", "ngày kết thúc trước ngày bắt đầu"))
        return None
    return start, end


def check_table(doc: Any, label: str, data: bytes = b"", source: Path | None = None) -> tuple[FeeTable | None, list[LoadError]]:
    """A table from its JSON, or the errors (file, JSON path, Vietnamese reason) that make it unusable."""
    errors = schema_errors(_validator(), doc, label)
    if errors:
        return None, errors
    rules: dict[str, tuple[FeeRule, ...]] = {}
    for code, entry in doc["procedures"].items():
        found: list[FeeRule] = []
        for i, rule in enumerate(entry["rules"]):
            path = f"procedures.{code}.rules[{i}]"
            window = _dates(rule, path, label, errors)
            if window is None:
                continue
            made = FeeRule(rule["kind"], window[0], window[1], rule["legal_source"], dict(rule))
            clash = next((r for r in found if _overlap(r.start, r.end, made.start, made.end)), None)
            if clash is not None:
                errors.append(LoadError(label, f"{path}.from", f"khoảng hiệu lực chồng lên quy tắc từ {clash.start.isoformat()}"))
            if rule["kind"] == "certified_copy_pages" and rule["first_page_vnd"] < rule["next_page_vnd"]:
                errors.append(LoadError(label, f"{path}.next_page_vnd", "giá trang sau lớn hơn giá trang đầu: kiểm tra lại"))
            found.append(made)
        rules[code] = tuple(sorted(found, key=lambda r: r.start))
    exemptions: list[Exemption] = []
    for i, item in enumerate(doc.get("exemptions", ())):
        path = f"exemptions[{i}]"
        if ("condition" in item) == ("proof" in item):
            errors.append(LoadError(label, path, "miễn phí cần đúng một trong hai: 'condition' (tự động theo câu trả lời) hoặc 'proof' (giấy tờ xuất trình khi cán bộ đánh dấu)"))
            continue
        if any(e.id == item["id"] for e in exemptions):
            errors.append(LoadError(label, f"{path}.id", f"mã miễn phí '{item['id']}' bị trùng"))
            continue
        condition = None
        if "condition" in item:
            try:
                condition = parse(item["condition"])
            except ExprError as exc:
                errors.append(LoadError(label, f"{path}.condition", f"biểu thức lỗi: {exc}"))
                continue
        window = _dates(item, path, label, errors)
        if window is None:
            continue
        exemptions.append(Exemption(item["id"], item["label"], item["legal_source"], tuple(item["procedures"]), condition,
                                    item.get("proof", ""), window[0], window[1]))
    if errors:
        return None, errors
    digest = hashlib.sha256(data).hexdigest() if data else ""
    return FeeTable(doc["table"], doc["version"], doc["name"], rules, tuple(exemptions), source, digest), []


def _overlap(a0: date, a1: date | None, b0: date, b1: date | None) -> bool:
    return (a1 is None or b0 <= a1) and (b1 is None or a0 <= b1)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def load_fee_tables(fees_dir: Path = FEES_DIR, extra_dirs: Sequence[Path] = ()) -> FeeTables:
    """Every table file (shipped, then activated from the portal); per table id the highest version wins."""
    errors: list[LoadError] = []
    tables: dict[str, FeeTable] = {}
    paths = [p for d in (fees_dir, *extra_dirs) if Path(d).is_dir() for p in sorted(Path(d).glob("*.json"))]
    for path in paths:
        label = _label(path)
        found = _read(path, label, errors)
        if found is None:
            continue
        table, problems = check_table(found[0], label, found[1], path)
        if table is None:
            errors.extend(problems)
            continue
        held = tables.get(table.table)
        if held is not None and held.version == table.version and held.digest != table.digest:
            errors.append(LoadError(label, "version", f"biểu phí {table.table} phiên bản {table.version} đã có ở tệp khác với nội dung khác"))
            continue
        if held is None or _version_key(table.version) > _version_key(held.version):
            tables[table.table] = table
    return FeeTables(tables, tuple(errors))


def _label(path: Path) -> str:
    try:
        return path.resolve().relative_to(FORMS_DIR.parent).as_posix()
    except ValueError:
        return path.as_posix()


# --- computing -----------------------------------------------------------------------------------

def _count(value: Any) -> int:
    """A page or copy count from an answer: a whole number ≥ 0; anything else counts as 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, float) and value.is_integer():
        return max(int(value), 0)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return 0


def _vnd(amount: int) -> str:
    return format_vnd(amount)


def _apply(rule: FeeRule, values: Mapping[str, Any]) -> tuple[int, list[str], str]:
    """The amount, the lines of the computation and its brief form."""
    spec = rule.spec
    if rule.kind == "fixed":
        return spec["amount_vnd"], [f"Mức thu: {_vnd(spec['amount_vnd'])}/hồ sơ"], ""
    if rule.kind == "per_copy":
        copies = _count(values.get(spec["copies"]))
        total = copies * spec["amount_vnd"]
        brief = f"{copies} bản × {_vnd(spec['amount_vnd'])}"
        return total, [f"{brief} = {_vnd(total)}"], brief
    # certified_copy_pages: for each original, pages priced in two bands, capped per copy, times its copies.
    first_n, first, nxt, cap = spec["first_pages"], spec["first_page_vnd"], spec["next_page_vnd"], spec["max_per_copy_vnd"]
    items = values.get(spec["group"])
    total, lines, briefs = 0, [], []
    for n, item in enumerate(items if isinstance(items, list) else [], start=1):
        item = item if isinstance(item, Mapping) else {}
        pages, copies = _count(item.get(spec["pages"])), _count(item.get(spec["copies"]))
        head, tail = min(pages, first_n), max(pages - first_n, 0)
        raw = head * first + tail * nxt
        per_copy = min(raw, cap)
        parts = [f"{head} trang × {_vnd(first)}"] + ([f"{tail} trang × {_vnd(nxt)}"] if tail else [])
        text = " + ".join(parts) + f" = {_vnd(raw)}"
        if raw > cap:
            text += f", tối đa {_vnd(cap)}/bản"
        subtotal = per_copy * copies
        lines.append(f"Bản chính {n}: {text}; {copies} bản × {_vnd(per_copy)} = {_vnd(subtotal)}")
        briefs.append(f"{copies} bản × {_vnd(per_copy)}")
        total += subtotal
    return total, lines, " + ".join(briefs)


def compute_fee(
    tables: FeeTables,
    procedure: str,
    values: Mapping[str, Any],
    day: date,
    province: str | None,
    exemptions_ticked: Iterable[str] = (),
) -> FeeResult:
    """The fee of one dossier of `procedure` received on `day` at a site of `province`.

    The most specific table with a rule in force on `day` sets the amount (province before national);
    exemptions come from every applicable table (a province's replaces a national one of the same id).
    An automatic exemption whose condition holds, or any ticked one, makes it free. Raises FeeInputError
    for a ticked exemption the tables do not offer here.
    """
    applicable = tables.for_province(province)
    exemptions: dict[str, Exemption] = {}
    exemption_table: dict[str, FeeTable] = {}
    for table in reversed(applicable):  # national first, so a province's exemption of the same id wins
        for ex in table.exemptions:
            if procedure in ex.procedures and ex.in_force(day):
                exemptions[ex.id] = ex
                exemption_table[ex.id] = table
    offered = tuple(e for e in exemptions.values() if not e.automatic)
    ticked_ids = list(dict.fromkeys(exemptions_ticked))
    unknown = [i for i in ticked_ids if i not in exemptions or exemptions[i].automatic]
    if unknown:
        raise FeeInputError(f"Biểu phí không có miễn phí '{unknown[0]}' cho thủ tục {procedure}.")
    ticked = tuple(exemptions[i] for i in ticked_ids)

    rule, table = None, None
    for candidate in applicable:
        rule = next((r for r in candidate.rules.get(procedure, ()) if r.in_force(day)), None)
        if rule is not None:
            table = candidate
            break

    automatic = next((e for e in exemptions.values() if e.automatic and holds(e.condition, values, day)), None)
    applied = automatic or (ticked[0] if ticked else None)
    if applied is not None:
        source = exemption_table[applied.id]
        lines = (f"Miễn: {applied.label} ({applied.legal_source})",)
        lines += tuple(f"Giấy tờ xuất trình: {e.proof}" for e in ticked)
        return FeeResult(procedure, 0, lines, applied, ticked, offered, source.table, source.version, applied.legal_source)
    if rule is None or table is None:
        where = f"tỉnh {province}" if province else "nơi này"
        return FeeResult(procedure, None, (f"{NO_TABLE} cho thủ tục {procedure} ở {where} vào ngày {day.strftime('%d/%m/%Y')}",),
                         None, ticked, offered, None, None)
    amount, lines, brief = _apply(rule, values)
    lines.append(f"Tổng: {_vnd(amount)} ({rule.legal_source})")
    return FeeResult(procedure, amount, tuple(lines), None, ticked, offered, table.table, table.version, rule.legal_source, brief)
