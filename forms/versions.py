"""What changed between two versions of one procedure's requirements, in words the officer reads when a draft or a
submit crosses an effective date (docs/definition-versions.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.model import WAY_LABELS, DocumentSpec, Procedure


def _source(text: str) -> str:
    return f" ({text})" if text else ""


def requirement_changes(old: Procedure, new: Procedure) -> list[str]:
    """The checklist items `new` adds, removes or asks for another way than `old`, each naming its legal source.

    Only the documents are compared: they are what the law changed (Decree 07/2025, Nghị quyết 66.7/2025) and what
    the officer must collect differently; field changes show up as the wizard's own messages on re-check.
    """
    before: dict[str, DocumentSpec] = {d.id: d for d in old.documents}
    after: dict[str, DocumentSpec] = {d.id: d for d in new.documents}
    removed_why = {r.id: r.legal_source for r in new.removed_documents}
    changes: list[str] = []
    for doc_id, doc in before.items():
        if doc_id not in after:
            changes.append(f"không còn yêu cầu {doc.name}{_source(removed_why.get(doc_id, ''))}")
    for doc_id, doc in after.items():
        was = before.get(doc_id)
        if was is None:
            changes.append(f"thêm giấy tờ {doc.name}{_source(doc.legal_source)}")
        elif was.way != doc.way:
            changes.append(
                f"{was.name}: {WAY_LABELS.get(doc.way, doc.way)} thay cho {WAY_LABELS.get(was.way, was.way)}{_source(doc.legal_source)}"
            )
    return changes


def version_notice(old: Procedure, new: Procedure) -> str:
    """The sentence shown when a draft typed under `old` is moved to `new`, the version in force."""
    changes = requirement_changes(old, new)
    what = "; ".join(changes) if changes else "không thay đổi giấy tờ phải nộp"
    if new.version_key < old.version_key:  # the clock was set back before the draft's version began
        return f"Hôm nay thủ tục áp dụng phiên bản {new.version}: {what}; hồ sơ nháp đã được kiểm tra lại theo phiên bản này."
    since = f"áp dụng từ {new.effective_from:%d/%m/%Y}" if new.effective_from else f"(phiên bản {new.version})"
    return f"Thủ tục đã có phiên bản mới {since}: {what}; hồ sơ nháp đã được kiểm tra lại theo phiên bản mới."


def carry_over(old: Procedure, new: Procedure, values: Mapping[str, Any]) -> dict[str, Any]:
    """Answers typed under `old`, with the defaults of the fields only `new` asks (the channel: in person), so
    a draft that crosses an effective date is not refused for a question its form never showed."""
    asked_before = {f.id for f in old.top_fields()}
    added = {f.id: f.default for f in new.top_fields() if f.id not in asked_before and f.default is not None}
    return {**added, **values}
