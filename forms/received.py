"""What the counter received for each checklist item (Circular 03/2025; docs/receipt-2025.md): the way it was
provided (submitted, shown, looked up), for a submitted item its kind, quantity, page count and scans, for a
looked-up one the record number. Plain data and plain checks, shared by the wizard, submit and amend."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.model import KIND_LABELS, SUBMITTED_KINDS, WAYS, DocumentSpec, Procedure, way_text

MAX_PAGES = 1000
MAX_RECORD_NUMBER = 60


@dataclass(frozen=True)
class ReceivedItem:
    """One checklist item as received. ``kind`` "" means the spec's kind; ``scans`` are stored files'
    references ({sha256, filename, size, mime, pages}), each counting ``pages`` pages (an image 1, a PDF its pages)."""

    way: str = "submitted"
    quantity: int = 1
    kind: str = ""
    page_count: int | None = None
    record_number: str = ""
    scans: tuple[Mapping[str, Any], ...] = field(default=())

    def kind_for(self, spec: DocumentSpec) -> str:
        """The kind the document row keeps: the officer's choice for a submitted item, else the spec's."""
        return (self.kind or spec.kind) if self.way == "submitted" else spec.kind

    @property
    def scanned_pages(self) -> int:
        return sum(int(scan.get("pages") or 0) for scan in self.scans)

    def describe(self, spec: DocumentSpec) -> str:
        """"Nộp – Bản chính, 3 trang", "Xuất trình", "Khai thác CSDL (số …)"."""
        kind = self.kind_for(spec)
        return way_text(self.way, KIND_LABELS.get(kind, kind), self.page_count, self.record_number)


def default_item(spec: DocumentSpec, quantity: int | None = None) -> ReceivedItem:
    """The item as the spec lists it: its own way and kind (a bare quantity from an older caller means this)."""
    return ReceivedItem(way=spec.way, quantity=spec.quantity if quantity is None else quantity)


def as_item(spec: DocumentSpec, value: Any) -> ReceivedItem | None:
    """A caller's value for one item: a ReceivedItem, or a bare int (the quantity, in the spec's way and kind)."""
    if isinstance(value, ReceivedItem):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return default_item(spec, value)
    return None


def item_error(spec: DocumentSpec, item: ReceivedItem) -> str | None:
    """What is wrong with one item as entered (way, kind, quantity, page count, record number, scans), if anything."""
    name = spec.name
    if item.way not in WAYS:
        return f"Giấy tờ «{name}»: cách thức cung cấp không hợp lệ."
    if not isinstance(item.quantity, int) or isinstance(item.quantity, bool) or not 0 <= item.quantity <= 100:
        return "Số lượng giấy tờ phải là số nguyên từ 0 đến 100."
    if item.way == "submitted":
        if item.kind and item.kind not in SUBMITTED_KINDS:
            return f"Giấy tờ «{name}»: hình thức phải là bản chính, bản sao có chứng thực hoặc bản sao."
    elif item.scans:
        return f"Giấy tờ «{name}» chỉ {'xuất trình' if item.way == 'shown' else 'khai thác dữ liệu'}, không quét và không lưu bản quét."
    if item.page_count is not None and (
        not isinstance(item.page_count, int) or isinstance(item.page_count, bool) or not 1 <= item.page_count <= MAX_PAGES
    ):
        return f"Giấy tờ «{name}»: số trang phải từ 1 đến {MAX_PAGES}."
    if len(item.record_number) > MAX_RECORD_NUMBER:
        return f"Giấy tờ «{name}»: số bản ghi tối đa {MAX_RECORD_NUMBER} ký tự."
    return None


def scan_error(spec: DocumentSpec, item: ReceivedItem, *, scan_required: bool) -> str | None:
    """Images must equal pages (Circular 01/2023 Art. 8): a submitted item's scans add up to its page count.

    No scan at all is allowed unless the site requires scanning (a counter without a scanner); a partial set
    never is. Shown and looked-up items are never scanned (item_error).
    """
    if item.way != "submitted" or item.quantity < 1:
        return None
    pages, scanned = item.page_count, item.scanned_pages
    if scan_required and not pages:
        return f"Giấy tờ «{spec.name}»: hãy nhập số trang và quét đủ số trang trước khi tiếp nhận."
    if scan_required and scanned == 0:
        return f"Giấy tờ «{spec.name}» có {pages} trang nhưng chưa quét trang nào; hãy quét đủ {pages} trang."
    if pages and scanned and scanned < pages:
        return f"Giấy tờ «{spec.name}» có {pages} trang nhưng mới quét {scanned} trang; hãy quét đủ hoặc sửa số trang."
    if pages and scanned > pages:
        return f"Giấy tờ «{spec.name}» có {pages} trang nhưng đã quét {scanned} trang; hãy bỏ bản quét thừa hoặc sửa số trang."
    if not pages and scanned:
        return f"Giấy tờ «{spec.name}» đã quét {scanned} trang; hãy nhập số trang của giấy tờ."
    return None


def received_items(
    proc: Procedure, documents: Mapping[str, Any], *, scan_required: bool = False
) -> tuple[dict[str, ReceivedItem], dict[str, str]]:
    """The caller's checklist as items, and the errors keyed "documents.<id>" (unknown ids, bad values, scans)."""
    items: dict[str, ReceivedItem] = {}
    errors: dict[str, str] = {}
    for doc_id, value in documents.items():
        spec = proc.document(doc_id)
        item = as_item(spec, value) if spec is not None else None
        if spec is None:
            errors[f"documents.{doc_id}"] = f"Thủ tục này không có giấy tờ mã {doc_id}."
            continue
        if item is None:
            errors[f"documents.{doc_id}"] = "Số lượng giấy tờ phải là số nguyên từ 0 đến 100."
            continue
        message = item_error(spec, item) or scan_error(spec, item, scan_required=scan_required)
        if message:
            errors[f"documents.{doc_id}"] = message
        items[doc_id] = item
    return items, errors


def quantities(items: Mapping[str, ReceivedItem]) -> dict[str, int]:
    """{doc id: quantity} as formengine.document_errors counts them."""
    return {doc_id: item.quantity for doc_id, item in items.items()}
