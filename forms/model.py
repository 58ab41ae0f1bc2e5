"""The procedure model: immutable fields, pages, documents and procedures (docs/forms.md), as loaded from forms/."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field as dc_field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from forms.expr import Expr

KIND_LABELS = {"original": "Bản chính", "certified_copy": "Bản sao có chứng thực", "copy": "Bản sao", "shown": "Xuất trình"}

# How a checklist item is provided (Circular 03/2025; Nghị quyết 66.7/2025): kept by the counter, seen and
# handed back, or looked up in the national population or electronic civil-status database.
WAYS = ("submitted", "shown", "looked_up")
WAY_LABELS = {"submitted": "Nộp", "shown": "Xuất trình", "looked_up": "Khai thác CSDL"}

SUBMITTED_KINDS = ("original", "certified_copy", "copy")  # what a submitted item may be (KIND_LABELS)


def way_text(way: str, kind_label: str = "", page_count: int | None = None, record_number: str = "") -> str:
    """How an item was provided, as the receipt and the review print it: "Nộp – Bản chính, 3 trang",
    "Xuất trình", "Khai thác CSDL (số …)"."""
    if way == "shown":
        return WAY_LABELS["shown"]
    if way == "looked_up":
        record = record_number.strip()
        return WAY_LABELS["looked_up"] + (f" (số {record})" if record else "")
    text = f"{WAY_LABELS['submitted']} – {kind_label.strip()}" if kind_label.strip() else WAY_LABELS["submitted"]
    return text + (f", {page_count} trang" if page_count else "")


# How the dossier reached the counter (Decree 118/2025): the value of the form's "channel" field; online
# dossiers never come to the kiosk's counter.
CHANNELS = ("in_person", "post", "authorised")
CHANNEL_LABELS = {"in_person": "Trực tiếp", "post": "Qua dịch vụ bưu chính", "authorised": "Qua người được ủy quyền"}

FIELD_TYPES = ("text", "longtext", "number", "date", "choice", "multichoice", "yesno", "id_number",
               "phone", "email", "address", "attachment", "group")


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
    way: str = ""  # "submitted", "shown" or "looked_up"; "" in the file means: "shown" for kind "shown", else "submitted"
    legal_source: str = ""  # the text that set this requirement as it now is (e.g. "Nghị quyết 66.7/2025/NQ-CP")

    def __post_init__(self) -> None:
        if not self.way:
            object.__setattr__(self, "way", "shown" if self.kind == "shown" else "submitted")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class RemovedDocument:
    """A checklist item earlier versions asked for and this one does not, with the text that removed it."""

    id: str
    name: str
    legal_source: str


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
    effective_from: date | None = None  # first local day this version applies to dossiers received; None: always
    resolving_agency: str = ""  # the agency that decides, when not the receiving unit (a site may override it)
    removed_documents: tuple[RemovedDocument, ...] = ()
    code_series: str = ""  # Circular 04/2025 "AA" of a nationally centralised service; "": the ordinary dossier code
    field_id: str = ""  # the lĩnh vực (FIELD_LABELS) the logbook and reports group it under; see procedure_field
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


# Lĩnh vực: the logbook (form 07) is exported per field. A definition names its own ("field"); versions
# published before the attribute existed get theirs from this table by procedure code (docs/logbook-and-reports.md).
FIELD_LABELS = {"ho_tich": "Hộ tịch", "chung_thuc": "Chứng thực"}
DEFAULT_FIELDS = {
    "1.000656": "ho_tich", "1.000894": "ho_tich", "1.001193": "ho_tich", "1.004859": "ho_tich",
    "1.004873": "ho_tich", "2.000635": "ho_tich",  # a copy of a civil-status extract is a civil-status procedure
    "2.000815": "chung_thuc",
}


def procedure_field(code: str, definition: dict | None = None) -> str:
    """The lĩnh vực of a procedure: the definition's own "field", else the default for its code, else ""."""
    named = (definition or {}).get("field")
    return str(named) if named else DEFAULT_FIELDS.get(code, "")


def version_key(version: str) -> tuple[int, ...]:
    """"2026.10" sorts after "2026.9"."""
    return tuple(int(p) for p in version.split(".") if p.isdigit())
