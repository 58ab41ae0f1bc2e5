"""A dossier's fee at the counter: computed from the fee tables, completed by the officer, stored and printed.

The computation is forms/fees.py; this module adds what the counter decides (exemptions ticked on seeing a
proof, whether the fee was collected and its fee-receipt number, an amount entered by hand where the tables
have none), keeps it on the dossier (`dossier.fee`, `dossier.fee_amount_vnd`) as it was at submit, and turns
it into the receipt's fee text. Fee tables published by the portal are activated here (docs/fees.md).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from forms import geo
from forms.fees import FEES_DIR, FeeInputError, FeeResult, FeeTable, FeeTables, NO_TABLE, check_table, compute_fee, load_fee_tables
from forms.model import DocumentSpec
from forms.received import ReceivedItem
from forms.text import format_vnd
from kiosk.errors import InputError
from kiosk.storage.files import fsync_dir, write_atomic
from kiosk.storage.models import Dossier

PROOF_PREFIX = "fee-proof-"  # doc_id of a checklist row added for an exemption's proof
MAX_HAND_VND = 100_000_000
SOURCES = ("table", "hand", "none")


@dataclass(frozen=True)
class FeeInputs:
    """What the officer decides about the fee on the review page (all optional)."""

    exemptions: tuple[str, ...] = ()  # ids of exemptions ticked (each on seeing its proof)
    collected: bool = False  # "Đã thu phí" at receipt
    fee_receipt_number: str = ""  # the fee receipt (biên lai) number, if any
    hand_amount_vnd: int | None = None  # only where the tables have no amount


@dataclass(frozen=True)
class DossierFee:
    """The fee as the dossier keeps it: `record` is `dossier.fee`; `proofs` become "shown" checklist rows (seen and handed back, never kept)."""

    record: dict[str, Any]
    proofs: tuple[tuple[DocumentSpec, ReceivedItem], ...]

    @property
    def amount_vnd(self) -> int | None:
        return self.record["amount_vnd"]


_LOADED: dict[Path, tuple[tuple[tuple[str, int, int, int], ...], FeeTables]] = {}  # fees folder → (its files' stats, the tables)


def _signature(folder: Path) -> tuple[tuple[str, int, int, int], ...]:
    """Name, inode, size and change time of every table file `fee_tables` reads: a file activated, edited or removed changes it."""
    out = []
    for d in (FEES_DIR, folder):
        for path in sorted(d.glob("*.json")) if d.is_dir() else ():
            try:
                st = path.stat()
            except OSError:
                continue
            out.append((str(path), st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(out)


def fee_tables(data: Any) -> FeeTables:
    """The shipped tables and those activated from the portal into data folder `data` (newest version of each).

    Loaded and checked once per set of files, not at every submit: checking them against the schema took about a
    fifth of a submit (docs/benchmarks.md, fifth round). A file added, replaced or removed reloads them.
    """
    folder = Path(data.fees_dir)
    signature = _signature(folder)
    held = _LOADED.get(folder)
    if held is not None and held[0] == signature:
        return held[1]
    tables = load_fee_tables(extra_dirs=[folder])
    _LOADED[folder] = (signature, tables)
    return tables


def site_province(settings: Any) -> str | None:
    """The site's province code ("01"), from its commune; None when the site has no known commune."""
    commune = geo.commune(getattr(settings, "commune_code", "") or "")
    return commune.province_code if commune is not None else None


def compute(ctx: Any, procedure_code: str, values: Mapping[str, Any], day: date, exemptions: tuple[str, ...] = ()) -> FeeResult:
    """The fee of a dossier at this site on `day` (raises InputError for an exemption not offered)."""
    try:
        return compute_fee(fee_tables(ctx.data), procedure_code, values, day, site_province(ctx.settings), exemptions)
    except FeeInputError as exc:
        raise InputError(str(exc)) from exc


def dossier_fee(result: FeeResult, inputs: FeeInputs) -> DossierFee:
    """The record kept on the dossier; raises InputError when the officer's inputs do not fit the computation."""
    receipt_number = (inputs.fee_receipt_number or "").strip()
    if len(receipt_number) > 40:
        raise InputError("Số biên lai thu phí dài quá 40 ký tự.")
    amount, source = result.amount_vnd, "table" if result.amount_vnd is not None else "none"
    hand = inputs.hand_amount_vnd
    if hand is not None:
        if result.amount_vnd is not None:
            raise InputError("Chỉ nhập tay số tiền khi biểu phí chưa có mức thu cho thủ tục này.")
        if isinstance(hand, bool) or not isinstance(hand, int) or not 0 <= hand <= MAX_HAND_VND:
            raise InputError(f"Số tiền nhập tay phải là số nguyên từ 0 đến {format_vnd(MAX_HAND_VND)}.")
        amount, source = hand, "hand"
    if inputs.collected and not amount:
        raise InputError("Không có số tiền phải thu: bỏ đánh dấu \"Đã thu phí\" hoặc nhập số tiền.")
    if receipt_number and not inputs.collected:
        raise InputError("Số biên lai chỉ ghi khi đã thu phí.")
    exemption = result.exemption
    record = {
        "amount_vnd": amount,
        "source": source,
        "lines": list(result.lines),
        "detail": result.detail if source == "table" else "",
        "exemption": {"id": exemption.id, "label": exemption.label, "legal_source": exemption.legal_source} if exemption else None,
        "exemptions_ticked": [e.id for e in result.ticked],
        "table": result.table,
        "table_version": result.table_version,
        "legal_source": result.legal_source,
        "collected": bool(inputs.collected),
        "fee_receipt_number": receipt_number or None,
    }
    proofs = tuple(
        (DocumentSpec(f"{PROOF_PREFIX}{e.id}", e.proof, "shown", 1, True, None, f"Miễn lệ phí: {e.label}", "shown", e.legal_source),
         ReceivedItem(way="shown", quantity=1))
        for e in result.ticked if e.proof
    )
    return DossierFee(record, proofs)


def set_fee(dossier: Dossier, fee: DossierFee) -> None:
    """Keep the fee on the dossier row (before the revision is written, so its snapshot carries it)."""
    dossier.fee = fee.record
    dossier.fee_amount_vnd = fee.amount_vnd


def fee_text(record: Mapping[str, Any]) -> str:
    """The receipt's fee line from a stored record: "6.000 đồng (3 bản × 2.000 đồng)", "Miễn (…)", "Chưa có biểu phí"."""
    exemption = record.get("exemption")
    amount = record.get("amount_vnd")
    if exemption:
        text = f"Miễn ({exemption.get('label', '')})"
    elif record.get("source") == "hand" and amount is not None:
        text = f"{format_vnd(amount)} (nhập tay)"
    elif amount is None:
        text = NO_TABLE
    elif amount == 0:
        text = "Không thu phí"
    else:
        detail = record.get("detail") or ""
        text = format_vnd(amount) + (f" ({detail})" if detail else "")
    if record.get("collected"):
        number = record.get("fee_receipt_number")
        text += f"; đã thu, biên lai số {number}" if number else "; đã thu"
    return text


# --- tables from the portal ----------------------------------------------------------------------

def activate_table(ctx: Any, data: bytes) -> FeeTable:
    """Check a fee table (its signature was checked by the caller) and keep it in `<data>/fees/`."""
    try:
        doc = json.loads(data)
        name = f"{doc['table']}-{doc['version']}.json"
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError("Biểu phí từ cổng không đọc được.") from exc
    if not all(ch.isalnum() or ch in ".-" for ch in name):
        raise InputError(f"Mã hoặc phiên bản biểu phí không hợp lệ: {doc.get('table')} {doc.get('version')}.")
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / name
        path.write_bytes(data)
        table, problems = check_table(doc, f"biểu phí {doc['table']} phiên bản {doc['version']}", data, path)
    if table is None:
        raise InputError(f"Biểu phí {doc['table']} phiên bản {doc['version']} từ cổng không hợp lệ: {problems[0] if problems else 'không nạp được'}.")
    ctx.data.fees_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(ctx.data.fees_dir / name, data)
    fsync_dir(ctx.data.fees_dir)
    return table


def has_table(ctx: Any, table: str, version: str) -> bool:
    """Whether this table version is already in use (shipped or activated): published again, it changes nothing."""
    return (ctx.data.fees_dir / f"{table}-{version}.json").exists() or any(
        t.table == table and t.version == version for t in load_fee_tables().tables.values()
    )
